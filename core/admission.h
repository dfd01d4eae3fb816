// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace beam {

/// The bound on events in flight, counted in events: producers take credits before they emit a batch,
/// consumers return them for every event that reaches a final outcome.
///
/// Why not tbb::flow::limiter_node alone: it counts messages (+1 per batch), clamps its decrements,
/// cannot change its threshold while running and cannot tell a producer thread that it is closed.
/// See docs/admission.md. Threads: any thread may call any member; one atomic read-modify-write per batch.
class Admission
{
public:
    explicit Admission(std::int64_t limit)
        : m_limit(limit)
    { }

    /// Takes up to `want` credits, as many as fit under the limit, but none unless at least `atLeast` fit
    /// (so a saturated pipeline does not degrade into tiny batches); returns how many were taken.
    std::int64_t tryAcquire(std::int64_t want, std::int64_t atLeast = 1)
    {
        std::int64_t current = m_inFlight.load(std::memory_order_relaxed);
        for (;;) {
            const std::int64_t room = m_limit.load(std::memory_order_relaxed) - current;
            if (room <= 0 || room < atLeast)
                return 0;
            const std::int64_t take = want < room ? want : room;
            if (m_inFlight.compare_exchange_weak(current, current + take, std::memory_order_acq_rel))
                return noteHigh(current + take), take;
        }
    }

    /// Takes credits without a bound (the unbounded policy).
    void acquireUnbounded(std::int64_t count)
    {
        noteHigh(m_inFlight.fetch_add(count, std::memory_order_acq_rel) + count);
    }

    /// Returns credits; wakes a producer waiting for room.
    void release(std::int64_t count)
    {
        const std::int64_t after = m_inFlight.fetch_sub(count, std::memory_order_seq_cst) - count;
        if (m_waiters.load(std::memory_order_seq_cst) > 0
            && m_limit.load(std::memory_order_relaxed) - after >= m_wanted.load(std::memory_order_relaxed)) {
            {
                std::lock_guard lock(m_mutex);
            }
            m_roomAvailable.notify_all();
        }
    }

    /// Blocks the calling producer until `room` credits are free or `timeout` passes. Never call from a
    /// oneTBB worker.
    void waitForRoom(std::int64_t room, std::chrono::microseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        m_wanted.store(room, std::memory_order_relaxed);
        m_waiters.fetch_add(1, std::memory_order_seq_cst);
        m_roomAvailable.wait_for(lock, timeout, [&] { return hasRoom(room); });
        m_waiters.fetch_sub(1, std::memory_order_seq_cst);
    }

    /// Wakes every waiting producer, e.g. to let it see a stop request or a new limit. A producer that starts
    /// waiting just after this looked finds the news when its wait times out.
    void wakeAll()
    {
        if (m_waiters.load(std::memory_order_seq_cst) == 0)
            return;
        {
            std::lock_guard lock(m_mutex);
        }
        m_roomAvailable.notify_all();
    }

    void setLimit(std::int64_t limit)
    {
        m_limit.store(limit, std::memory_order_relaxed);
        wakeAll();
    }

    [[nodiscard]] bool hasRoom(std::int64_t room = 1) const { return limit() - inFlight() >= room; }
    [[nodiscard]] std::int64_t limit() const { return m_limit.load(std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t inFlight() const { return m_inFlight.load(std::memory_order_seq_cst); }
    [[nodiscard]] std::int64_t highWater() const { return m_high.load(std::memory_order_relaxed); }
    /// The high-water mark since the last call, then restarts it from the current value.
    std::int64_t takeHighWater() { return m_high.exchange(inFlight(), std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t maxObserved() const { return m_maxEver.load(std::memory_order_relaxed); }

private:
    void noteHigh(std::int64_t value)
    {
        auto high = m_high.load(std::memory_order_relaxed);
        while (value > high && !m_high.compare_exchange_weak(high, value, std::memory_order_relaxed)) { }
        auto ever = m_maxEver.load(std::memory_order_relaxed);
        while (value > ever && !m_maxEver.compare_exchange_weak(ever, value, std::memory_order_relaxed)) { }
    }

    // Written per batch, read per batch, rarely written, written per wait: one cache line each.
    alignas(64) std::atomic<std::int64_t> m_inFlight{0};
    alignas(64) std::atomic<std::int64_t> m_high{0};
    std::atomic<std::int64_t> m_maxEver{0};
    alignas(64) std::atomic<std::int64_t> m_limit;
    alignas(64) std::atomic<int> m_waiters{0};
    std::atomic<std::int64_t> m_wanted{1};
    std::mutex m_mutex;
    std::condition_variable m_roomAvailable;
};

} // namespace beam
