// SPDX-License-Identifier: MIT
// The flight recorder (core/flightrecorder.h): what goes in comes out at its time, a thread's activity folded to
// cells keeps its busy time and who ran, the memory bound holds ten minutes of 64 producers and 256 consumers, and
// a running engine's snapshots all reach it.
#include "core/engine.h"
#include "core/flightrecorder.h"

#include <QTest>

#include <cmath>

using namespace beam;

namespace {

/// A snapshot at `t` seconds with every field set, most to a value of their own, changing with `k`.
Snapshot synthetic(std::uint64_t k, int producers, int consumers, int executors = 2)
{
    Snapshot s;
    s.sequence = k + 1;
    s.elapsedS = 0.1 * static_cast<double>(k + 1);
    s.intervalS = 0.1;
    s.windowS = 1.0;
    s.windowGoalS = 1.0;
    s.state = EngineState::Running;
    s.config.consumers = consumers;
    s.config.producers = producers;
    s.produced = 1000 * k + 7;
    s.processed = 990 * k + 3;
    s.failed = 11 * k;
    s.retried = 10 * k;
    s.deadLettered = k;
    s.dropped = 2 * k;
    s.abandoned = 5;
    s.inFlight = 123;
    s.inFlightMean = 121.25 + static_cast<double>(k) / 3;
    s.inFlightMeanWindow = 120.5;
    s.limit = 1000;
    s.limiterCount = 123;
    s.limiterCountMax = 999;
    s.limiterRefused = 17 * k;
    s.inFlightHigh = 150;
    s.maxInFlightObserved = 400;
    s.lost = -2;
    s.safetyCapHit = true;
    s.restarts = 3 * k;
    s.crashesRandom = k;
    s.crashesKilled = 2;
    s.crashesHang = 1;
    s.crashesException = 4;
    s.exceptionsCaught = 6;
    s.redelivered = 8;
    s.escalations = 1;
    s.pipelineRestarts = 1;
    s.gaveUp = true;
    s.supervisors.push_back({"consumers", "one_for_one", "running", 3, 2, 200, 1.0, 0.01, {}});
    s.supervisors.back().children.assign(static_cast<std::size_t>(consumers), "running");
    s.recovery = {9, 1.5, 2.5, 3.5, 4.5, 5.5, 2.0};
    s.producedPerSec = 10000.0 / 3;
    s.processedPerSec = 9900.0 / 7;
    s.failedPerSec = 1.0 / 9;
    s.droppedPerSec = 0.25;
    s.deadLetteredPerSec = 0.125;
    s.restartsPerSec = 0.5;
    s.limiterRefusedPerSec = 17.0 / 3;
    s.backpressureRatio = 0.3333;
    s.window = {100, 6.1, 7.2, 8.3, 9.4, 10.5, 6.6};
    s.interval = {10, 6.2, 7.3, 8.4, 9.5, 10.6, 6.7};
    s.cumulative = {1000 * k, 6.3, 7.4, 8.5, 9.6, 10.7, 6.8};
    s.pacingLag = {90, 410.5, 800.25, 951.125, 990.0625, 1003.5, 430.75 + static_cast<double>(k)};
    s.pacingLagCumulative = {900 * k, 400.5, 790.25, 940.125, 980.0625, 1010.5, 420.75};
    s.cpuPercent = 12.345;
    s.handover = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1};
    s.rssBytes = 50'000'000;
    s.events.push_back({k + 1, s.elapsedS - 0.05, EngineEvent::Kind::Crash, static_cast<int>(k % 8), "random"});
    for (int c = 0; c < consumers; ++c) {
        const auto u = static_cast<std::uint64_t>(c);
        s.consumers.push_back({c, c % 2 == 0, 100 * k + u, k + u, u, c % 5, 123.5 + c, 0.25 + 0.001 * c, 0.125, u,
            2 * u, 1, c == 3 ? "down" : "running"});
    }
    for (int p = 0; p < producers; ++p) {
        const auto u = static_cast<std::uint64_t>(p);
        s.producers.push_back({p, 1000 * k + u, u, 10 * k, 1000.0, 999.5, 0.75});
    }
    for (int t = 0; t < executors + producers; ++t) {
        ThreadSample thread;
        thread.name = (t < executors ? "executor " : "producer ") + std::to_string(t < executors ? t : t - executors);
        thread.kind = t < executors ? ThreadSample::Kind::Executor : ThreadSample::Kind::Producer;
        thread.utilisation = 0.5;
        thread.utilisationRun = 0.25;
        s.threads.push_back(std::move(thread));
    }
    return s;
}

/// Whether two snapshots agree on every field the recorder keeps exactly (the per-consumer, per-producer and
/// per-thread rates and ratios: to a float's precision), thread slices aside.
void verifySame(const Snapshot &a, const Snapshot &b)
{
    QCOMPARE(a.sequence, b.sequence);
    QCOMPARE(a.elapsedS, b.elapsedS);
    QCOMPARE(a.intervalS, b.intervalS);
    QCOMPARE(a.windowS, b.windowS);
    QVERIFY(a.state == b.state);
    QVERIFY(a.config == b.config);
    QCOMPARE(a.produced, b.produced);
    QCOMPARE(a.processed, b.processed);
    QCOMPARE(a.failed, b.failed);
    QCOMPARE(a.retried, b.retried);
    QCOMPARE(a.deadLettered, b.deadLettered);
    QCOMPARE(a.dropped, b.dropped);
    QCOMPARE(a.abandoned, b.abandoned);
    QCOMPARE(a.inFlight, b.inFlight);
    QCOMPARE(a.inFlightMean, b.inFlightMean);
    QCOMPARE(a.limit, b.limit);
    QCOMPARE(a.limiterCount, b.limiterCount);
    QCOMPARE(a.limiterCountMax, b.limiterCountMax);
    QCOMPARE(a.limiterRefused, b.limiterRefused);
    QCOMPARE(a.lost, b.lost);
    QCOMPARE(a.safetyCapHit, b.safetyCapHit);
    QCOMPARE(a.crashes(), b.crashes());
    QCOMPARE(a.gaveUp, b.gaveUp);
    QCOMPARE(a.supervisors.size(), b.supervisors.size());
    for (std::size_t i = 0; i < a.supervisors.size(); ++i) {
        QCOMPARE(a.supervisors[i].name, b.supervisors[i].name);
        QCOMPARE(a.supervisors[i].children, b.supervisors[i].children);
        QCOMPARE(a.supervisors[i].budgetInUse, b.supervisors[i].budgetInUse);
    }
    QCOMPARE(a.recovery.p99, b.recovery.p99);
    QCOMPARE(a.processedPerSec, b.processedPerSec);
    QCOMPARE(a.backpressureRatio, b.backpressureRatio);
    QCOMPARE(a.window.p99, b.window.p99);
    QCOMPARE(a.cumulative.count, b.cumulative.count);
    QCOMPARE(a.pacingLag.count, b.pacingLag.count);
    QCOMPARE(a.pacingLag.p99, b.pacingLag.p99);
    QCOMPARE(a.pacingLag.mean, b.pacingLag.mean);
    QCOMPARE(a.pacingLagCumulative.count, b.pacingLagCumulative.count);
    QCOMPARE(a.pacingLagCumulative.max, b.pacingLagCumulative.max);
    QCOMPARE(a.cpuPercent, b.cpuPercent);
    QCOMPARE(a.handover.sweeps, b.handover.sweeps);
    QCOMPARE(a.rssBytes, b.rssBytes);
    QCOMPARE(a.events.size(), b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        QCOMPARE(a.events[i].atS, b.events[i].atS);
        QVERIFY(a.events[i].kind == b.events[i].kind);
        QCOMPARE(a.events[i].consumer, b.events[i].consumer);
        QCOMPARE(a.events[i].what, b.events[i].what);
    }
    QCOMPARE(a.consumers.size(), b.consumers.size());
    for (std::size_t i = 0; i < a.consumers.size(); ++i) {
        const auto &x = a.consumers[i];
        const auto &y = b.consumers[i];
        QCOMPARE(x.active, y.active);
        QCOMPARE(x.processed, y.processed);
        QCOMPARE(x.queueDepth, y.queueDepth);
        QCOMPARE(static_cast<float>(x.processedPerSec), static_cast<float>(y.processedPerSec));
        QVERIFY(std::abs(x.busyRatio - y.busyRatio) <= 0.5e-4);
        QVERIFY(std::abs(x.ioWaitRatio - y.ioWaitRatio) <= 0.5e-4);
        QCOMPARE(x.crashesInWindow, y.crashesInWindow);
        QCOMPARE(x.state, y.state);
    }
    QCOMPARE(a.producers.size(), b.producers.size());
    for (std::size_t i = 0; i < a.producers.size(); ++i) {
        QCOMPARE(a.producers[i].produced, b.producers[i].produced);
        QVERIFY(std::abs(a.producers[i].backpressureRatio - b.producers[i].backpressureRatio) <= 0.5e-4);
    }
    QCOMPARE(a.threads.size(), b.threads.size());
    for (std::size_t i = 0; i < a.threads.size(); ++i) {
        QCOMPARE(a.threads[i].name, b.threads[i].name);
        QVERIFY(a.threads[i].kind == b.threads[i].kind);
        QVERIFY(std::abs(a.threads[i].utilisation - b.threads[i].utilisation) <= 0.5e-4);
    }
}

double busyOf(const std::vector<ThreadSlice> &slices, double from, double to)
{
    double busy = 0;
    for (const auto &s : slices)
        busy += std::max(0.0, std::min(s.endS, to) - std::max(s.startS, from));
    return busy;
}

} // namespace

class TestFlightRecorder : public QObject
{
    Q_OBJECT

private slots:
    void testWhatGoesInComesOutAtItsTime()
    {
        FlightRecorder recorder;
        std::vector<Snapshot> in;
        for (std::uint64_t k = 0; k < 50; ++k) {
            in.push_back(synthetic(k, 3, 8));
            if (k == 20)
                in.back().config.rate = 5000; // a configuration change mid-run
            if (k > 20)
                in.back().config.rate = 5000;
            recorder.add(in.back());
        }
        QCOMPARE(recorder.size(), in.size());
        QCOMPARE(recorder.firstS(), in.front().elapsedS);
        QCOMPARE(recorder.lastS(), in.back().elapsedS);
        for (std::size_t k = 0; k < in.size(); ++k) {
            const auto out = recorder.at(k);
            QVERIFY(out);
            verifySame(in[k], *out);
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(QStringLiteral("snapshot %1 differs").arg(k)));
        }
        QCOMPARE(recorder.indexAt(in[30].elapsedS), std::size_t{30});
        QCOMPARE(recorder.indexAt(in[30].elapsedS + 0.05), std::size_t{30}); // the newest at or before
        QCOMPARE(recorder.indexAt(0.0), std::size_t{0});
        QVERIFY(!recorder.at(in.size()));
        QCOMPARE(recorder.eventMarks().size(), in.size());
        QCOMPARE(recorder.between(in[10].elapsedS, in[19].elapsedS).size(), std::size_t{10});
    }

    void testANewRunStartsOver()
    {
        FlightRecorder recorder;
        for (std::uint64_t k = 0; k < 10; ++k)
            recorder.add(synthetic(k, 1, 2));
        recorder.add(synthetic(0, 1, 2)); // its time went back: the engine started again
        QCOMPARE(recorder.size(), std::size_t{1});
        QCOMPARE(recorder.eventMarks().size(), std::size_t{1});
    }

    void testKeepsItsSpanAndForgetsTheOldest()
    {
        FlightRecorder recorder({.keepS = 2.0});
        for (std::uint64_t k = 0; k < 100; ++k)
            recorder.add(synthetic(k, 1, 2));
        QCOMPARE(recorder.lastS(), 10.0);
        QVERIFY(recorder.firstS() >= 8.0 - 1e-9);
        QVERIFY(recorder.firstS() <= 8.0 + 1e-9);
        // The oldest snapshot's events went with it.
        QCOMPARE(recorder.eventMarks().size(), recorder.size());
        QVERIFY(recorder.eventMarks().front().atS > recorder.firstS() - 0.1);
    }

    void testByteLimitForgetsTheOldest()
    {
        FlightRecorder recorder({.keepS = 600, .maxBytes = 200'000});
        for (std::uint64_t k = 0; k < 1000; ++k)
            recorder.add(synthetic(k, 4, 32));
        QVERIFY(recorder.bytes() <= 200'000);
        QVERIFY(recorder.size() > 10);
        QVERIFY(recorder.size() < 1000);
        QCOMPARE(recorder.lastS(), 100.0);
    }

    /// What a thread ran comes back from at() over the 1.5 s before the snapshot, with its busy time (to the
    /// microsecond per cell) and, where one consumer ran a whole cell, that consumer.
    void testThreadActivityKeepsBusyTimeAndWhoRan()
    {
        FlightRecorder recorder;
        double busyIn = 0;
        for (std::uint64_t k = 0; k < 30; ++k) {
            Snapshot s = synthetic(k, 1, 4, 1);
            // The live ring holds the last 1.5 s: every slice so far, ordered.
            for (std::uint64_t j = 0; j <= k; ++j) {
                const double t0 = 0.1 * static_cast<double>(j);
                for (int n = 0; n < 50; ++n) { // 50 slices of 300 us every 2 ms, consumers 0..3 in turn
                    const double start = t0 + 0.002 * n + 0.0001;
                    s.threads[0].recent.push_back({start, start + 0.0003, n % 4});
                }
                s.threads[1].recent.push_back({t0 + 0.01, t0 + 0.06, -1}); // the producer: 50 ms of its own work
            }
            if (k == 29)
                busyIn = busyOf(s.threads[0].recent, 1.5, 3.0);
            recorder.add(s);
        }
        const auto last = recorder.at(recorder.size() - 1);
        const auto &executor = last->threads[0].recent;
        QVERIFY(!executor.empty());
        QVERIFY(executor.front().startS >= 3.0 - FlightRecorder::kRecentS - 0.1 - 1e-9);
        // Busy time over the last 1.5 s (whole cells: the snapshot's own cell waits for the next one).
        QVERIFY(std::abs(busyOf(executor, 1.5, 3.0) - busyIn) < 0.0003 + 1e-6);
        for (std::size_t i = 1; i < executor.size(); ++i)
            QVERIFY(executor[i].startS >= executor[i - 1].endS - 1e-9); // ordered, never overlapping
        // A 300 us body inside one 500 us cell: that consumer is who ran there.
        const auto at = [&](double t) {
            for (const auto &s : executor) {
                if (s.startS <= t && t < s.endS + FlightRecorder::kCellS)
                    return s.consumer;
            }
            return -2;
        };
        QCOMPARE(at(2.9 + 0.002 * 5 + 0.0002), 1);
        QCOMPARE(at(2.9 + 0.002 * 6 + 0.0002), 2);
        // The producer's 50 ms are one slice per snapshot, not a hundred cells.
        const auto &producer = last->threads[1].recent;
        QVERIFY2(producer.size() <= 17, qPrintable(QString::number(producer.size())));
        QVERIFY(std::abs(busyOf(producer, 1.5, 3.0) - 0.75) < 0.001);
    }

    void testCaptionOnScreenAt()
    {
        FlightRecorder recorder;
        recorder.addMark({1.0, 0.0, LessonMark::Kind::Start, -1, "slow-consumer", {}, {}});
        recorder.addMark({2.0, 1.0, LessonMark::Kind::Caption, 0, "first", {}, {}});
        recorder.addMark({5.0, 4.0, LessonMark::Kind::Verdict, 0, "x > 1", "passed", "x = 2"});
        recorder.addMark({6.0, 5.0, LessonMark::Kind::Caption, 2, "second", {}, {}});
        recorder.addMark({9.0, 8.0, LessonMark::Kind::End, -1, {}, {}, {}});
        QVERIFY(!recorder.captionAt(1.5));
        QCOMPARE(recorder.captionAt(2.0)->text, std::string("first"));
        QCOMPARE(recorder.captionAt(5.9)->text, std::string("first"));
        QCOMPARE(recorder.captionAt(8.9)->text, std::string("second"));
        QVERIFY(!recorder.captionAt(9.5));
        QCOMPARE(recorder.marks().size(), std::size_t{5});
    }

    /// The bound stated in docs/recording.md: ten minutes at 100 ms with 64 producers and 256 consumers, every
    /// consumer changing every sample and two executor threads switching consumers every cell, within 64 MB.
    void testTenMinutesOfTheLargestPipelineFitTheBound()
    {
        FlightRecorder recorder;
        constexpr std::uint64_t kSnapshots = 6000;
        for (std::uint64_t k = 0; k < kSnapshots; ++k) {
            Snapshot s = synthetic(k, 64, 256);
            for (int t = 0; t < 2; ++t) {
                const double t0 = s.elapsedS - 0.1;
                for (int n = 0; n < 200; ++n)
                    s.threads[static_cast<std::size_t>(t)].recent.push_back(
                        {t0 + 0.0005 * n, t0 + 0.0005 * n + 0.0004, (n + t) % 256});
            }
            recorder.add(s);
        }
        QCOMPARE(recorder.size(), kSnapshots); // nothing forgotten: ten minutes kept
        qInfo("ten minutes of 64 producers and 256 consumers: %.1f MB (%.0f bytes a snapshot)",
            static_cast<double>(recorder.bytes()) / (1 << 20),
            static_cast<double>(recorder.bytes()) / static_cast<double>(kSnapshots));
        QVERIFY(recorder.bytes() <= recorder.limits().maxBytes);
    }

    /// A running engine: every snapshot the sampler takes reaches the recorder, and the newest kept equals the
    /// engine's newest.
    void testEngineRecordsEverySnapshot()
    {
        PipelineConfig config;
        config.rate = 2000;
        config.intervalMs = 20;
        Engine engine(config);
        QVERIFY(engine.recorder());
        QVERIFY(engine.start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine.recorder()->size() >= 20, 20000);
        engine.stop();
        const auto recorder = engine.recorder();
        const auto latest = engine.latest();
        const auto kept = recorder->at(recorder->size() - 1);
        QCOMPARE(kept->sequence, latest->sequence);
        QCOMPARE(kept->processed, latest->processed);
        QCOMPARE(kept->window.p99, latest->window.p99);
        QCOMPARE(recorder->at(0)->sequence, std::uint64_t{1});
        QCOMPARE(recorder->size(), static_cast<std::size_t>(latest->sequence)); // none missed
    }

    void testEngineWithoutRecorder()
    {
        Engine engine;
        engine.setRecorder(nullptr);
        QVERIFY(engine.start().empty());
        QVERIFY(engine.sampleNow());
        engine.stop();
        QVERIFY(!engine.recorder());
    }
};

QTEST_GUILESS_MAIN(TestFlightRecorder)
#include "tst_flightrecorder.moc"
