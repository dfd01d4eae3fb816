// SPDX-License-Identifier: MIT
// The engine's lifetime: what is destroyed when, who may still touch it, and the order of start, reconfigure
// and stop. Several of these only show their bug under AddressSanitizer (the dev-asan preset), which reports a
// use of a destroyed EngineContext (see LifetimeCanary) or of a freed consumer.
#include "core/engine.h"
#include "ledger.h"

#include <QTest>

#include <chrono>
#include <new>
#include <thread>

using namespace beam;
using namespace std::chrono_literals;

namespace {

/// An outcome sink that throws std::bad_alloc instead of recording every `every`-th outcome, `times` times:
/// an exception thrown from inside a consumer's node body, past its attempt boundary. A thrown record did not
/// happen (the event has no outcome yet).
class ThrowingLedger : public beam::test::Ledger
{
public:
    ThrowingLedger(int every, int times)
        : m_every(every)
        , m_left(times)
    { }
    void record(int consumer, const Event &event, Outcome outcome) override
    {
        if (outcome != Outcome::Dropped && m_left.load() > 0 && m_calls.fetch_add(1) % m_every == m_every - 1) {
            m_left.fetch_sub(1);
            m_thrown.fetch_add(1);
            throw std::bad_alloc();
        }
        Ledger::record(consumer, event, outcome);
    }
    [[nodiscard]] int thrown() const { return m_thrown.load(); }

private:
    const int m_every;
    std::atomic<int> m_left;
    std::atomic<int> m_calls{0};
    std::atomic<int> m_thrown{0};
};

} // namespace

class TestLifetime : public QObject
{
    Q_OBJECT

private slots:
    /// Producers stopped by a reconfiguration stay in the engine (their counts stay in the totals); destroying
    /// the engine destroys them too, and each one's destructor wakes the context's admission. Under ASan the
    /// context is poisoned when destroyed: a producer that outlives it is reported here.
    void testProducersGoBeforeTheContext()
    {
        PipelineConfig config;
        config.producers = 3;
        config.consumers = 2;
        config.rate = 2000;
        auto engine = std::make_unique<Engine>(config);
        QVERIFY(engine->start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine->sampleNow()->produced > 100, 5000);
        config.producers = 1;
        QVERIFY(engine->reconfigure(config).empty());
        engine->stop(StopMode::Drain);
        QVERIFY(engine->latest()->lost == 0);
        engine.reset(); // the destructor the bug was in
    }

    void testCrashWhileConsumersAreAdded_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<int>("maxRestarts");
        QTest::newRow("one_for_all") << int(RestartStrategy::OneForAll) << 1'000'000;
        QTest::newRow("rest_for_one") << int(RestartStrategy::RestForOne) << 1'000'000;
        QTest::newRow("escalation") << int(RestartStrategy::OneForOne) << 1;
    }

    /// A crash that reaches the supervisor while reconfigure() adds consumers: one_for_all and rest_for_one stop
    /// every sibling the supervisor counts, and so does an escalation. Before the fix the supervisor counted the
    /// new consumers before they existed and stopped a null one. A stress loop: crashes arrive all the time,
    /// and each round adds 255 consumers at once.
    void testCrashWhileConsumersAreAdded()
    {
        QFETCH(int, strategy);
        QFETCH(int, maxRestarts);
        for (int round = 0; round < 12; ++round) {
            PipelineConfig config;
            config.producers = 2;
            config.consumers = 1;
            config.rate.reset();
            config.maxInFlight = 4000;
            config.crashRate = 0.3;
            config.workUs = 1; // no producer runs the graph itself: this test is not about that (see below)
            config.maxAttempts = 100;
            config.strategy = RestartStrategy(strategy);
            config.maxRestarts = maxRestarts;
            config.topMaxRestarts = 1'000'000;
            config.onEscalation = EscalationPolicy::Restart;
            config.seed = static_cast<std::uint64_t>(round + 1);
            Engine engine(config);
            QVERIFY(engine.start().empty());
            QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->crashesRandom > 0, 20000);
            config.consumers = PipelineConfig::kMaxConsumers;
            QVERIFY(engine.reconfigure(config).empty());
            std::this_thread::sleep_for(20ms);
            engine.stop(StopMode::Now);
            QCOMPARE(engine.latest()->lost, std::int64_t{0});
        }
    }

    /// Puts from outside the graph after stop(): kill and hang from the control thread, the watchdog. Before the
    /// fix they put a task into a graph nobody ran any more; ~graph() ran it after the consumers were freed
    /// (under ASan: heap-use-after-free). Now the put gate refuses them.
    void testNoPutAfterStop()
    {
        PipelineConfig config;
        config.consumers = 4;
        config.rate = 5000;
        config.ioUs = 200;
        auto engine = std::make_unique<Engine>(config);
        QVERIFY(engine->start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine->sampleNow()->processed > 100, 5000);
        engine->stop(StopMode::Drain);
        for (int i = 0; i < 4; ++i) {
            engine->killConsumer(i);
            engine->hangConsumer(i);
        }
        const auto s = engine->sampleNow();
        QCOMPARE(s->crashesKilled, std::uint64_t{0});
        QCOMPARE(s->lost, std::int64_t{0});
        engine.reset();
    }

    /// Stops while timers are pending (I/O waits in progress, delayed restarts after crashes): stop() runs them
    /// while the graph still runs, then shuts the timer service down before the graph's last wait.
    void testStopWithTimersPending()
    {
        for (int round = 0; round < 10; ++round) {
            PipelineConfig config;
            config.consumers = 8;
            config.rate.reset();
            config.maxInFlight = 2000;
            config.ioUs = 2000;
            config.crashRate = 0.01;
            config.backoffMinMs = 50;
            config.backoffMaxMs = 200;
            config.maxRestarts = 1'000'000;
            config.hangTimeoutMs = 10;
            config.intervalMs = 10;
            config.seed = static_cast<std::uint64_t>(round + 1);
            Engine engine(config);
            QVERIFY(engine.start().empty());
            QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->crashesRandom + engine.sampleNow()->crashesHang > 0, 20000);
            engine.stop(round % 2 == 0 ? StopMode::Now : StopMode::Drain);
            const auto problem = beam::test::conservationProblem(*engine.latest());
            QVERIFY2(problem.empty(), problem.c_str());
        }
    }

    /// The engine side: requestStopNow() ends a drain in progress; what was in flight is abandoned and counted.
    void testRequestStopNowEndsADrain()
    {
        PipelineConfig config;
        config.consumers = 1;
        config.workUs = 2000;
        config.rate = 100000;
        config.maxInFlight = 5000;
        Engine engine(config);
        QVERIFY(engine.start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->inFlight > 1000, 10000);
        std::thread drain([&engine] { engine.stop(StopMode::Drain, std::chrono::seconds(30)); });
        QTRY_VERIFY_WITH_TIMEOUT(engine.state() == EngineState::Draining, 5000);
        const auto from = std::chrono::steady_clock::now();
        engine.requestStopNow();
        drain.join();
        QVERIFY2(std::chrono::steady_clock::now() - from < 3s, "the drain did not stop now");
        const auto s = engine.latest();
        QVERIFY(s->state == EngineState::Stopped);
        QVERIFY(s->abandoned > 0);
        QCOMPARE(s->lost, std::int64_t{0});
        QCOMPARE(s->produced, s->processed + s->deadLettered + s->dropped + s->abandoned);
    }

    void testExceptionInANodeBody_data()
    {
        QTest::addColumn<int>("ioUs");
        QTest::addColumn<double>("faultRate");
        QTest::newRow("plain") << 0 << 0.0;
        QTest::newRow("faults") << 0 << 0.2;
        QTest::newRow("I/O and faults") << 200 << 0.2;
    }

    /// A std::bad_alloc thrown inside a consumer's body, past the attempt boundary. Before the fix oneTBB
    /// rethrew it on an executor thread with no handler: std::terminate. Now the body catches it: a crash of
    /// that consumer (cause exception), counted; the engine keeps running and every event still ends exactly
    /// once (the ledger checks ids), processed or dead-lettered.
    void testExceptionInANodeBody()
    {
        QFETCH(int, ioUs);
        QFETCH(double, faultRate);
        PipelineConfig config;
        config.producers = 2;
        config.consumers = 4;
        config.rate = 20000;
        config.maxInFlight = 500;
        config.ioUs = ioUs;
        config.faultRate = faultRate;
        config.maxRestarts = 1'000'000;
        ThrowingLedger ledger(997, 20);
        Engine engine(config);
        engine.setOutcomeSink(&ledger);
        QVERIFY(engine.start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(ledger.thrown() == 20, 20000);
        const auto processed = engine.sampleNow()->processed;
        QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->processed > processed + 1000, 10000); // still running
        engine.stop(StopMode::Drain);
        const auto s = engine.latest();
        QCOMPARE(s->exceptionsCaught, std::uint64_t{20});
        QCOMPARE(s->crashesException, std::uint64_t{20});
        auto problem = beam::test::conservationProblem(*s);
        QVERIFY2(problem.empty(), problem.c_str());
        problem = beam::test::exactlyOnceProblem(ledger, *s);
        QVERIFY2(problem.empty(), problem.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLifetime)
#include "tst_lifetime.moc"
