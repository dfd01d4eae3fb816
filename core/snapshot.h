// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace beam {

enum class EngineState { Idle, Running, Paused, Draining, Stopped };
std::string_view toString(EngineState state);

/// Latency summary in microseconds (fractional, from nanosecond buckets).
struct LatencySummary {
    std::uint64_t count = 0;
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double p999 = 0;
    double max = 0;
    double mean = 0;
};

/// One supervisor of the tree, for a tree view.
struct SupervisorSample {
    std::string name;
    std::string strategy;
    std::string state; ///< running, gave_up
    std::uint64_t restarts = 0;
    int restartsInWindow = 0;
    int maxRestarts = 0;
    double maxSeconds = 0;
    double budgetInUse = 0; ///< restarts in the window / intensity, 0..1
    std::vector<std::string> children; ///< each child's state: running, restarting, stopped
};

struct ConsumerSample {
    int index = 0;
    bool active = false; ///< receives new events (false: retired, draining what it holds)
    std::uint64_t processed = 0;
    std::uint64_t failed = 0;
    std::uint64_t deadLettered = 0;
    std::int64_t queueDepth = 0;
    double processedPerSec = 0;
    double busyRatio = 0; ///< share of the interval spent processing, 0..1
    std::uint64_t restarts = 0;
    std::uint64_t crashes = 0;
    std::string state; ///< running, hung, down
};

struct ProducerSample {
    int index = 0;
    std::uint64_t produced = 0;
    std::uint64_t dropped = 0;
    double offeredPerSec = 0; ///< what the clock made due
    double achievedPerSec = 0; ///< what was actually created
    double backpressureRatio = 0; ///< share of the interval spent held back, 0..1
};

/// One immutable reading of the whole engine, made by the sampler at a fixed interval.
/// Totals are cumulative since start; "PerSec" values and `interval` latency cover the last interval.
struct Snapshot {
    std::uint64_t sequence = 0;
    double elapsedS = 0;
    double intervalS = 0;
    EngineState state = EngineState::Idle;
    PipelineConfig config;

    std::uint64_t produced = 0;
    std::uint64_t processed = 0;
    std::uint64_t failed = 0; ///< failed attempts
    std::uint64_t retried = 0; ///< redeliveries
    std::uint64_t deadLettered = 0;
    std::uint64_t dropped = 0;
    std::uint64_t abandoned = 0; ///< released unprocessed by "stop now"
    std::int64_t inFlight = 0; ///< admitted, no final outcome yet
    std::int64_t limit = 0; ///< the bound in force (the safety cap under the unbounded policy)
    std::int64_t inFlightHigh = 0; ///< highest in flight during the interval
    std::int64_t maxInFlightObserved = 0;
    /// produced - processed - dead-lettered - dropped - abandoned - in flight, read in an order that can
    /// only over-count the right-hand side while running: above 0 means events vanished.
    std::int64_t lost = 0;
    bool safetyCapHit = false;

    // Supervision.
    std::uint64_t restarts = 0; ///< consumer restarts
    std::uint64_t crashesRandom = 0; ///< crashes by cause
    std::uint64_t crashesKilled = 0;
    std::uint64_t crashesHang = 0;
    std::uint64_t redelivered = 0; ///< events handed to a replacement after a crash
    std::uint64_t escalations = 0;
    std::uint64_t pipelineRestarts = 0;
    bool gaveUp = false; ///< the top-level supervisor gave up
    std::vector<SupervisorSample> supervisors;
    LatencySummary recovery; ///< from a crash to the replacement running, cumulative

    double producedPerSec = 0;
    double processedPerSec = 0;
    double failedPerSec = 0;
    double droppedPerSec = 0;
    double backpressureRatio = 0; ///< mean over running producers, 0..1

    LatencySummary interval;
    LatencySummary cumulative;

    double cpuPercent = 0; ///< of one core, over the interval
    std::uint64_t rssBytes = 0;

    std::vector<ConsumerSample> consumers;
    std::vector<ProducerSample> producers;
};

} // namespace beam
