// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"

#include <cstdint>
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
    double cpuPercent = 0; ///< the process's CPU time over the measured part, % of one core
    double cpuNsPerEvent = 0; ///< the process's CPU time over the measured part per event processed
    // How work reached the executor threads, per second of the measured part (Snapshot::Handover).
    double handedOverPerSec = 0; ///< batches and signals put in for the executor threads
    double wakeupsPerSec = 0; ///< executor threads woken from sleep
    double pollHitsPerSec = 0; ///< executor threads that found work while polling
    double inlinePerSec = 0; ///< batches producers ran through the graph themselves
    double lagP50Us
        = 0; ///< pacing lag (distance of creation from due time) over the measured part, median, microseconds
    double lagP99Us = 0; ///< its 99th percentile
    double pacerRoundsPerSec = 0; ///< wake-ups of the shared pacing thread (batched pacing)
};

/// The parts of `beam-me-up --bench`.
enum class BenchSection : std::uint8_t {
    Throughput, ///< unthrottled, no work, 1 producer, by consumers, against the bare graph
    Io, ///< simulated I/O, by consumers, against the ideal
    Producers, ///< CPU at a fixed total rate, by producers
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
    std::vector<std::uint64_t> producerRates{1'000, 10'000, 100'000, 1'000'000}; ///< total rates of the producer rows
    /// the pacings each producer row is run with (PipelineConfig::pacingUs): exact, then the default budget
    std::vector<int> producerPacings{0, PipelineConfig::kDefaultPacingUs};
    std::vector<int> producerCounts{1, 2, 4, 8, 64}; ///< producer counts each total rate is split over
    int producerConsumers = 8; ///< consumers in the producer rows
    /// the sections to run, in this order (`--bench-sections`)
    std::vector<BenchSection> sections{BenchSection::Throughput, BenchSection::Io, BenchSection::Producers};
};

/// Which run of several a row reports: the median by throughput, or (rows at a fixed rate) by CPU.
enum class MedianBy : std::uint8_t { EventsPerSec, Cpu };

/// Runs the engine with `config` for warm-up + seconds, measuring the steady part; options.runs times, the median
/// by `by` reported.
BenchRow benchEngine(const PipelineConfig &config, const BenchOptions &options, MedianBy by = MedianBy::EventsPerSec);

/// The CPU of an engine that is paused (the defaults, paused after the warm-up): % of one core, the median of
/// options.runs. What the window costs the machine while a class looks at a paused run, the window's drawing aside.
double benchPausedCpu(const BenchOptions &options);

/// What one timed wake-up costs this machine now: a thread that sleeps 1 ms at a time on a condition variable and
/// does nothing else, for options.secondsPerRow; its own CPU time over its wake-ups, microseconds, the median of
/// options.runs. The floor under every row that wakes a thread: the batched rows' CPU is mostly the pacer's
/// wake-ups times this (docs/pacing-and-batching.md), and it varies from hour to hour on a VM.
double benchWakeUpCostUs(const BenchOptions &options);

/// The same shape (1 producer -> limiter -> router -> C serial consumers) as a bare oneTBB flow graph:
/// no clocks, no histograms, no counters but one per consumer. The ceiling the engine is measured against.
BenchRow benchBareGraph(int consumers, const BenchOptions &options);

} // namespace beam
