// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"

#include <functional>
#include <string>
#include <vector>

namespace beam {

/// One measured row: steady-state throughput and latency after a warm-up.
struct BenchRow {
    int consumers = 0; ///< consumers in the pipeline
    double eventsPerSec = 0; ///< events processed per second, measured part only
    double p50Us = 0; ///< median creation-to-completion latency, microseconds
    double p99Us = 0; ///< 99th percentile latency, microseconds
};

/// What the benchmark (`beam-me-up --bench`) measures and for how long.
struct BenchOptions {
    double secondsPerRow = 5.0; ///< measured seconds per row, after the warm-up
    double warmupSeconds = 1.0; ///< seconds run and discarded before each row
    int runs = 1; ///< each row is run this many times; the median run (by events/s) is reported
    std::vector<int> consumerCounts{1, 2, 4, 8}; ///< consumer counts of the unthrottled, no-work rows
    std::vector<int> ioConsumerCounts{1, 2, 4, 8, 16, 32, 64}; ///< consumer counts of the simulated-I/O rows
    int ioUs = 1000; ///< simulated I/O wait per event in the I/O rows, microseconds
    std::int64_t maxInFlight = 65536; ///< bound for the unthrottled rows (back-pressure on)
};

/// Runs the engine unthrottled with `config` for warm-up + seconds, measuring the steady part.
BenchRow benchEngine(const PipelineConfig &config, const BenchOptions &options);

/// The same shape (1 producer -> limiter -> router -> C serial consumers) as a bare oneTBB flow graph:
/// no clocks, no histograms, no counters but one per consumer. The ceiling the engine is measured against.
BenchRow benchBareGraph(int consumers, const BenchOptions &options);

} // namespace beam
