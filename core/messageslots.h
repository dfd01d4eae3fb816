// SPDX-License-Identifier: MIT
#pragma once

#include <oneapi/tbb/concurrent_queue.h>

#include <array>
#include <atomic>
#include <cassert>
#include <cstdint>

namespace beam {

/// The limiter's slots, made visible: one per message the `limiter_node` lets through, from the moment the router
/// takes the message to the moment its last event reaches a final outcome. The router stamps each event with its
/// message's slot; whoever finishes events gives them back to their slot, and the one who finishes a message's
/// last event gets "one message done" to send to the limiter's decrementer.
///
/// oneTBB's limiter counts messages but cannot say how many it holds, and a message's events end up on several
/// consumers, in retries and in crash-kept batches; a count of unfinished events per slot is what tells when a
/// message is done, wherever its events went. See docs/admission.md.
///
/// Threads: take() from the router (serial); finish() and inUse() from any thread.
class MessageSlots
{
public:
    /// The limiter's threshold: at most this many messages between the limiter and their last event's end.
    static constexpr std::uint16_t kCount = 4096;

    MessageSlots()
    {
        for (std::uint16_t i = 0; i < kCount; ++i)
            m_free.push(i);
    }

    /// A free slot for a message of `events` events. There always is one: a slot goes back to the free list
    /// before its decrement is sent, so slots in use never exceed the limiter's count, which never exceeds kCount.
    std::uint16_t take(std::uint32_t events)
    {
        std::uint16_t slot = 0;
        [[maybe_unused]] const bool found = m_free.try_pop(slot);
        assert(found && "more messages past the limiter than it has slots");
        m_remaining[slot].store(events, std::memory_order_relaxed);
        m_inUse.fetch_add(1, std::memory_order_relaxed);
        return slot;
    }

    /// `events` events of the message in `slot` reached a final outcome; true if they were its last.
    bool finish(std::uint16_t slot, std::uint32_t events)
    {
        if (m_remaining[slot].fetch_sub(events, std::memory_order_acq_rel) != events)
            return false;
        m_inUse.fetch_sub(1, std::memory_order_relaxed);
        m_free.push(slot);
        return true;
    }

    /// Messages routed and not yet finished.
    [[nodiscard]] std::int64_t inUse() const { return m_inUse.load(std::memory_order_relaxed); }

private:
    std::array<std::atomic<std::uint32_t>, kCount> m_remaining{};
    tbb::concurrent_queue<std::uint16_t> m_free;
    std::atomic<std::int64_t> m_inUse{0};
};

} // namespace beam
