// SPDX-License-Identifier: MIT
#include "headless.h"

#include "core/bench.h"
#include "core/pipelineconfig.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>

namespace beam {

namespace {

QJsonObject rowJson(const BenchRow &row)
{
    QJsonObject o;
    o[QStringLiteral("consumers")] = row.consumers;
    o[QStringLiteral("events_per_sec")] = row.eventsPerSec;
    o[QStringLiteral("p50_us")] = row.p50Us;
    o[QStringLiteral("p99_us")] = row.p99Us;
    o[QStringLiteral("cpu_percent")] = row.cpuPercent;
    o[QStringLiteral("cpu_ns_per_event")] = row.cpuNsPerEvent;
    o[QStringLiteral("inline_per_sec")] = row.inlinePerSec;
    o[QStringLiteral("handed_over_per_sec")] = row.handedOverPerSec;
    o[QStringLiteral("wakeups_per_sec")] = row.wakeupsPerSec;
    o[QStringLiteral("poll_hits_per_sec")] = row.pollHitsPerSec;
    return o;
}

bool wanted(const BenchOptions &b, BenchSection section)
{
    return std::find(b.sections.begin(), b.sections.end(), section) != b.sections.end();
}

void throughputSection(const BenchOptions &b, QJsonArray &rows, QJsonArray &baseline)
{
    std::printf("unthrottled: 1 producer, no work, back-pressure on (max in flight %lld), full telemetry; bare graph = "
                "the same shape in plain oneTBB, no telemetry\n",
        static_cast<long long>(b.maxInFlight));
    std::printf(
        "%9s %14s %9s %9s %16s %7s\n", "consumers", "engine ev/s", "p50 us", "p99 us", "bare graph ev/s", "ratio");
    std::fflush(stdout);
    for (int consumers : b.consumerCounts) {
        PipelineConfig config;
        config.consumers = consumers;
        config.rate.reset();
        config.maxInFlight = b.maxInFlight;
        const BenchRow row = benchEngine(config, b);
        const BenchRow bare = benchBareGraph(consumers, b);
        std::printf("%9d %14.0f %9.1f %9.1f %16.0f %6.0f%%\n", consumers, row.eventsPerSec, row.p50Us, row.p99Us,
            bare.eventsPerSec, 100.0 * row.eventsPerSec / std::max(1.0, bare.eventsPerSec));
        std::fflush(stdout);
        rows.append(rowJson(row));
        baseline.append(rowJson(bare));
    }
}

void ioSection(const BenchOptions &b, QJsonArray &ioRows)
{
    std::printf("scaling with simulated I/O: %d us per event, unthrottled, each serial consumer can finish at most "
                "%.0f events/s\n",
        b.ioUs, 1e6 / b.ioUs);
    std::printf(
        "%9s %14s %9s %9s %16s %7s\n", "consumers", "engine ev/s", "p50 us", "p99 us", "ideal ev/s", "of ideal");
    std::fflush(stdout);
    for (int consumers : b.ioConsumerCounts) {
        PipelineConfig config;
        config.consumers = consumers;
        config.rate.reset();
        config.ioUs = b.ioUs;
        config.maxInFlight = std::int64_t{consumers} * 32; // a backlog per consumer, so none idles
        const BenchRow row = benchEngine(config, b);
        const double ideal = consumers * 1e6 / b.ioUs;
        std::printf("%9d %14.0f %9.1f %9.1f %16.0f %6.0f%%\n", consumers, row.eventsPerSec, row.p50Us, row.p99Us, ideal,
            100.0 * row.eventsPerSec / ideal);
        std::fflush(stdout);
        ioRows.append(rowJson(row));
    }
}

/// One row of the producers section: `total` events/s split over `producers`, paced by `pacingUs`.
QJsonObject producerRow(const BenchOptions &b, std::uint64_t total, int producers, int pacingUs, double &oneProducerCpu)
{
    PipelineConfig config;
    config.consumers = b.producerConsumers;
    config.producers = producers;
    config.pacingUs = pacingUs;
    config.rate = std::max<std::uint64_t>(1, total / static_cast<std::uint64_t>(producers));
    const BenchRow row = benchEngine(config, b, MedianBy::Cpu);
    if (producers == b.producerCounts.front())
        oneProducerCpu = row.cpuPercent;
    const std::string pacing = pacingUs == 0 ? "exact" : std::to_string(pacingUs) + " us";
    std::printf("%8s %10llu %9d %10llu %12.0f %8.2f %9.0f %9.1f %9.1f %9.1f %5.2fx %10.0f %10.0f %10.0f\n",
        pacing.c_str(), static_cast<unsigned long long>(total), producers,
        static_cast<unsigned long long>(*config.rate), row.eventsPerSec, row.cpuPercent, row.cpuNsPerEvent, row.p99Us,
        row.lagP50Us, row.lagP99Us, row.cpuPercent / std::max(0.01, oneProducerCpu), row.pacerRoundsPerSec,
        row.inlinePerSec, row.wakeupsPerSec);
    std::fflush(stdout);
    QJsonObject o = rowJson(row);
    o[QStringLiteral("pacing_us")] = pacingUs;
    o[QStringLiteral("total_rate")] = static_cast<double>(total);
    o[QStringLiteral("producers")] = producers;
    o[QStringLiteral("rate_per_producer")] = static_cast<double>(*config.rate);
    o[QStringLiteral("cpu_vs_one_producer")] = row.cpuPercent / std::max(0.01, oneProducerCpu);
    o[QStringLiteral("pacing_lag_p50_us")] = row.lagP50Us;
    o[QStringLiteral("pacing_lag_p99_us")] = row.lagP99Us;
    o[QStringLiteral("pacer_wakeups_per_sec")] = row.pacerRoundsPerSec;
    return o;
}

void producersSection(const BenchOptions &b, QJsonArray &producerRows, double &pausedCpu, double &wakeUpUs)
{
    std::printf("CPU by producers: a fixed total rate split over P producers, %d consumers, no work; CPU is the "
                "whole process's, %% of one core; p99 from creation; lag = distance of creation from due time on the "
                "producer's schedule; 'x 1' = CPU against the 1-producer row of the same rate and pacing; "
                "pacer/s = wake-ups of the shared pacing thread\n",
        b.producerConsumers);
    std::printf("%8s %10s %9s %10s %12s %8s %9s %9s %9s %9s %6s %10s %10s %10s\n", "pacing", "total ev/s", "producers",
        "each ev/s", "done ev/s", "CPU %", "ns/event", "p99 us", "lag50 us", "lag99 us", "x 1", "pacer/s", "inline/s",
        "wakeups/s");
    std::fflush(stdout);
    for (const int pacingUs : b.producerPacings) {
        for (const std::uint64_t total : b.producerRates) {
            double oneProducerCpu = 0;
            for (int producers : b.producerCounts)
                producerRows.append(producerRow(b, total, producers, pacingUs, oneProducerCpu));
        }
    }
    pausedCpu = benchPausedCpu(b);
    std::printf("paused engine (defaults, paused after the warm-up): CPU %.2f%% of one core\n", pausedCpu);
    wakeUpUs = benchWakeUpCostUs(b);
    std::printf("a bare timed wake-up now (a thread sleeping 1 ms at a time, doing nothing else): %.1f us of CPU "
                "each; 1,000 a second cost %.2f%% of one core\n",
        wakeUpUs, wakeUpUs * 1000 / 1e6 * 100);
    std::fflush(stdout);
}

} // namespace

int runBench(const CommandLine &options)
{
    const BenchOptions &b = options.bench;
    std::printf("beam-me-up %s benchmark: %.1f s measured per row after %.1f s warm-up, median of %d run(s)\n",
        BEAM_VERSION, b.secondsPerRow, b.warmupSeconds, b.runs);
    std::fflush(stdout);

    QJsonArray rows;
    QJsonArray baseline;
    QJsonArray ioRows;
    QJsonArray producerRows;
    double pausedCpu = -1;
    double wakeUpUs = -1;
    if (wanted(b, BenchSection::Throughput)) {
        std::printf("\n");
        throughputSection(b, rows, baseline);
    }
    if (wanted(b, BenchSection::Io)) {
        std::printf("\n");
        ioSection(b, ioRows);
    }
    if (wanted(b, BenchSection::Producers)) {
        std::printf("\n");
        producersSection(b, producerRows, pausedCpu, wakeUpUs);
    }

    if (!options.benchJson.isEmpty()) {
        QJsonObject o;
        o[QStringLiteral("rows")] = rows;
        o[QStringLiteral("baseline")] = baseline;
        o[QStringLiteral("io_rows")] = ioRows;
        o[QStringLiteral("producer_rows")] = producerRows;
        if (pausedCpu >= 0)
            o[QStringLiteral("paused_cpu_percent")] = pausedCpu;
        if (wakeUpUs >= 0)
            o[QStringLiteral("wakeup_cost_us")] = wakeUpUs;
        if (!writeJsonFile(options.benchJson, o))
            return ExitUsage;
    }
    return ExitOk;
}

} // namespace beam
