// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace beam {

/// What one engine thread ran: its busy time (time inside graph node bodies) and a ring of the latest slices,
/// each a stretch of one consumer's body (or of other graph work), for the schedulers view. See
/// docs/schedulers.md.
///
/// Threads: exactly one writer, the thread it is bound to (enter(), leave()); any number of readers (busyNs(),
/// slices(), from the sampler). The writer takes no lock and makes no read-modify-write: plain atomic loads
/// and stores, so it costs a few stores per body, never per event. The ring overwrites its oldest slices;
/// a reader drops whatever was overwritten while it read (a seqlock on the slot index, not on the data).
/// Aligned to a cache line so two threads' activities never share one.
class alignas(64) ThreadActivity
{
public:
    static constexpr int kOther = -1; ///< a slice of graph work that is not a consumer's body
    /// Two runs of the same consumer this close together (the node handing its next message to the same
    /// thread) are one slice; the gap is counted in the slice, never in the busy time.
    static constexpr std::int64_t kMergeGapNs = 2000;

    /// One stretch of work, in steady-clock nanoseconds.
    struct Slice {
        std::int64_t startNs = 0;
        std::int64_t endNs = 0;
        int consumer = kOther;
    };

    /// A ring of `capacity` slices (rounded up to a power of two).
    explicit ThreadActivity(std::size_t capacity);
    ThreadActivity(const ThreadActivity &) = delete;
    ThreadActivity &operator=(const ThreadActivity &) = delete;

    /// The activity bound to the calling thread, or null (a thread that records nothing).
    static ThreadActivity *current() { return t_current; }
    /// Binds the calling thread to `activity` (null: unbinds). The bound thread becomes the one writer.
    static void bind(ThreadActivity *activity) { t_current = activity; }

    // Writer: the bound thread only.

    /// A body begins at `startNs`: busyNs() counts it while it runs. Optional (leave() alone is enough for
    /// short work); worth it where a body can last longer than a sampling interval.
    void enter(std::int64_t startNs) { m_busyWord.store((m_completedNs - startNs) * 2 + 1, std::memory_order_release); }
    /// A body of `consumer` (or kOther) ran from `startNs` to `endNs`: adds it to the busy time and to the
    /// ring, extending the newest slice instead when it is the same consumer again within kMergeGapNs.
    void leave(int consumer, std::int64_t startNs, std::int64_t endNs)
    {
        startNs = startNs < m_lastEndNs ? m_lastEndNs : startNs; // slices stay ordered, never overlap
        endNs = endNs < startNs ? startNs : endNs;
        m_completedNs += endNs - startNs;
        m_busyWord.store(m_completedNs * 2, std::memory_order_release);
        if (consumer == m_lastConsumer && m_next > 0 && startNs - m_lastEndNs <= kMergeGapNs) {
            // The newest slot is never being overwritten: a reader sees its old end or this one, both valid.
            slot(m_next - 1).endNs.store(endNs, std::memory_order_relaxed);
        } else {
            const std::uint64_t index = m_next++;
            // Claim the slot before touching it: a reader that sees any of the new values also sees the claim.
            m_claimed.store(index + 1, std::memory_order_relaxed);
            std::atomic_thread_fence(std::memory_order_release);
            Slot &s = slot(index);
            s.startNs.store(startNs, std::memory_order_relaxed);
            s.endNs.store(endNs, std::memory_order_relaxed);
            s.consumer.store(consumer, std::memory_order_relaxed);
            m_published.store(index + 1, std::memory_order_release);
            m_lastConsumer = consumer;
        }
        m_lastEndNs = endNs;
    }

    // Readers: any thread.

    /// Nanoseconds spent in bodies since the start, a body still running included up to now.
    [[nodiscard]] std::uint64_t busyNs() const;
    /// The slices that ended at or after `fromNs` and are still in the ring, oldest first.
    [[nodiscard]] std::vector<Slice> slices(std::int64_t fromNs) const;
    /// Slices the ring holds.
    [[nodiscard]] std::size_t capacity() const { return m_mask + 1; }

    /// When the thread started and (0 while running) stopped, for its utilisation over its life. Set by the
    /// thread that starts and joins it.
    void setLife(std::int64_t beganNs, std::int64_t endedNs)
    {
        m_beganNs.store(beganNs, std::memory_order_relaxed);
        m_endedNs.store(endedNs, std::memory_order_relaxed);
    }
    [[nodiscard]] std::int64_t beganNs() const { return m_beganNs.load(std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t endedNs() const { return m_endedNs.load(std::memory_order_relaxed); }

private:
    struct Slot {
        std::atomic<std::int64_t> startNs{0};
        std::atomic<std::int64_t> endNs{0};
        std::atomic<int> consumer{kOther};
    };
    Slot &slot(std::uint64_t index) { return m_slots[index & m_mask]; }
    const Slot &slot(std::uint64_t index) const { return m_slots[index & m_mask]; }

    static inline thread_local ThreadActivity *t_current = nullptr;

    const std::size_t m_mask;
    const std::unique_ptr<Slot[]> m_slots;

    // Writer-only state.
    std::uint64_t m_next = 0; ///< index of the next slice
    std::int64_t m_completedNs = 0; ///< busy time of finished bodies
    std::int64_t m_lastEndNs = 0;
    int m_lastConsumer = kOther;

    // Published to readers.
    std::atomic<std::uint64_t> m_published{0}; ///< slices 0..published-1 are complete
    std::atomic<std::uint64_t> m_claimed{0}; ///< slices 0..claimed-1 were begun (the last may be in writing)
    /// Busy time in one word, so a reader never sees half of an update: completed * 2 outside a body,
    /// (completed - body start) * 2 + 1 inside one (busy then = that + now).
    std::atomic<std::int64_t> m_busyWord{0};
    std::atomic<std::int64_t> m_beganNs{0};
    std::atomic<std::int64_t> m_endedNs{0};
};

} // namespace beam
