// SPDX-License-Identifier: MIT
#include "headless.h"

#include "core/bench.h"
#include "core/pipelineconfig.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>

namespace beam {

int runBench(const CommandLine &options)
{
    const BenchOptions &b = options.bench;
    std::printf("beam-me-up %s benchmark: 1 producer, unthrottled, no work, back-pressure on (max in flight %lld), "
                "full telemetry\n%.1f s measured per row after %.1f s warm-up, median of %d run(s); bare graph = the "
                "same shape in plain "
                "oneTBB, no telemetry\n\n",
        BEAM_VERSION, static_cast<long long>(b.maxInFlight), b.secondsPerRow, b.warmupSeconds, b.runs);
    std::printf(
        "%9s %14s %9s %9s %16s %7s\n", "consumers", "engine ev/s", "p50 us", "p99 us", "bare graph ev/s", "ratio");
    std::fflush(stdout);

    const auto rowJson = [](const BenchRow &row) {
        QJsonObject o;
        o[QStringLiteral("consumers")] = row.consumers;
        o[QStringLiteral("events_per_sec")] = row.eventsPerSec;
        o[QStringLiteral("p50_us")] = row.p50Us;
        o[QStringLiteral("p99_us")] = row.p99Us;
        return o;
    };
    QJsonArray rows;
    QJsonArray baseline;
    QJsonArray ioRows;
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

    std::printf("\nscaling with simulated I/O: %d us per event, unthrottled, each serial consumer can finish at most "
                "%.0f events/s\n",
        b.ioUs, 1e6 / b.ioUs);
    std::printf(
        "%9s %14s %9s %9s %16s %7s\n", "consumers", "engine ev/s", "p50 us", "p99 us", "ideal ev/s", "of ideal");
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

    if (!options.benchJson.isEmpty()) {
        QJsonObject o;
        o[QStringLiteral("rows")] = rows;
        o[QStringLiteral("baseline")] = baseline;
        o[QStringLiteral("io_rows")] = ioRows;
        if (!writeJsonFile(options.benchJson, o))
            return ExitUsage;
    }
    return ExitOk;
}

} // namespace beam
