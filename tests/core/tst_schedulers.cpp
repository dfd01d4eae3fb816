// SPDX-License-Identifier: MIT
// Schedulers: what the engine's threads ran and how busy they were (core/threadactivity.h, Snapshot::threads).
#include "core/engine.h"
#include "core/enginecontext.h"
#include "core/threadactivity.h"

#include <QTest>

#include <atomic>
#include <map>
#include <thread>

using namespace beam;
using namespace std::chrono_literals;

namespace {

/// Each thread's utilisation, time-weighted over the snapshots of the last `windowS` seconds.
std::map<std::string, double> recentUtilisation(const Engine &engine, double windowS = 1.0)
{
    const auto history = engine.history();
    std::map<std::string, double> busy;
    std::map<std::string, double> covered;
    const double end = history.back()->elapsedS;
    for (auto it = history.rbegin(); it != history.rend() && (*it)->elapsedS > end - windowS; ++it) {
        for (const auto &t : (*it)->threads) {
            busy[t.name] += t.utilisation * (*it)->intervalS;
            covered[t.name] += (*it)->intervalS;
        }
    }
    for (auto &[name, value] : busy)
        value = covered[name] > 0 ? value / covered[name] : 0.0;
    return busy;
}

/// Every slice names a consumer that exists (or -1), and each thread's slices are in order and never overlap.
QString sliceProblem(const Snapshot &s)
{
    for (const auto &t : s.threads) {
        double previousEnd = -1;
        for (const auto &slice : t.recent) {
            if (slice.consumer < -1 || slice.consumer >= s.config.consumers)
                return QStringLiteral("%1: consumer %2").arg(QString::fromStdString(t.name)).arg(slice.consumer);
            if (slice.endS < slice.startS || slice.startS < previousEnd)
                return QStringLiteral("%1: slice %2..%3 after %4")
                    .arg(QString::fromStdString(t.name))
                    .arg(slice.startS)
                    .arg(slice.endS)
                    .arg(previousEnd);
            if (slice.endS > s.elapsedS + 0.01 || slice.startS < s.elapsedS - 2.0)
                return QStringLiteral("%1: slice %2..%3 outside the recent window (now %4)")
                    .arg(QString::fromStdString(t.name))
                    .arg(slice.startS)
                    .arg(slice.endS)
                    .arg(s.elapsedS);
            previousEnd = slice.endS;
        }
    }
    return {};
}

int executorsIn(const Snapshot &s)
{
    int n = 0;
    for (const auto &t : s.threads)
        n += t.kind == ThreadSample::Kind::Executor ? 1 : 0;
    return n;
}

} // namespace

class TestSchedulers : public QObject
{
    Q_OBJECT

private slots:
    void testRingKeepsTheNewestSlicesAcrossWraparound()
    {
        ThreadActivity activity(16);
        QCOMPARE(activity.capacity(), std::size_t{16});
        for (std::int64_t i = 0; i < 40; ++i)
            activity.leave(
                static_cast<int>(i % 2), i * 10'000, i * 10'000 + 1000); // alternating consumers: nothing merges
        const auto slices = activity.slices(0);
        QCOMPARE(slices.size(), std::size_t{16});
        for (std::size_t k = 0; k < slices.size(); ++k) {
            const int i = 24 + static_cast<int>(k); // the 16 newest: 24..39, oldest first
            QCOMPARE(slices[k].startNs, std::int64_t{i} * 10'000);
            QCOMPARE(slices[k].endNs, std::int64_t{i} * 10'000 + 1000);
            QCOMPARE(slices[k].consumer, i % 2);
        }
        // Only what ended at or after the cut; busy time counts every slice, overwritten ones too.
        QCOMPARE(activity.slices(std::int64_t{35} * 10'000 + 1000).size(), std::size_t{5});
        QCOMPARE(activity.busyNs(), std::uint64_t{40'000});
        QCOMPARE(ThreadActivity(100).capacity(), std::size_t{128});
    }

    void testRingMergesConsecutiveRunsOfOneConsumer()
    {
        ThreadActivity activity(64);
        constexpr auto gap = ThreadActivity::kMergeGapNs;
        activity.leave(3, 1000, 2000);
        activity.leave(3, 2000 + gap, 3000 + gap); // the same consumer, within the gap: one slice
        activity.leave(3, 3000 + gap + 10, 4000 + gap);
        activity.leave(3, 4000 + 3 * gap, 5000 + 3 * gap); // too far apart: a new slice
        activity.leave(ThreadActivity::kOther, 5000 + 3 * gap, 5500 + 3 * gap); // another kind of work
        activity.leave(3, 5500 + 3 * gap, 6000 + 3 * gap); // the same consumer again, but not consecutive
        const auto slices = activity.slices(0);
        QCOMPARE(slices.size(), std::size_t{4});
        QCOMPARE(slices[0].startNs, std::int64_t{1000});
        QCOMPARE(slices[0].endNs, 4000 + gap);
        QCOMPARE(slices[0].consumer, 3);
        QCOMPARE(slices[1].startNs, 4000 + 3 * gap);
        QCOMPARE(slices[2].consumer, ThreadActivity::kOther);
        QCOMPARE(slices[3].consumer, 3);
        // Busy time is the bodies' own time: the gaps a merged slice spans are not in it.
        QCOMPARE(activity.busyNs(), std::uint64_t{1000 + 1000 + 990 + 1000 + 500 + 500});
        // A slice that would start before the previous one ended (a clock step) starts where it ended.
        activity.leave(4, 100, 200);
        QCOMPARE(activity.slices(0).back().startNs, 6000 + 3 * gap);
    }

    void testRingBusyTimeCountsABodyInProgress()
    {
        ThreadActivity activity(16);
        QVERIFY(ThreadActivity::current() == nullptr); // a thread records nothing until bound
        const std::int64_t start = nowNs() - 5'000'000;
        activity.enter(start);
        QVERIFY(activity.busyNs() >= 5'000'000); // counted before the body ends
        QVERIFY(activity.slices(0).empty()); // but a slice appears only when it ends
        activity.leave(7, start, start + 1'000'000);
        QCOMPARE(activity.busyNs(), std::uint64_t{1'000'000});
        QCOMPARE(activity.slices(0).size(), std::size_t{1});
    }

    void testRingReaderNeverSeesATornSlice()
    {
        // One writer as fast as it can go, wrapping a small ring many times; readers must only ever see whole
        // slices, in order. (Run under ThreadSanitizer by the tsan preset.)
        ThreadActivity activity(64);
        std::atomic<bool> done{false};
        constexpr std::int64_t kSlices = 2'000'000;
        std::thread writer([&] {
            ThreadActivity::bind(&activity);
            for (std::int64_t i = 0; i < kSlices; ++i)
                ThreadActivity::current()->leave(static_cast<int>(i % 97), i * 10, i * 10 + 5);
            ThreadActivity::bind(nullptr);
            done = true;
        });
        int reads = 0;
        QString problem;
        while ((!done || reads == 0) && problem.isEmpty()) {
            const auto slices = activity.slices(0);
            ++reads;
            std::int64_t previousEnd = -1;
            for (const auto &s : slices) {
                if (s.consumer != static_cast<int>((s.startNs / 10) % 97) || s.endNs != s.startNs + 5
                    || s.startNs <= previousEnd) {
                    problem = QStringLiteral("torn or out of order: %1..%2 consumer %3 after %4")
                                  .arg(s.startNs)
                                  .arg(s.endNs)
                                  .arg(s.consumer)
                                  .arg(previousEnd);
                    break;
                }
                previousEnd = s.endNs;
            }
        }
        writer.join();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(reads > 0);
        const auto last = activity.slices(0);
        QCOMPARE(last.size(), std::size_t{64});
        QCOMPARE(last.back().startNs, (kSlices - 1) * 10);
        QCOMPARE(activity.busyNs(), static_cast<std::uint64_t>(kSlices * 5));
    }

    void testCpuBoundWorkKeepsExecutorsBusy()
    {
        PipelineConfig config;
        config.consumers = 8;
        config.workUs = 200;
        config.rate.reset(); // unthrottled: the consumers are the bottleneck
        Engine engine(config);
        QVERIFY(engine.start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine.latest() && engine.latest()->elapsedS > 1.6, 10000);
        const auto s = engine.latest();
        const auto recent = recentUtilisation(engine);
        engine.stop(StopMode::Now);

        QVERIFY(executorsIn(*s) >= 1);
        double executorSum = 0;
        for (const auto &t : s->threads) {
            if (t.kind != ThreadSample::Kind::Executor)
                continue;
            executorSum += recent.at(t.name);
            QVERIFY2(t.utilisationRun > 0.5,
                qPrintable(
                    QStringLiteral("%1 over the run: %2").arg(QString::fromStdString(t.name)).arg(t.utilisationRun)));
            bool sawConsumer = false;
            for (const auto &slice : t.recent)
                sawConsumer = sawConsumer || slice.consumer >= 0;
            QVERIFY2(sawConsumer, t.name.c_str());
        }
        const double mean = executorSum / executorsIn(*s);
        QVERIFY2(mean > 0.5, qPrintable(QString::number(mean)));
        const auto problem = sliceProblem(*s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // Named and ordered: executors first, then the producer.
        QCOMPARE(s->threads.front().name, std::string("executor 0"));
        QCOMPARE(s->threads.back().name, std::string("producer 0"));
        QVERIFY(s->threads.back().kind == ThreadSample::Kind::Producer);
        QVERIFY(s->threads.back().running);
    }

    void testIoBoundWorkLeavesThreadsFree()
    {
#if defined(__SANITIZE_THREAD__)
        QSKIP("asserts how fast the engine runs, and ThreadSanitizer slows it 5-15 times (the tsan preset)");
#endif
        // 256 consumers, each waiting 20 ms on I/O per event: they can finish 12,800 events/s together, and the
        // producer offers 20,000, so most of them hold queued work at any time. The waits park no thread.
        PipelineConfig config;
        config.consumers = 256;
        config.ioUs = 20000;
        config.workUs = 0;
        config.rate = 20000;
        config.maxInFlight = 20000;
        Engine engine(config);
        QVERIFY(engine.start().empty());
        const auto queued = [&] {
            const auto s = engine.latest();
            int n = 0;
            if (s) {
                for (const auto &c : s->consumers)
                    n += c.queueDepth > 0 ? 1 : 0;
            }
            return n;
        };
        QTRY_VERIFY_WITH_TIMEOUT(engine.latest() && engine.latest()->elapsedS > 1.6 && queued() >= 128, 15000);
        const auto s = engine.latest();
        const auto recent = recentUtilisation(engine);
        engine.stop(StopMode::Now);

        QVERIFY2(s->processedPerSec > 5000, qPrintable(QString::number(s->processedPerSec))); // work gets done
        QVERIFY(s->threads.size() >= 2);
        for (const auto &t : s->threads) {
            QVERIFY2(recent.at(t.name) < 0.3,
                qPrintable(QStringLiteral("%1: %2").arg(QString::fromStdString(t.name)).arg(recent.at(t.name))));
            QVERIFY2(t.utilisationRun < 0.3,
                qPrintable(
                    QStringLiteral("%1: %2 over the run").arg(QString::fromStdString(t.name)).arg(t.utilisationRun)));
        }
        int consumersSeen = 0;
        for (const auto &t : s->threads) {
            for (const auto &slice : t.recent)
                consumersSeen += slice.consumer >= 0 ? 1 : 0;
        }
        QVERIFY2(consumersSeen > 1000, qPrintable(QString::number(consumersSeen))); // many short bodies ran
        const auto problem = sliceProblem(*s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void testOnlyTheNewestSnapshotCarriesSlices()
    {
        PipelineConfig config;
        config.rate = 20000;
        Engine engine(config);
        QVERIFY(engine.start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine.history().size() >= 5, 10000);
        engine.stop(StopMode::Drain);
        const auto history = engine.history();
        std::size_t older = 0;
        for (std::size_t i = 0; i + 1 < history.size(); ++i) {
            QVERIFY(!history[i]->threads.empty()); // the figures stay
            for (const auto &t : history[i]->threads)
                older += t.recent.size();
        }
        QCOMPARE(older, std::size_t{0});
        // The final snapshot: every thread stopped, the slices of the last moments still there.
        const auto &last = *history.back();
        std::size_t slices = 0;
        for (const auto &t : last.threads) {
            QVERIFY(!t.running);
            slices += t.recent.size();
        }
        QVERIFY(slices > 0);
    }
};

QTEST_GUILESS_MAIN(TestSchedulers)
#include "tst_schedulers.moc"
