// SPDX-License-Identifier: MIT
// Fault injection and supervision in the running engine: nothing is lost, whatever fails.
#include "core/engine.h"
#include "ledger.h"

#include <QTest>

#include <atomic>
#include <stdexcept>
#include <thread>

using namespace beam;
using namespace std::chrono_literals;
using beam::test::Ledger;

namespace {

void verifyStoppedClean(Ledger &ledger, const Snapshot &s)
{
    auto problem = beam::test::conservationProblem(s);
    QVERIFY2(problem.empty(), problem.c_str());
    problem = beam::test::exactlyOnceProblem(ledger, s);
    QVERIFY2(problem.empty(), problem.c_str());
}

const SupervisorSample &supervisor(const Snapshot &s, const char *name)
{
    for (const auto &sample : s.supervisors) {
        if (sample.name == name)
            return sample;
    }
    static const SupervisorSample none;
    return none;
}

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT

private slots:
    void testCrashesLoseNothing_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<int>("ioUs");
        QTest::newRow("one_for_one") << int(RestartStrategy::OneForOne) << 0;
        QTest::newRow("one_for_all") << int(RestartStrategy::OneForAll) << 0;
        QTest::newRow("rest_for_one") << int(RestartStrategy::RestForOne) << 0;
        QTest::newRow("one_for_one with I/O") << int(RestartStrategy::OneForOne) << 300;
    }

    void testCrashesLoseNothing()
    {
        QFETCH(int, strategy);
        QFETCH(int, ioUs);
        PipelineConfig config;
        config.rate = 20000;
        config.consumers = 6;
        config.ioUs = ioUs;
        config.maxInFlight = 600;
        config.faultRate = 0.1;
        config.crashRate = 0.01;
        config.strategy = RestartStrategy(strategy);
        config.maxRestarts = 100000; // an intensity that admits the storm: this test is about redelivery
        config.maxSeconds = 1;
        Ledger ledger;
        Engine engine(config);
        engine.setOutcomeSink(&ledger);
        QVERIFY(engine.start().empty());
        std::this_thread::sleep_for(1s);
        engine.stop(StopMode::Drain);
        const auto s = engine.latest();
        verifyStoppedClean(ledger, *s);
        QVERIFY(s->crashesRandom > 10);
        QVERIFY(s->redelivered > 0);
        QCOMPARE(s->escalations, std::uint64_t{0});
        if (RestartStrategy(strategy) == RestartStrategy::OneForOne)
            QCOMPARE(s->restarts, s->crashesRandom); // every crash restarted exactly its own consumer
        else
            QVERIFY(s->restarts > s->crashesRandom); // siblings were restarted with it
        QCOMPARE(supervisor(*s, "consumers").restarts, s->crashesRandom);
        QVERIFY(s->recovery.count > 0);
    }

    void testThreadBoundariesHold_data()
    {
        QTest::addColumn<int>("site");
        QTest::addColumn<bool>("threadFailure"); // reported as a thread's failure (a consumer's is a crash)
        QTest::newRow("producer") << int(FaultSite::ProducerLoop) << true;
        QTest::newRow("timer callback") << int(FaultSite::TimerCallback) << true;
        QTest::newRow("consumer node body") << int(FaultSite::ConsumerBody) << false;
        QTest::newRow("sampler") << int(FaultSite::SamplerLoop) << true;
    }

    void testThreadBoundariesHold()
    {
        // An exception thrown once at each thread boundary: nothing terminates, the failure is reported (a
        // consumer's as a crash its supervisor restarts), and stop(Drain) still completes with nothing lost.
        QFETCH(int, site);
        QFETCH(bool, threadFailure);
        PipelineConfig config;
        config.rate = 20000;
        config.producers = 2;
        config.consumers = 3;
        config.ioUs = 200; // timer callbacks end the I/O waits
        Ledger ledger;
        Engine engine(config);
        engine.setOutcomeSink(&ledger);
        std::atomic<bool> thrown{false};
        engine.setFaultHook([&thrown, site](FaultSite at) {
            if (int(at) == site && !thrown.exchange(true))
                throw std::runtime_error("thrown by the test's hook");
        });
        QVERIFY(engine.start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(thrown.load(), 10000);
        if (threadFailure) {
            QTRY_VERIFY_WITH_TIMEOUT(!engine.failure().empty(), 10000);
            QVERIFY2(QString::fromStdString(engine.failure()).contains(QLatin1String("thrown by the test's hook")),
                engine.failure().c_str());
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->crashesException > 0, 10000);
            QVERIFY(engine.failure().empty());
        }
        const std::uint64_t before = engine.sampleNow()->processed;
        QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->processed > before + 100, 10000); // it keeps running
        engine.stop(StopMode::Drain);
        const auto s = engine.latest();
        QCOMPARE(s->abandoned, std::uint64_t{0}); // drained, not abandoned
        verifyStoppedClean(ledger, *s);
        if (threadFailure) {
            bool logged = false;
            for (const auto &h : engine.history())
                for (const auto &e : h->events)
                    logged = logged || e.kind == EngineEvent::Kind::ThreadFailed;
            QVERIFY(logged);
        }
    }

    void testKillConsumerRestartsIt()
    {
        PipelineConfig config;
        config.consumers = 4;
        config.intervalMs = 20;
        Engine engine(config);
        QVERIFY(engine.start().empty());
        std::this_thread::sleep_for(100ms);
        engine.killConsumer(2);
        engine.killConsumer(99); // out of range: ignored
        QTRY_VERIFY_WITH_TIMEOUT(engine.latest()->crashesKilled == 1 && engine.latest()->restarts == 1, 3000);
        const auto s = engine.sampleNow();
        for (const auto &c : s->consumers) {
            QCOMPARE(QString::fromStdString(c.state), QStringLiteral("running"));
            QCOMPARE(c.restarts, std::uint64_t(c.index == 2 ? 1 : 0));
            QCOMPARE(c.crashesInWindow, c.crashes); // all within the last second
        }
        // The event log says who and why, in order: consumer 2 crashed (killed), then it was restarted; then
        // a change of configuration, from and to.
        PipelineConfig more = config;
        more.consumers = 6;
        QVERIFY(engine.reconfigure(more).empty());
        engine.sampleNow();
        std::vector<EngineEvent> events;
        std::uint64_t sequence = 0;
        for (const auto &snapshot : engine.history()) {
            for (const auto &e : snapshot->events) {
                QVERIFY(e.sequence > sequence); // each once, in order
                sequence = e.sequence;
                events.push_back(e);
            }
        }
        QCOMPARE(events.size(), std::size_t{3});
        QCOMPARE(int(events[0].kind), int(EngineEvent::Kind::Crash));
        QCOMPARE(events[0].consumer, 2);
        QCOMPARE(QString::fromStdString(events[0].what), QStringLiteral("killed"));
        QCOMPARE(int(events[1].kind), int(EngineEvent::Kind::Restart));
        QCOMPARE(events[1].consumer, 2);
        QVERIFY(events[1].atS >= events[0].atS);
        QCOMPARE(int(events[2].kind), int(EngineEvent::Kind::Configuration));
        QCOMPARE(QString::fromStdString(events[2].what), QStringLiteral("consumers 4 → 6"));
        engine.stop();
        QVERIFY(beam::test::conservationProblem(*engine.latest()).empty());
    }

    void testEventLogKeepsTheNewestInOrder()
    {
        EventLog log;
        QCOMPARE(log.last(), std::uint64_t{0});
        QVERIFY(log.since(0).empty());
        for (std::size_t i = 0; i < EventLog::kCapacity + 10; ++i)
            log.append({0, static_cast<double>(i), EngineEvent::Kind::Restart, static_cast<int>(i % 8), {}});
        QCOMPARE(log.last(), std::uint64_t{EventLog::kCapacity + 10});
        const auto all = log.since(0);
        QCOMPARE(all.size(), EventLog::kCapacity); // the oldest ten are forgotten
        QCOMPARE(all.front().sequence, std::uint64_t{11});
        const auto tail = log.since(log.last() - 3);
        QCOMPARE(tail.size(), std::size_t{3});
        QCOMPARE(tail.back().sequence, log.last());
        const auto newest = log.since(0, 2); // a limit keeps the newest
        QCOMPARE(newest.size(), std::size_t{2});
        QCOMPARE(newest.back().sequence, log.last());
        QVERIFY(log.since(log.last()).empty());
    }

    void testHangIsDetectedAndRestarted()
    {
        PipelineConfig config;
        config.rate = 5000;
        config.consumers = 3;
        config.hangTimeoutMs = 100;
        config.intervalMs = 20;
        Ledger ledger;
        Engine engine(config);
        engine.setOutcomeSink(&ledger);
        QVERIFY(engine.start().empty());
        std::this_thread::sleep_for(100ms);
        engine.hangConsumer(1);
        QTRY_VERIFY_WITH_TIMEOUT(engine.latest()->crashesHang >= 1, 3000);
        QTRY_VERIFY_WITH_TIMEOUT(engine.latest()->restarts >= 1, 3000);
        engine.stop();
        verifyStoppedClean(ledger, *engine.latest());
        QCOMPARE(engine.latest()->crashesKilled, std::uint64_t{0});
    }

    void testPoisonKeyEndsDeadLettered()
    {
        PipelineConfig config;
        config.rate = 20000;
        config.poisonKey = 7;
        Ledger ledger;
        Engine engine(config);
        engine.setOutcomeSink(&ledger);
        QVERIFY(engine.start().empty());
        std::this_thread::sleep_for(800ms);
        engine.stop();
        const auto s = engine.latest();
        verifyStoppedClean(ledger, *s);
        QVERIFY(s->deadLettered > 0);
        std::lock_guard lock(ledger.mutex);
        for (const auto &[id, entry] : ledger.outcomes)
            QCOMPARE(entry.outcome == Outcome::DeadLettered, entry.key == 7u);
        const auto letters = engine.deadLetters();
        QCOMPARE(letters.size(), std::size_t(s->deadLettered));
        for (const auto &letter : letters) {
            QCOMPARE(letter.key, 7u);
            QCOMPARE(letter.attempts, 3);
            QCOMPARE(QString::fromStdString(letter.reason), QStringLiteral("poison key"));
        }
    }

    void testDeadLetterQueueKeepsTheLastThousand()
    {
        PipelineConfig config;
        config.rate = 20000;
        config.faultRate = 1.0;
        config.maxAttempts = 2;
        Engine engine(config);
        QVERIFY(engine.start().empty());
        std::this_thread::sleep_for(500ms);
        engine.stop();
        const auto s = engine.latest();
        QVERIFY(beam::test::conservationProblem(*s).empty());
        QCOMPARE(s->processed, std::uint64_t{0});
        QVERIFY(s->deadLettered > 1000);
        const auto letters = engine.deadLetters();
        QCOMPARE(letters.size(), DeadLetterQueue::kCapacity);
        QCOMPARE(letters.back().attempts, 2);
    }

    void testSlowConsumerPushesBack()
    {
        PipelineConfig config;
        config.rate.reset();
        config.consumers = 4;
        config.workUs = 5;
        config.maxInFlight = 400;
        config.slowConsumer = SlowConsumer{0, 50};
        Engine engine(config);
        QVERIFY(engine.start().empty());
        std::this_thread::sleep_for(800ms);
        const auto s = engine.sampleNow();
        engine.stop();
        QVERIFY(beam::test::conservationProblem(*engine.latest()).empty());
        // The slow consumer holds most of what is in flight, and the producer is held back.
        const auto slow
            = std::find_if(s->consumers.begin(), s->consumers.end(), [](const auto &c) { return c.index == 0; });
        QVERIFY(slow != s->consumers.end());
        QVERIFY2(slow->queueDepth > s->inFlight / 2,
            qPrintable(QStringLiteral("%1 of %2").arg(slow->queueDepth).arg(s->inFlight)));
        double peakPressure = 0;
        for (const auto &h : engine.history())
            peakPressure = std::max(peakPressure, h->backpressureRatio);
        QVERIFY2(peakPressure > 0.3, qPrintable(QString::number(peakPressure)));
    }

    void testCrashStormEscalatesAndStopsClean_data()
    {
        QTest::addColumn<int>("onEscalation");
        QTest::newRow("stop") << int(EscalationPolicy::Stop);
        QTest::newRow("restart once") << int(EscalationPolicy::Restart);
    }

    void testCrashStormEscalatesAndStopsClean()
    {
        QFETCH(int, onEscalation);
        PipelineConfig config;
        config.rate = 20000;
        config.crashRate = 0.2; // far beyond 3 restarts in 5 s
        config.onEscalation = EscalationPolicy(onEscalation);
        Ledger ledger;
        Engine engine(config);
        engine.setOutcomeSink(&ledger);
        QVERIFY(engine.start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine.gaveUp(), 5000);
        std::this_thread::sleep_for(100ms);
        const auto held = engine.sampleNow()->produced;
        std::this_thread::sleep_for(100ms);
        QCOMPARE(engine.sampleNow()->produced, held); // producers are held once nobody can consume
        engine.stop(StopMode::Drain);
        const auto s = engine.latest();
        verifyStoppedClean(ledger, *s);
        QVERIFY(s->gaveUp);
        QCOMPARE(QString::fromStdString(supervisor(*s, "pipeline").state), QStringLiteral("gave_up"));
        QVERIFY(QString::fromStdString(engine.notice()).contains(QLatin1String("gave up")));
        // Giving up is logged once, with the reason the notice gives.
        int gaveUpEvents = 0;
        for (const auto &snapshot : engine.history()) {
            for (const auto &e : snapshot->events)
                gaveUpEvents += e.kind == EngineEvent::Kind::GaveUp ? 1 : 0;
        }
        QCOMPARE(gaveUpEvents, 1);
        // The consumers supervisor never restarted more than its intensity allows inside one window.
        QVERIFY(supervisor(*s, "consumers").restartsInWindow <= config.maxRestarts);
        if (EscalationPolicy(onEscalation) == EscalationPolicy::Stop) {
            QCOMPARE(s->escalations, std::uint64_t{4 + 1}); // 4 consumer escalations, then the top gave up
            QCOMPARE(s->pipelineRestarts, std::uint64_t{3});
        } else {
            QVERIFY(s->escalations > 5);
            QCOMPARE(s->pipelineRestarts, std::uint64_t{3 + 1 + 3});
        }
    }
};

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
