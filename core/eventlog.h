// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace beam {

/// One thing that happened to the pipeline that a person would point at: a crash and its cause, a restart,
/// an escalation, giving up, a change of configuration. Counters say how many; these say when and who.
struct EngineEvent {
    /// What happened.
    enum class Kind {
        Crash, ///< a consumer went down (`cause`: random, killed, hang, exception)
        Restart, ///< its supervisor started it again
        Escalation, ///< the consumers supervisor exceeded its intensity and escalated
        PipelineRestart, ///< the pipeline supervisor restarted everything under it
        GaveUp, ///< the top supervisor gave up: nothing runs any more
        Configuration, ///< a setting changed (`what` says which, from and to)
        ThreadFailed, ///< a thread outside the graph caught an exception (`what`: which thread, what it threw)
    };
    std::uint64_t sequence = 0; ///< 1, 2, 3... in the order logged
    double atS = 0; ///< seconds since the engine started
    Kind kind = Kind::Crash;
    int consumer = -1; ///< the consumer it happened to, or -1
    std::string what; ///< the cause of a crash, the change of a configuration, the reason for giving up
};

/// The kind's name for a log line: crash, restart, escalation, pipeline restart, gave up, configuration,
/// thread failed.
std::string_view toString(EngineEvent::Kind kind);

/// A bounded log of engine events, newest kCapacity kept. Writers are the supervision tree (under its own
/// mutex) and the engine's control thread; the sampler copies what is new into each snapshot.
///
/// Threads: any thread may call anything; one mutex, held only to copy.
class EventLog
{
public:
    static constexpr std::size_t kCapacity = 4096; ///< events kept; older ones are forgotten

    /// Logs `event` (its sequence number is assigned here).
    void append(EngineEvent event);
    /// The events logged after `sequence`, oldest first, at most `limit` of them (the newest).
    [[nodiscard]] std::vector<EngineEvent> since(std::uint64_t sequence, std::size_t limit = kCapacity) const;
    /// The sequence number of the newest event (0: none yet).
    [[nodiscard]] std::uint64_t last() const;

private:
    mutable std::mutex m_mutex;
    std::deque<EngineEvent> m_events;
    std::uint64_t m_sequence = 0;
};

} // namespace beam
