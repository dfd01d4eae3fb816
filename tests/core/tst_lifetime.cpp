// SPDX-License-Identifier: MIT
// The engine's lifetime: what is destroyed when, who may still touch it, and the order of start, reconfigure
// and stop. Several of these only show their bug under AddressSanitizer (the dev-asan preset), which reports a
// use of a destroyed EngineContext (see LifetimeCanary) or of a freed consumer.
#include "core/engine.h"
#include "core/graphrunner.h"
#include "ledger.h"

#include <oneapi/tbb/flow_graph.h>

#include <QTest>

#include <atomic>
#include <chrono>
#include <new>
#include <thread>
#include <vector>

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

    /// Work put in and notify()d before the executor's threads run is still run, with no later notify(). Before
    /// the fix each thread read the notify counter as it began, so a notify() made before that was already
    /// "seen" and the thread slept; a producer that runs its batches inline never notifies, and a run of a
    /// crash storm (1 in 8 here) processed nothing at all. Started here before the threads exist, so it fails
    /// every time without the fix.
    void testWorkBeforeTheThreadsStartIsRun()
    {
        GraphRunner executor(2, {});
        std::unique_ptr<tbb::flow::graph> graph;
        executor.arena().execute([&] { graph = std::make_unique<tbb::flow::graph>(executor.concurrentWaitContext()); });
        std::atomic<int> done{0};
        tbb::flow::function_node<int> node(*graph, tbb::flow::serial, [&](int) { done.fetch_add(1); });
        node.try_put(1);
        executor.notify();
        tbb::flow::broadcast_node<Batch *> entry(*graph); // nothing is submitted
        executor.start(*graph, entry);
        QTRY_COMPARE_WITH_TIMEOUT(done.load(), 1, 5000);
        executor.stop();
        executor.runUntilIdle();
    }

    /// oneTBB's graph::wait_for_all() writes fields of the graph that are not atomic: only one thread at a time
    /// may call it. Before the fix every executor thread called it (and a producer running the graph too); now
    /// one thread owns the wait and the others help by waiting on a task group of their own. They still run
    /// graph tasks side by side.
    void testOneGraphWaiterAtATime()
    {
        constexpr int kThreads = 4;
        GraphRunner executor(kThreads, {});
        std::unique_ptr<tbb::flow::graph> graph;
        executor.arena().execute([&] { graph = std::make_unique<tbb::flow::graph>(executor.concurrentWaitContext()); });
        std::atomic<int> running{0};
        std::atomic<int> runningHigh{0};
        std::atomic<int> done{0};
        tbb::flow::function_node<int> node(*graph, tbb::flow::unlimited, [&](int) {
            const int now = running.fetch_add(1) + 1;
            for (int high = runningHigh.load(); now > high && !runningHigh.compare_exchange_weak(high, now);) { }
            const auto until = std::chrono::steady_clock::now() + 50us;
            while (std::chrono::steady_clock::now() < until) { }
            running.fetch_sub(1);
            done.fetch_add(1);
        });
        tbb::flow::broadcast_node<Batch *> entry(*graph); // nothing is submitted
        executor.start(*graph, entry);
        constexpr int kPutters = 3;
        constexpr int kPuts = 4000;
        std::vector<std::thread> putters;
        for (int p = 0; p < kPutters; ++p) {
            putters.emplace_back([&] {
                for (int i = 0; i < kPuts; ++i) {
                    node.try_put(i);
                    executor.notify();
                    if (i % 64 == 0)
                        std::this_thread::sleep_for(200us); // let the graph go idle now and then
                }
            });
        }
        for (auto &putter : putters)
            putter.join();
        QTRY_COMPARE_WITH_TIMEOUT(done.load(), kPutters * kPuts, 20000);
        executor.stop();
        executor.runUntilIdle();
        QCOMPARE(executor.graphWaitersHigh(), 1);
        QVERIFY2(runningHigh.load() >= 2, "helping threads ran no graph task beside the owner");
        QCOMPARE(executor.escapedExceptions(), std::uint64_t{0});
    } // the node goes first, then the graph, then the executor

    /// A producer that finds the graph idle runs its own batch itself. Before the fix it ran the graph until
    /// the *whole* graph was idle: under a crash storm (rest_for_one over 256 consumers) that is never, so it
    /// stopped pacing and reconfigure() and stop(), which join producers, waited for ever. Now it runs only the
    /// tasks its batch made.
    void testInlineRunIsBounded()
    {
        PipelineConfig config;
        config.producers = 2;
        config.consumers = PipelineConfig::kMaxConsumers;
        config.rate.reset();
        config.maxInFlight = 4000;
        config.crashRate = 0.3;
        config.maxAttempts = 100;
        config.strategy = RestartStrategy::RestForOne;
        config.maxRestarts = 1'000'000;
        Engine engine(config);
        QVERIFY(engine.start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine.sampleNow()->restarts > 1000, 20000);
        const auto before = std::chrono::steady_clock::now();
        config.producers = 1;
        QVERIFY(engine.reconfigure(config).empty());
        const auto joined = std::chrono::steady_clock::now() - before;
        QVERIFY2(joined < 2s, "reconfigure() waited for a producer running the graph");
        const auto stopFrom = std::chrono::steady_clock::now();
        engine.stop(StopMode::Now);
        QVERIFY2(std::chrono::steady_clock::now() - stopFrom < 10s, "stop() waited for a producer running the graph");
        QCOMPARE(engine.latest()->lost, std::int64_t{0});
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
        // What the screen and the report call "crashes" counts them too.
        QCOMPARE(s->crashes(), s->crashesRandom + s->crashesKilled + s->crashesHang + std::uint64_t{20});
        auto problem = beam::test::conservationProblem(*s);
        QVERIFY2(problem.empty(), problem.c_str());
        problem = beam::test::exactlyOnceProblem(ledger, *s);
        QVERIFY2(problem.empty(), problem.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLifetime)
#include "tst_lifetime.moc"
