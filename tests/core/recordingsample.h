// SPDX-License-Identifier: MIT
// A synthetic recording, for the recording tests, the command-line tests and the fuzzer's seed: every field of
// every struct has a value of its own (no two fields alike, none at its default), so a column left out of the
// file, or two swapped, shows as a difference. No engine runs.
#pragma once

#include "core/recording.h"

#include <cstdint>
#include <string>
#include <vector>

namespace beam::test {

/// Hands out values no field has had yet.
struct Distinct {
    std::uint64_t next = 1;
    std::uint64_t count() { return next++; }
    std::int64_t negative() { return -static_cast<std::int64_t>(next++); }
    int whole() { return static_cast<int>(next++ % 1'000'000); }
    double real() { return static_cast<double>(next++) + 1.0 / 3.0; } // not a short decimal: exactness shows
    double ratio() { return static_cast<double>(next++ % 997) / 1000.0 + 1.0 / 7000.0; } // within 0..1
};

/// Every field of PipelineConfig away from its default, valid; `variant` 1 and 2 differ in every field.
inline PipelineConfig sampleConfig(int variant)
{
    PipelineConfig c;
    const bool first = variant == 1;
    c.producers = first ? 3 : 4;
    c.consumers = first ? 5 : 6;
    c.rate = first ? std::optional<std::uint64_t>(12345) : std::nullopt;
    c.maxInFlight = first ? 777 : 778;
    c.workUs = first ? 11 : 12;
    c.ioUs = first ? 13 : 14;
    c.faultRate = first ? 1.0 / 3.0 : 0.2;
    c.maxAttempts = first ? 7 : 8;
    c.overload = first ? OverloadPolicy::Drop : OverloadPolicy::Unbounded;
    c.safetyCap = first ? 5555 : 5556;
    c.intervalMs = first ? 50 : 51;
    c.pacingUs = first ? 0 : 2500;
    c.seed = first ? 0xfffffffffffffff1ULL : 42; // past 2^63: SQLite's integers are signed
    c.crashRate = first ? 0.01 : 0.02;
    c.strategy = first ? RestartStrategy::RestForOne : RestartStrategy::OneForAll;
    c.maxRestarts = first ? 17 : 18;
    c.maxSeconds = first ? 2.5 : 2.75;
    c.topMaxRestarts = first ? 4 : 5;
    c.topMaxSeconds = first ? 7.25 : 7.5;
    c.backoffMinMs = first ? 3 : 4;
    c.backoffMaxMs = first ? 300 : 301;
    c.backoffJitter = first ? 0.4 : 0.45;
    c.poisonKey = first ? std::optional<std::uint32_t>(4095) : std::nullopt;
    c.slowConsumer = first ? std::optional<SlowConsumer>(SlowConsumer{2, 9}) : std::nullopt;
    c.hangTimeoutMs = first ? 777 : 778;
    c.onEscalation = first ? EscalationPolicy::Restart : EscalationPolicy::Stop;
    return c;
}

inline LatencySummary sampleLatency(Distinct &d)
{
    return {d.count(), d.real(), d.real(), d.real(), d.real(), d.real(), d.real()};
}

inline void fillCounts(Snapshot &s, Distinct &d)
{
    s.produced = d.count();
    s.processed = d.count();
    s.failed = d.count();
    s.retried = d.count();
    s.deadLettered = d.count();
    s.dropped = d.count();
    s.abandoned = d.count();
    s.inFlight = d.negative();
    s.inFlightMean = d.real();
    s.inFlightMeanWindow = d.real();
    s.limit = d.negative();
    s.limiterCount = d.negative();
    s.limiterCountMax = d.negative();
    s.limiterRefused = d.count();
    s.inFlightHigh = d.negative();
    s.maxInFlightObserved = d.negative();
    s.lost = d.negative(); // never clamped: negative is a finding, and must survive
    s.safetyCapHit = true;
    s.restarts = d.count();
    s.crashesRandom = d.count();
    s.crashesKilled = d.count();
    s.crashesHang = d.count();
    s.crashesException = d.count();
    s.exceptionsCaught = d.count();
    s.redelivered = d.count();
    s.escalations = d.count();
    s.pipelineRestarts = d.count();
    s.gaveUp = true;
    s.recovery = sampleLatency(d);
}

inline void fillRates(Snapshot &s, Distinct &d)
{
    s.producedPerSec = d.real();
    s.processedPerSec = d.real();
    s.failedPerSec = d.real();
    s.droppedPerSec = d.real();
    s.deadLetteredPerSec = d.real();
    s.restartsPerSec = d.real();
    s.limiterRefusedPerSec = d.real();
    s.backpressureRatio = d.ratio();
    s.window = sampleLatency(d);
    s.interval = sampleLatency(d);
    s.cumulative = sampleLatency(d);
    s.pacingLag = sampleLatency(d);
    s.pacingLagCumulative = sampleLatency(d);
    s.cpuPercent = d.real();
    s.handover = {d.count(), d.count(), d.count(), d.count(), d.count(), d.count(), d.count(), d.count(), d.count(),
        d.count(), d.whole()};
    s.rssBytes = d.count();
}

inline void fillSamples(Snapshot &s, Distinct &d, int producers, int consumers)
{
    for (int i = 0; i < consumers; ++i) {
        s.consumers.push_back({i, i % 2 == 0, d.count(), d.count(), d.count(), d.negative(), d.real(), d.ratio(),
            d.ratio(), d.count(), d.count(), d.count(), i % 3 == 0 ? "hung" : "down"});
    }
    for (int i = 0; i < producers; ++i)
        s.producers.push_back({i, d.count(), d.count(), d.count(), d.real(), d.real(), d.ratio()});
    s.supervisors.push_back({"pipeline", "one_for_all", "gave_up", d.count(), d.whole(), d.whole(), d.real(), d.ratio(),
        {"running", "stopped"}});
    s.supervisors.push_back(
        {"consumers", "rest_for_one", "running", d.count(), d.whole(), d.whole(), d.real(), d.ratio(), {}});
    s.supervisors.push_back({"odd \"one\", with\nbreaks \xc3\xbc", "x", "y", d.count(), d.whole(), d.whole(), d.real(),
        d.ratio(), {"a,b", "q\"uote", "", "\xe2\x9c\x93 \\ \t"}});
}

/// Threads: two executors, then a producer thread each; `slices` slices each, the last of every thread the
/// router's (-1).
inline void fillThreads(Snapshot &s, Distinct &d, int producers, int slices)
{
    const int threads = 2 + producers;
    for (int t = 0; t < threads; ++t) {
        ThreadSample thread;
        thread.name = t < 2 ? "executor " + std::to_string(t) : "producer " + std::to_string(t - 2);
        thread.kind = t < 2 ? ThreadSample::Kind::Executor : ThreadSample::Kind::Producer;
        thread.running = t % 2 == 0;
        thread.utilisation = d.ratio();
        thread.utilisationRun = d.ratio();
        const double from = s.elapsedS - s.intervalS;
        const double step = s.intervalS / (slices + 1);
        for (int k = 0; k < slices; ++k)
            thread.recent.push_back({from + k * step, from + (k + 0.5) * step, k + 1 == slices ? -1 : (k + t) % 8});
        s.threads.push_back(std::move(thread));
    }
}

/// Snapshot `n` (1, 2, ...) taken every 100 ms.
inline Snapshot sampleSnapshot(
    std::uint64_t n, Distinct &d, const PipelineConfig &config, int producers, int consumers, int slices)
{
    Snapshot s;
    s.sequence = n + 1000;
    s.elapsedS = static_cast<double>(n) * 0.1;
    s.intervalS = 0.1 + 1.0 / 3.0 * 1e-6;
    s.windowS = 0.9 + 1.0 / 7.0;
    s.windowGoalS = 1.25;
    s.state = EngineState::Draining;
    s.config = config;
    fillCounts(s, d);
    fillRates(s, d);
    fillSamples(s, d, producers, consumers);
    fillThreads(s, d, producers, slices);
    return s;
}

/// Every kind of event, each with a `what` of its own.
inline std::vector<EngineEvent> sampleEvents(double atS, std::uint64_t &sequence)
{
    std::vector<EngineEvent> events;
    int k = 0;
    for (const auto kind : {EngineEvent::Kind::Crash, EngineEvent::Kind::Restart, EngineEvent::Kind::Escalation,
             EngineEvent::Kind::PipelineRestart, EngineEvent::Kind::GaveUp, EngineEvent::Kind::Configuration,
             EngineEvent::Kind::ThreadFailed}) {
        events.push_back({++sequence, atS + k * 0.001, kind, k < 2 ? k : -1,
            "what " + std::to_string(k) + (k == 5 ? ": consumers 4 \xe2\x86\x92 8, \"quoted\"\r\nline" : "")});
        ++k;
    }
    return events;
}

/// Every kind of mark: start, a step, two captions, verdicts passed, failed and skipped, the end.
inline std::vector<LessonMark> sampleMarks()
{
    using K = LessonMark::Kind;
    return {{0.05, 0.0, K::Start, -1, "slow-consumer", "", ""},
        {0.15, 0.1, K::Caption, 0, "One consumer is ten times slower.\nWatch its queue.", "", ""},
        {0.25, 0.2, K::Step, 1, "set consumers 8", "", ""},
        {0.35, 0.3, K::Verdict, 0, "queue_depth_max > 100", "passed", "queue_depth_max = 412"},
        {0.45, 0.4, K::Caption, 2, "Back-pressure, \"held back\", 100%", "", ""},
        {0.5, 0.45, K::Verdict, -1, "lost == 0", "failed", "lost = 3"},
        {0.55, 0.5, K::Verdict, 2, "p99 < 5000", "skipped", "no events in the window"},
        {0.6, 0.55, K::End, -1, "", "", "stopped early: the window closed"}};
}

/// `count` snapshots every 100 ms, the configuration changing at the middle one, every kind of event in the
/// third, every kind of mark; `slices` thread slices per thread and snapshot.
inline Recording sampleRecording(int count, int producers, int consumers, int slices)
{
    Recording r;
    r.info.appVersion = "0.2.0-test";
    r.info.tbbVersion = "2021.8.0";
    r.info.createdUtc = "2026-12-01T10:11:12Z";
    r.info.lesson = "slow-consumer";
    r.info.scenarioJson = "{\"name\": \"Slow consumer\", \"duration_s\": 30}";
    r.info.lessonSpeed = 2.5;
    r.info.configJson = "{\"producers\": 3}";
    Distinct d;
    std::uint64_t eventSequence = 0;
    for (int n = 1; n <= count; ++n) {
        const PipelineConfig config = sampleConfig(n <= count / 2 ? 1 : 2);
        Snapshot s = sampleSnapshot(static_cast<std::uint64_t>(n), d, config, producers, consumers, slices);
        if (n == 3)
            s.events = sampleEvents(s.elapsedS - 0.05, eventSequence);
        r.snapshots.push_back(std::move(s));
    }
    r.marks = sampleMarks();
    return r;
}

} // namespace beam::test
