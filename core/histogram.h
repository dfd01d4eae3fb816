// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <vector>

namespace beam {

/// Log-linear bucket layout in the manner of HdrHistogram: values below 128 are exact, above that every
/// power of two is cut into 64 equal buckets, so a bucket's midpoint is within 1/128 (< 1%) of any value in it.
/// Values are nanoseconds; everything above about 18 minutes lands in the last bucket.
struct HistogramLayout {
    static constexpr int kSubBuckets = 128; ///< exact buckets for 0..127, and twice the buckets per power of two
    static constexpr int kHalf = kSubBuckets / 2; ///< buckets per power of two above 127
    static constexpr int kMaxExponent = 40; ///< 2^40 ns, about 18 minutes: the last bucket holds all above
    static constexpr int kBucketCount = kSubBuckets + (kMaxExponent - 7) * kHalf + kHalf; ///< buckets in all

    /// The bucket that counts `value`.
    static constexpr int indexOf(std::uint64_t value)
    {
        if (value < kSubBuckets)
            return static_cast<int>(value);
        const int exponent = 63 - std::countl_zero(value);
        if (exponent > kMaxExponent)
            return kBucketCount - 1;
        const int shift = exponent - 6;
        return kSubBuckets + (shift - 1) * kHalf + static_cast<int>((value >> shift) - kHalf);
    }

    /// The smallest value bucket `index` counts.
    static constexpr std::uint64_t lowerBound(int index)
    {
        if (index < kSubBuckets)
            return static_cast<std::uint64_t>(index);
        const int shift = (index - kSubBuckets) / kHalf + 1;
        const auto sub = static_cast<std::uint64_t>((index - kSubBuckets) % kHalf) + kHalf;
        return sub << shift;
    }

    /// How many values bucket `index` covers.
    static constexpr std::uint64_t width(int index)
    {
        return index < kSubBuckets ? 1 : std::uint64_t{1} << ((index - kSubBuckets) / kHalf + 1);
    }

    /// The value a bucket stands for: its midpoint (exact below 128).
    static constexpr std::uint64_t representative(int index) { return lowerBound(index) + width(index) / 2; }
};

/// A plain histogram value: counts per bucket plus the exact maximum. Merged, diffed and queried by readers.
class Histogram
{
public:
    Histogram()
        : m_counts(HistogramLayout::kBucketCount, 0)
    { }

    /// Counts `value` (nanoseconds) `count` times.
    void record(std::uint64_t value, std::uint64_t count = 1);
    /// Adds every count of `other`; the maximum is the larger one.
    void merge(const Histogram &other);
    /// this - earlier, bucket by bucket; max becomes the interval's highest bucket, clamped to the exact max.
    [[nodiscard]] Histogram since(const Histogram &earlier) const;

    /// Values counted.
    [[nodiscard]] std::uint64_t count() const { return m_total; }
    /// The largest value counted, exact.
    [[nodiscard]] std::uint64_t max() const { return m_max; }
    /// Value at quantile q in [0, 1]; 0 when empty. Within 1% of the exact order statistic.
    [[nodiscard]] std::uint64_t quantile(double q) const;
    /// Mean of the bucket representatives, clamped to the exact max; 0 when empty. Within 1% of the exact mean.
    [[nodiscard]] double mean() const;

    /// Counts per bucket, indexed as HistogramLayout.
    [[nodiscard]] const std::vector<std::uint64_t> &counts() const { return m_counts; }
    /// Sets one bucket's count (the total follows), for building a histogram from stored counts.
    void setBucket(int index, std::uint64_t count);
    /// Sets the exact maximum.
    void setMax(std::uint64_t max) { m_max = max; }
    /// Adds `count` to one bucket and `max` to the maximum: merging a recorder in place, with no histogram made.
    void add(int index, std::uint64_t count)
    {
        m_counts[static_cast<std::size_t>(index)] += count;
        m_total += count;
    }
    /// Raises the maximum to `max` if it is higher.
    void raiseMax(std::uint64_t max) { m_max = std::max(m_max, max); }

private:
    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_total = 0;
    std::uint64_t m_max = 0;
};

/// Histogram written by one thread at a time (a serial consumer) and read by any thread (the sampler).
///
/// Writers use relaxed load+store, not read-modify-write: with a single writer nothing is lost and no locked
/// instruction sits on the hot path. Readers may see a bucket a few events behind, never a torn value.
class LatencyRecorder
{
public:
    /// Counts `valueNs` `count` times (the one writing thread only).
    void record(std::uint64_t valueNs, std::uint64_t count = 1)
    {
        auto &bucket = m_counts[static_cast<std::size_t>(HistogramLayout::indexOf(valueNs))];
        bucket.store(bucket.load(std::memory_order_relaxed) + count, std::memory_order_relaxed);
        if (valueNs > m_max.load(std::memory_order_relaxed))
            m_max.store(valueNs, std::memory_order_relaxed);
        // Released after the bucket and the maximum (a plain store on x86): a reader that acquires a total sees
        // every value it counts.
        m_total.store(m_total.load(std::memory_order_relaxed) + count, std::memory_order_release);
    }

    /// Values recorded so far (written after their buckets and maximum): a reader that sees it unchanged since it
    /// last merged this recorder may keep what it merged then, and one that reads it before addTo() merges at
    /// least those values.
    [[nodiscard]] std::uint64_t total() const { return m_total.load(std::memory_order_acquire); }

    /// Adds the current counts to `into` (any thread).
    void addTo(Histogram &into) const;

private:
    std::array<std::atomic<std::uint64_t>, HistogramLayout::kBucketCount> m_counts{};
    std::atomic<std::uint64_t> m_max{0};
    std::atomic<std::uint64_t> m_total{0};
};

} // namespace beam
