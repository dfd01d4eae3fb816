// SPDX-License-Identifier: MIT
#pragma once

#include "core/enginecontext.h"
#include "core/producer.h"
#include "core/threadactivity.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace beam {

/// The one thread that paces every paced producer under a pacing budget (PipelineConfig::pacingUs > 0).
///
/// Each round it lets every running producer create what fell due by then (Producer::paceTogether()), hands all
/// of it to the graph as one message (a message costs the graph about as much as a thousand events), then sleeps until
/// the earliest next due event has waited the budget: the events that fall due within one budget share one wake-up, so
/// wake-ups per second follow the rate (one per event at low rates, one per budget at high ones) and never depend on
/// how many producers there are. A timed wake-up costs about 20 us of CPU on this 2-vCPU VM however little it does, so
/// that count is what the CPU follows (docs/pacing-and-batching.md). It asks to wake early by how late its wake-ups
/// come, learnt as it goes, so an event's pacing lag stays within the budget.
///
/// Parked (no wake-ups) while paused, held, with no budget or no rate: EngineContext::pacingChanged() wakes it.
/// Threads: start(), stop() and setProducers() from the engine's control thread.
class Pacer
{
public:
    /// `emit` hands a message to the graph (GraphRunner::submit()).
    Pacer(EngineContext &context, std::function<void(Batch *)> emit);
    ~Pacer();
    Pacer(const Pacer &) = delete;
    Pacer &operator=(const Pacer &) = delete;

    void start();
    /// Stops and joins the thread: no round runs after it returns.
    void stop();
    /// The producers it paces from its next round on (the engine's running ones; they outlive the pacer).
    void setProducers(std::vector<Producer *> producers);

    /// What the pacer's thread ran (the graph work of the messages it hands over) and how busy it was; the
    /// events' creation shows in each producer's own activity.
    [[nodiscard]] const ThreadActivity &activity() const { return m_activity; }

    /// Rounds run so far (each one wake-up), for the bench and the tests.
    [[nodiscard]] std::uint64_t rounds() const { return m_rounds.load(std::memory_order_relaxed); }

private:
    void loop();
    /// One round over every producer, paced by m_meantNs (the time the wake-up meant; 0 for none) and m_leadNs
    /// past it, each starting its schedule anew if `restart`; returns when the earliest next event falls due
    /// (INT64_MAX: none).
    std::int64_t round(bool restart);
    /// Sleeps until `wakeNs` (asking early by the learnt lateness), or until pacing changes or stop().
    void sleepUntil(std::int64_t wakeNs);

    EngineContext &m_context;
    std::mutex m_producersMutex; ///< guards m_producers
    std::shared_ptr<const std::vector<Producer *>> m_producers;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<std::uint64_t> m_rounds{0};
    std::int64_t m_earlyNs = 0; ///< how late timed wake-ups come, smoothed (the pacer's thread only)
    std::int64_t m_lateSpreadNs = 0; ///< how much that lateness varies, smoothed (the pacer's thread only)
    std::int64_t m_meantNs = 0; ///< the time the last sleep was meant to end at (the pacer's thread only)
    std::int64_t m_roundNs = 0; ///< how long a round takes, smoothed (the pacer's thread only)
    std::int64_t m_leadNs = 0; ///< how far past the time meant the next round takes events (the pacer's only)
    RoundBatches m_round; ///< the round's events, handed to the graph as one message (the pacer's thread only)
    ThreadActivity m_activity{Producer::kActivityCapacity};
    std::size_t m_first = 0; ///< the producer that goes first this round: turns rotate (the pacer's thread only)
};

} // namespace beam
