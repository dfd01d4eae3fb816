// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.h"

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace beam {

/// One event that used up its attempts.
struct DeadLetter {
    std::uint64_t id = 0; ///< the event's id (producer and sequence)
    std::uint32_t key = 0; ///< the event's partition key
    int attempts = 0; ///< processing attempts made
    std::string reason; ///< "fault", "poison key", "crashed"
};

/// The last 1000 dead letters, for inspection. Exact counts live in the consumers' counters.
/// Threads: add() from consumers (a short lock per dead letter), entries() from any thread.
class DeadLetterQueue
{
public:
    static constexpr std::size_t kCapacity = 1000; ///< entries kept; older ones are forgotten

    /// Records `event` as dead-lettered for `reason` (a string literal); the oldest entry goes when full.
    /// Never throws: an entry it cannot store (memory ran out) is skipped; the counts are elsewhere.
    void add(const Event &event, const char *reason) noexcept
    {
        std::lock_guard lock(m_mutex);
        try {
            m_entries.push_back({event.id, event.key, event.attempts, reason});
        } catch (...) {
            return;
        }
        if (m_entries.size() > kCapacity)
            m_entries.pop_front();
    }

    /// A copy of the entries kept, oldest first.
    [[nodiscard]] std::vector<DeadLetter> entries() const
    {
        std::lock_guard lock(m_mutex);
        return {m_entries.begin(), m_entries.end()};
    }

private:
    mutable std::mutex m_mutex;
    std::deque<DeadLetter> m_entries;
};

} // namespace beam
