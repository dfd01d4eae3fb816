// SPDX-License-Identifier: MIT
// The GraphRunner (core/graphrunner.h): who runs the graph's tasks, and that a burst reaches every core.
#include "core/engine.h"

#include <QTest>

#include <map>
#include <string>

using namespace beam;

namespace {

/// Seconds each executor thread spent in node bodies since it started (its run's utilisation times its life,
/// which began within a millisecond of the run).
std::map<std::string, double> executorBusyS(const Snapshot &s)
{
    std::map<std::string, double> busy;
    for (const auto &t : s.threads) {
        if (t.kind == ThreadSample::Kind::Executor)
            busy[t.name] = t.utilisationRun * s.elapsedS;
    }
    return busy;
}

} // namespace

class TestGraphRunner : public QObject
{
    Q_OBJECT

private slots:
    /// One batch of 1,024 CPU-bound events (200 us each) over 8 consumers, arriving while both executor threads
    /// sleep: the router, on the executor thread the producer woke, splits it into 8 parts, and the consumer
    /// tasks it spawns sit in that thread's pool. Before the router told the runner about its fan-out
    /// (GraphRunner::fannedOut()), nothing woke the other executor thread, and the whole burst ran on one core
    /// (measured: executor 1 busy 0% of the burst). Asserted from the threads' busy time, not from timings: each
    /// executor thread is busy for more than a quarter of the burst's wall time (ideal: a half).
    void testFanOutWakesAnIdleExecutor()
    {
        PipelineConfig config;
        config.consumers = 8;
        config.workUs = 200;
        config.rate = 1; // one event at once, then one a second: the run starts quiet
        Engine engine(config);
        QVERIFY(engine.start().empty());
        const auto started = engine.sampleNow();
        int executors = 0;
        for (const auto &t : started->threads)
            executors += t.kind == ThreadSample::Kind::Executor ? 1 : 0;
        if (executors < 2)
            QSKIP("one executor thread: nothing to spread a burst over");
        // Quiet: the first event done and every executor thread asleep.
        QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->processed >= 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->handover.sleepingNow == executors, 10000);

        // The burst: no rate, and an unbounded policy with the smallest safety cap (the limiter's threshold), so
        // the producer offers one batch of 1,024 events (the largest), the limiter lets through all but those
        // over the cap, and the producer stops there until the run ends.
        const auto before = engine.sampleNow();
        PipelineConfig burst = config;
        burst.rate.reset();
        burst.overload = OverloadPolicy::Unbounded;
        burst.safetyCap = PipelineConfig::kMinSafetyCap;
        QVERIFY(engine.reconfigure(burst).empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->safetyCapHit, 10000);
        QVERIFY(engine.sampleNow()->produced >= before->produced + 900);
        QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->inFlight == 0, 30000);
        const auto after = engine.sampleNow();
        engine.stop();

        const double wallS = after->elapsedS - before->elapsedS;
        const auto busyBefore = executorBusyS(*before);
        const auto busyAfter = executorBusyS(*after);
        QString report = QStringLiteral("burst of %1 events, %2 s wall:")
                             .arg(after->produced - before->produced)
                             .arg(wallS, 0, 'f', 3);
        for (const auto &[name, busyS] : busyAfter)
            report += QStringLiteral(" %1 busy %2 s;")
                          .arg(QString::fromStdString(name))
                          .arg(busyS - busyBefore.at(name), 0, 'f', 3);
        report += QStringLiteral(" fan-out wakes %1").arg(after->handover.fanOutWakes - before->handover.fanOutWakes);
        qInfo("%s", qPrintable(report));
        for (const auto &[name, busyS] : busyAfter)
            QVERIFY2((busyS - busyBefore.at(name)) > 0.25 * wallS, qPrintable(report));
        QCOMPARE(after->lost, std::int64_t{0});
    }
};

QTEST_GUILESS_MAIN(TestGraphRunner)
#include "tst_graphrunner.moc"
