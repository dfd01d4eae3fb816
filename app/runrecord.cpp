// SPDX-License-Identifier: MIT
#include "runrecord.h"
#include "headless.h"

#include "core/engine.h"
#include "core/processstats.h"
#include "scenario/scenarioplayer.h"

#include <algorithm>
#include <cstdio>

namespace beam {

RunRecord::RunRecord(Engine &engine)
    : m_engine(engine)
    , m_started(std::chrono::steady_clock::now())
    , m_startCpu(ProcessStats::read().cpuNs)
{ }

double RunRecord::elapsedS() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
}

void RunRecord::watchWarnings()
{
    const auto latest = m_engine.latest();
    if (!latest || latest->sequence == m_lastSequence)
        return;
    m_lastSequence = latest->sequence;
    for (const auto &w : m_monitor.observe(*latest)) {
        ++m_warnings;
        std::fprintf(stderr, "beam-me-up: warning at %.1f s: %s\n", w.atS, w.message.c_str());
    }
}

ReportInputs RunRecord::inputs(double runS) const
{
    ReportInputs in;
    in.durationS = runS;
    in.latency = m_engine.latencyHistogram();
    const auto process = ProcessStats::read();
    in.peakRssBytes = process.peakRssBytes;
    in.cpuPercentAvg = static_cast<double>(process.cpuNs - m_startCpu) / 1e9 / std::max(1e-9, runS) * 100.0;
    in.notice = m_engine.notice();
    in.deadLetters = m_engine.deadLetters();
    in.warnings = m_warnings;
    const auto history = m_engine.history();
    in.recent = recentFigures(history);
    in.littles = littlesLaw(history);
    if (const auto recorder = m_engine.recorder()) {
        in.recorderOn = true;
        in.recorderSnapshots = recorder->size();
        in.recorderBytes = recorder->bytes();
        in.recorderLimitBytes = recorder->limits().maxBytes;
        in.recorderSpanS = recorder->lastS() - recorder->firstS();
    }
    return in;
}

QJsonObject RunRecord::reportNow() const
{
    const double runS = elapsedS();
    const auto snapshot = m_engine.sampleNow();
    return reportJson(*snapshot, inputs(runS));
}

QJsonObject RunRecord::reportLatest() const
{
    const auto snapshot = m_engine.latest();
    return snapshot ? reportJson(*snapshot, inputs(snapshot->elapsedS)) : QJsonObject();
}

std::uint64_t RunRecord::latestSequence() const
{
    const auto snapshot = m_engine.latest();
    return snapshot ? snapshot->sequence : 0;
}

namespace {
double us(double ns)
{
    return ns / 1000.0;
}
} // namespace

void printSummary(const Snapshot &s, const ReportInputs &in, double runS)
{
    const auto &latency = in.latency;
    std::printf("\nsummary: %.1f s, produced %llu, processed %llu, failed attempts %llu, retried %llu, "
                "dead-lettered %llu, dropped %llu, in flight %lld, lost %lld\n",
        runS, static_cast<unsigned long long>(s.produced), static_cast<unsigned long long>(s.processed),
        static_cast<unsigned long long>(s.failed), static_cast<unsigned long long>(s.retried),
        static_cast<unsigned long long>(s.deadLettered), static_cast<unsigned long long>(s.dropped),
        static_cast<long long>(s.inFlight) + static_cast<long long>(s.abandoned), static_cast<long long>(s.lost));
    std::printf("         throughput %.0f events/s; latency p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us; "
                "max in flight %lld of %lld; cpu %.1f%% of a core; peak rss %.1f MB\n",
        static_cast<double>(s.processed) / std::max(1e-9, runS), us(static_cast<double>(latency.quantile(0.5))),
        us(static_cast<double>(latency.quantile(0.99))), us(static_cast<double>(latency.quantile(0.999))),
        us(static_cast<double>(latency.max())), static_cast<long long>(s.maxInFlightObserved),
        static_cast<long long>(s.config.maxInFlight), in.cpuPercentAvg,
        static_cast<double>(in.peakRssBytes) / (1024.0 * 1024.0));
    std::printf("         limiter_node: threshold %lld, count %lld (highest %lld), refused %llu events\n",
        static_cast<long long>(s.limit), static_cast<long long>(s.limiterCount),
        static_cast<long long>(s.limiterCountMax), static_cast<unsigned long long>(s.limiterRefused));
    const std::uint64_t crashTotal = s.crashes();
    if (s.restarts + crashTotal + s.escalations > 0) {
        std::printf(
            "         supervision: crashes %llu (random %llu, killed %llu, hang %llu, exception %llu), restarts %llu, "
            "redelivered %llu, escalations %llu, recovery p50 %.1f us, p99 %.1f us%s\n",
            static_cast<unsigned long long>(crashTotal), static_cast<unsigned long long>(s.crashesRandom),
            static_cast<unsigned long long>(s.crashesKilled), static_cast<unsigned long long>(s.crashesHang),
            static_cast<unsigned long long>(s.crashesException), static_cast<unsigned long long>(s.restarts),
            static_cast<unsigned long long>(s.redelivered), static_cast<unsigned long long>(s.escalations),
            s.recovery.p50, s.recovery.p99, s.gaveUp ? "; the top-level supervisor GAVE UP" : "");
    }
    if (in.warnings > 0)
        std::printf("         warnings: %d (printed as they were raised)\n", in.warnings);
    if (!in.notice.empty())
        std::printf("         note: %s\n", in.notice.c_str());
    std::fflush(stdout);
}

void printWindowSummary(const Snapshot *last, const char *why)
{
    const char *how = why && *why ? "quit on " : "quit";
    if (!last) {
        std::fprintf(stderr, "summary: %s%s, no run\n", how, why ? why : "");
        return;
    }
    const Snapshot &s = *last;
    // The window stops its engine at once when it closes: these are the counts it last showed, not a drain's.
    std::fprintf(stderr,
        "summary: %s%s at %.1f s, produced %llu, processed %llu, failed attempts %llu, retried %llu, dead-lettered "
        "%llu, dropped %llu, in flight %lld, lost %lld\n",
        how, why ? why : "", s.elapsedS, static_cast<unsigned long long>(s.produced),
        static_cast<unsigned long long>(s.processed), static_cast<unsigned long long>(s.failed),
        static_cast<unsigned long long>(s.retried), static_cast<unsigned long long>(s.deadLettered),
        static_cast<unsigned long long>(s.dropped), static_cast<long long>(s.inFlight), static_cast<long long>(s.lost));
}

RunOutcome judgeRun(const Snapshot &final, const ScenarioPlayer *player, const std::string &failure)
{
    RunOutcome o;
    o.threadFailure = failure;
    o.lost = final.lost != 0 || final.inFlight != 0;
    o.failedAssertions = player ? player->failed() : 0;
    o.gaveUpUnexpectedly = final.gaveUp && !(player && player->judgesGivingUp());
    return o;
}

int exitCode(const RunOutcome &o)
{
    if (o.lost)
        return ExitLost;
    if (!o.threadFailure.empty())
        return ExitThreadFailed;
    if (o.failedAssertions > 0)
        return ExitAssertion;
    if (o.gaveUpUnexpectedly)
        return ExitEscalated;
    return ExitOk;
}

QList<JUnitCase> outcomeCases(const Snapshot &s, const RunOutcome &o, const std::string &notice)
{
    // In flight as the summary and the JSON report count it: with the events a stop without a drain (the top
    // gave up) abandoned, which are accounted for, not lost.
    const QString inFlight = s.abandoned == 0
        ? QStringLiteral("in flight after the drain %1").arg(s.inFlight)
        : QStringLiteral("in flight %1 (abandoned %2: released unprocessed as the run stopped without draining; %3 "
                         "still in flight after the stop)")
              .arg(s.inFlight + static_cast<std::int64_t>(s.abandoned))
              .arg(s.abandoned)
              .arg(s.inFlight);
    JUnitCase lost{
        QStringLiteral("no event lost"), !o.lost, QStringLiteral("lost %1, %2").arg(s.lost).arg(inFlight), s.elapsedS};
    lost.error = o.lost;
    JUnitCase supervision{QStringLiteral("supervision did not give up"), !o.gaveUpUnexpectedly,
        o.gaveUpUnexpectedly ? QString::fromStdString(notice)
                             : (s.gaveUp ? QStringLiteral("gave up, as the scenario expects")
                                         : QStringLiteral("escalations %1").arg(s.escalations)),
        s.elapsedS};
    supervision.error = o.gaveUpUnexpectedly;
    return {lost, supervision};
}

} // namespace beam
