// SPDX-License-Identifier: MIT
#include "consoletelemetry.h"

#include "core/engine.h"
#include "core/processstats.h"

#include <algorithm>
#include <cstdio>

namespace beam {

ConsoleTelemetry::ConsoleTelemetry(bool quiet)
    : m_quiet(quiet)
    , m_lastTime(std::chrono::steady_clock::now())
    , m_lastCpu(ProcessStats::read().cpuNs)
{ }

void ConsoleTelemetry::printHeader(const PipelineConfig &c) const
{
    if (m_quiet)
        return;
    std::printf("beam-me-up %s headless: %d producer(s) at %s ev/s each, %d consumers, max in flight %lld, "
                "overload %s, work %d us, io %d us, fault rate %g, pacing %s\n",
        BEAM_VERSION, c.producers, c.rateText().c_str(), c.consumers, static_cast<long long>(c.maxInFlight),
        toString(c.overload).data(), c.workUs, c.ioUs, c.faultRate, c.pacingText().c_str());
    std::printf("%8s %12s %12s %9s %9s %10s %9s %6s %6s %8s %6s %9s\n", "elapsed", "produced/s", "processed/s",
        "p50 us", "p99 us", "failed/s", "in flight", "bp %", "cpu %", "rss MB", "lost", "lag99 us");
    std::fflush(stdout);
}

void ConsoleTelemetry::printLine(Engine &engine, double elapsedS)
{
    const auto now = std::chrono::steady_clock::now();
    const auto snapshot = engine.sampleNow();
    const auto cpu = ProcessStats::read().cpuNs;
    const double dt = std::max(1e-9, std::chrono::duration<double>(now - m_lastTime).count());
    // Rates, latencies and back-pressure are the snapshot's own, over its one-second window: the same numbers
    // the window, the reports and the lesson checks show.
    const Snapshot &s = *snapshot;
    if (!m_quiet) {
        std::printf("%7.1fs %12.0f %12.0f %9.1f %9.1f %10.0f %9lld %6.1f %6.1f %8.1f %6lld %9.1f\n", elapsedS,
            s.producedPerSec, s.processedPerSec, s.window.p50, s.window.p99, s.failedPerSec,
            static_cast<long long>(s.inFlight), s.backpressureRatio * 100.0,
            static_cast<double>(cpu - m_lastCpu) / 1e9 / dt * 100.0,
            static_cast<double>(s.rssBytes) / (1024.0 * 1024.0), static_cast<long long>(s.lost), s.pacingLag.p99);
        std::fflush(stdout);
    }
    if (const auto notice = engine.notice(); !notice.empty() && notice != m_lastNotice) {
        std::fprintf(stderr, "beam-me-up: %s\n", notice.c_str());
        m_lastNotice = notice;
    }
    if (const auto failure = engine.failure(); !failure.empty() && failure != m_lastFailure) {
        std::fprintf(stderr, "beam-me-up: error: %s\n", failure.c_str());
        m_lastFailure = failure;
    }
    m_lastTime = now;
    m_lastCpu = cpu;
}

} // namespace beam
