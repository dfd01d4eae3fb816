// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace beam {

/// Where an engine is in its life.
enum class EngineState {
    Idle, ///< made, not started
    Running, ///< producing and processing
    Paused, ///< producers hold; events in flight finish
    Draining, ///< stopping: producers stopped, events in flight finishing
    Stopped, ///< nothing runs
};
/// The state's name in reports: idle, running, paused, draining, stopped.
std::string_view toString(EngineState state);

/// Latency summary in microseconds (fractional, from nanosecond buckets).
struct LatencySummary {
    std::uint64_t count = 0; ///< values summarised
    double p50 = 0; ///< median
    double p90 = 0; ///< 90th percentile
    double p99 = 0; ///< 99th percentile
    double p999 = 0; ///< 99.9th percentile
    double max = 0; ///< largest value
    double mean = 0; ///< mean value
};

/// One supervisor of the tree, for a tree view.
struct SupervisorSample {
    std::string name; ///< pipeline, producers, consumers
    std::string strategy; ///< one_for_one, one_for_all, rest_for_one
    std::string state; ///< running, gave_up
    std::uint64_t restarts = 0; ///< children restarted since start
    int restartsInWindow = 0; ///< restarts within the current intensity window
    int maxRestarts = 0; ///< intensity: restarts allowed per window
    double maxSeconds = 0; ///< intensity: the window in seconds
    double budgetInUse = 0; ///< restarts in the window / intensity, 0..1
    std::vector<std::string> children; ///< each child's state: running, restarting, stopped
};

/// One consumer, for a topology view.
struct ConsumerSample {
    int index = 0; ///< position among the consumers (the router's partition)
    bool active = false; ///< receives new events (false: retired, draining what it holds)
    std::uint64_t processed = 0; ///< events processed since start
    std::uint64_t failed = 0; ///< failed attempts since start
    std::uint64_t deadLettered = 0; ///< events it dead-lettered since start
    std::int64_t queueDepth = 0; ///< events waiting in its queue
    double processedPerSec = 0; ///< over the last interval
    double busyRatio = 0; ///< share of the interval spent processing, 0..1
    /// share of the interval spent waiting on simulated I/O with an event in hand, 0..1 (a wait is counted in
    /// the interval it ends in, so one longer than an interval shows late)
    double ioWaitRatio = 0;
    std::uint64_t restarts = 0; ///< times its supervisor restarted it
    std::uint64_t crashes = 0; ///< times it crashed
    std::string state; ///< running, hung, down
};

/// One producer, for a topology view.
struct ProducerSample {
    int index = 0; ///< position among the producers
    std::uint64_t produced = 0; ///< events created since start
    std::uint64_t dropped = 0; ///< events it shed under the drop policy
    double offeredPerSec = 0; ///< what the clock made due
    double achievedPerSec = 0; ///< what was actually created
    double backpressureRatio = 0; ///< share of the interval spent held back, 0..1
};

/// One immutable reading of the whole engine, made by the sampler at a fixed interval.
/// Totals are cumulative since start; "PerSec" values and `interval` latency cover the last interval.
struct Snapshot {
    std::uint64_t sequence = 0; ///< 1, 2, 3... in the order taken
    double elapsedS = 0; ///< seconds since start
    double intervalS = 0; ///< seconds since the previous snapshot
    EngineState state = EngineState::Idle; ///< the engine's state when taken
    PipelineConfig config; ///< the configuration in force

    std::uint64_t produced = 0; ///< events created
    std::uint64_t processed = 0; ///< events processed successfully
    std::uint64_t failed = 0; ///< failed attempts
    std::uint64_t retried = 0; ///< redeliveries
    std::uint64_t deadLettered = 0; ///< events that used up their attempts
    std::uint64_t dropped = 0; ///< events shed by the drop policy
    std::uint64_t abandoned = 0; ///< released unprocessed by "stop now"
    std::int64_t inFlight = 0; ///< admitted, no final outcome yet
    std::int64_t limit = 0; ///< the bound in force (the safety cap under the unbounded policy)
    std::int64_t inFlightHigh = 0; ///< highest in flight during the interval
    std::int64_t maxInFlightObserved = 0; ///< highest in flight since start
    /// produced - processed - dead-lettered - dropped - abandoned - in flight, read in an order that can
    /// only over-count the right-hand side while running: above 0 means events vanished.
    std::int64_t lost = 0;
    bool safetyCapHit = false; ///< the unbounded policy reached its safety cap and stopped the producers

    // Supervision.
    std::uint64_t restarts = 0; ///< consumer restarts
    std::uint64_t crashesRandom = 0; ///< crashes by cause
    std::uint64_t crashesKilled = 0; ///< crashes by "kill consumer"
    std::uint64_t crashesHang = 0; ///< crashes by the hang timeout
    std::uint64_t redelivered = 0; ///< events handed to a replacement after a crash
    std::uint64_t escalations = 0; ///< supervisors that exceeded their intensity and escalated
    std::uint64_t pipelineRestarts = 0; ///< whole-pipeline restarts (EscalationPolicy::Restart)
    bool gaveUp = false; ///< the top-level supervisor gave up
    std::vector<SupervisorSample> supervisors; ///< the tree, top first: pipeline, producers, consumers
    LatencySummary recovery; ///< from a crash to the replacement running, cumulative

    double producedPerSec = 0; ///< over the last interval
    double processedPerSec = 0; ///< over the last interval
    double failedPerSec = 0; ///< failed attempts over the last interval
    double droppedPerSec = 0; ///< over the last interval
    double backpressureRatio = 0; ///< mean over running producers, 0..1

    LatencySummary interval; ///< creation-to-completion latency over the last interval, microseconds
    LatencySummary cumulative; ///< the same since start

    double cpuPercent = 0; ///< of one core, over the interval
    std::uint64_t rssBytes = 0; ///< resident set of the process

    std::vector<ConsumerSample> consumers; ///< every consumer, retired ones included until drained
    std::vector<ProducerSample> producers; ///< every producer
};

} // namespace beam
