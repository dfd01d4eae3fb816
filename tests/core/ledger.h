// SPDX-License-Identifier: MIT
// Test helper: records every final outcome by event id, and per-key order within each consumer.
#pragma once

#include "core/engine.h"

#include <mutex>
#include <string>
#include <unordered_map>

namespace beam::test {

class Ledger : public OutcomeSink
{
public:
    void record(int consumer, const Event &event, Outcome outcome) override
    {
        std::lock_guard lock(mutex);
        auto &entry = outcomes[event.id];
        ++entry.count;
        entry.outcome = outcome;
        entry.key = event.key;
        if (outcome == Outcome::Processed && event.attempts == 1) {
            auto &last
                = lastSequence[(static_cast<std::uint64_t>(consumer) << 32) ^ (producerOf(event.id) << 20) ^ event.key];
            if (last.seen && sequenceOf(event.id) < last.sequence)
                ++orderViolations;
            last = {true, sequenceOf(event.id)};
        }
    }

    struct Entry {
        int count = 0;
        Outcome outcome = Outcome::Processed;
        std::uint32_t key = 0;
    };
    struct Last {
        bool seen = false;
        std::uint64_t sequence = 0;
    };
    std::mutex mutex;
    std::unordered_map<std::uint64_t, Entry> outcomes;
    std::unordered_map<std::uint64_t, Last> lastSequence;
    int orderViolations = 0;
};

/// Empty when every counted event has exactly one outcome matching the snapshot's counts; else what is wrong.
inline std::string exactlyOnceProblem(Ledger &ledger, const Snapshot &s)
{
    std::lock_guard lock(ledger.mutex);
    if (ledger.outcomes.size() != s.produced - s.abandoned)
        return "outcomes " + std::to_string(ledger.outcomes.size()) + " != produced - abandoned "
            + std::to_string(s.produced - s.abandoned);
    std::uint64_t processed = 0;
    std::uint64_t deadLettered = 0;
    std::uint64_t dropped = 0;
    for (const auto &[id, entry] : ledger.outcomes) {
        if (entry.count != 1)
            return "event " + std::to_string(id) + " ended " + std::to_string(entry.count) + " times";
        processed += entry.outcome == Outcome::Processed;
        deadLettered += entry.outcome == Outcome::DeadLettered;
        dropped += entry.outcome == Outcome::Dropped;
    }
    if (processed != s.processed || deadLettered != s.deadLettered || dropped != s.dropped)
        return "ledger counts differ from the snapshot";
    return {};
}

/// Empty when the stopped engine's counts add up; else what is wrong.
inline std::string conservationProblem(const Snapshot &s, bool droppingAllowed = false)
{
    if (s.state != EngineState::Stopped)
        return "not stopped";
    if (s.inFlight != 0)
        return "in flight after stop: " + std::to_string(s.inFlight);
    if (s.lost != 0)
        return "lost " + std::to_string(s.lost);
    if (s.produced != s.processed + s.deadLettered + s.dropped + s.abandoned)
        return "produced != processed + dead-lettered + dropped + abandoned";
    if (!droppingAllowed && s.dropped != 0)
        return "dropped outside the drop policy";
    return {};
}

} // namespace beam::test
