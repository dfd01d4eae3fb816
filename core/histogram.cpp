// SPDX-License-Identifier: MIT
#include "core/histogram.h"

#include <algorithm>
#include <cmath>

namespace beam {

void Histogram::record(std::uint64_t value, std::uint64_t count)
{
    m_counts[static_cast<std::size_t>(HistogramLayout::indexOf(value))] += count;
    m_total += count;
    m_max = std::max(m_max, value);
}

void Histogram::setBucket(int index, std::uint64_t count)
{
    auto &bucket = m_counts[static_cast<std::size_t>(index)];
    m_total = m_total - bucket + count;
    bucket = count;
}

void Histogram::merge(const Histogram &other)
{
    for (std::size_t i = 0; i < m_counts.size(); ++i)
        m_counts[i] += other.m_counts[i];
    m_total += other.m_total;
    m_max = std::max(m_max, other.m_max);
}

Histogram Histogram::since(const Histogram &earlier) const
{
    Histogram delta;
    int highest = -1;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        // A reader may see a bucket of `earlier` that a racing writer had bumped further than this one; never wrap.
        const std::uint64_t d = m_counts[i] > earlier.m_counts[i] ? m_counts[i] - earlier.m_counts[i] : 0;
        delta.m_counts[i] = d;
        delta.m_total += d;
        if (d > 0)
            highest = static_cast<int>(i);
    }
    if (highest >= 0) {
        const auto upper = HistogramLayout::lowerBound(highest) + HistogramLayout::width(highest) - 1;
        delta.m_max = std::min(upper, m_max);
    }
    return delta;
}

std::uint64_t Histogram::quantile(double q) const
{
    if (m_total == 0)
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    const auto rank
        = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_total))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        seen += m_counts[i];
        if (seen >= rank)
            return std::min(HistogramLayout::representative(static_cast<int>(i)), m_max);
    }
    return m_max;
}

double Histogram::mean() const
{
    if (m_total == 0)
        return 0;
    double sum = 0;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        if (m_counts[i] != 0) {
            const auto value = std::min(HistogramLayout::representative(static_cast<int>(i)), m_max);
            sum += static_cast<double>(value) * static_cast<double>(m_counts[i]);
        }
    }
    return sum / static_cast<double>(m_total);
}

void LatencyRecorder::addTo(Histogram &into) const
{
    // No value above the maximum, so no bucket above its bucket: a recorder of microseconds stops a third of the
    // way. Every value counted in a total() read before this is at or below the maximum read here.
    const std::uint64_t max = m_max.load(std::memory_order_relaxed);
    const int top = HistogramLayout::indexOf(max);
    for (int i = 0; i <= top; ++i) {
        if (const auto c = m_counts[static_cast<std::size_t>(i)].load(std::memory_order_relaxed); c != 0)
            into.add(i, c);
    }
    into.raiseMax(max);
}

} // namespace beam
