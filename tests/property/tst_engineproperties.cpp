// SPDX-License-Identifier: MIT
// The whole engine under random configurations and timelines of actions: its invariants (conservation: produced =
// processed + dead-lettered + dropped + in flight; in flight within the bound; one consumer's failure never loses
// an event).
#include "../core/ledger.h"
#include "core/engine.h"

#include <QTest>
#include <rapidcheck.h>

#include <algorithm>
#include <ostream>
#include <thread>

using namespace beam;

namespace beam {
/// How RapidCheck prints a strategy in a counterexample.
inline void showValue(RestartStrategy strategy, std::ostream &os)
{
    os << toString(strategy);
}
} // namespace beam
using namespace std::chrono_literals;

namespace {

enum class ActionKind { Reconfigure, Kill, Pause, AddProducer, RemoveProducer };

struct Action {
    ActionKind kind = ActionKind::Kill;
    int atMs = 0;
    int value = 0;
};

} // namespace

class TestEngineProperties : public QObject
{
    Q_OBJECT

private slots:
    void testInvariantsHoldUnderRandomTimelines()
    {
        const bool ok = rc::check("conservation, exactly once, bound, intensity and order", [] {
            PipelineConfig config;
            config.producers = *rc::gen::inRange(1, 4);
            config.consumers = *rc::gen::inRange(1, 17);
            config.maxInFlight = *rc::gen::element<std::int64_t>(1, 7, 64, 500, 5000);
            config.rate = *rc::gen::element<std::uint64_t>(2000, 20000, 100000);
            config.workUs = *rc::gen::element(0, 0, 0, 5, 20);
            config.ioUs = *rc::gen::element(0, 0, 0, 200);
            config.faultRate = *rc::gen::element(0.0, 0.0, 0.1, 0.3, 0.5);
            config.crashRate = *rc::gen::element(0.0, 0.0, 0.001, 0.01, 0.1, 0.5);
            config.strategy = *rc::gen::element(
                RestartStrategy::OneForOne, RestartStrategy::OneForAll, RestartStrategy::RestForOne);
            config.maxRestarts = *rc::gen::element(0, 3, 50, 100000);
            config.maxSeconds = *rc::gen::element(0.1, 1.0, 5.0);
            config.intervalMs = 10;
            auto actions = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(*rc::gen::inRange(0, 7),
                rc::gen::tuple(rc::gen::inRange(0, 5), rc::gen::inRange(0, 300), rc::gen::inRange(0, 1000)));
            std::sort(actions.begin(), actions.end(),
                [](const auto &a, const auto &b) { return std::get<1>(a) < std::get<1>(b); });

            beam::test::Ledger ledger;
            Engine engine(config);
            engine.setOutcomeSink(&ledger);
            RC_ASSERT(engine.start().empty());
            const auto started = std::chrono::steady_clock::now();
            std::int64_t highestLimit = config.maxInFlight;
            for (const auto &[kind, atMs, value] : actions) {
                std::this_thread::sleep_until(started + std::chrono::milliseconds(atMs));
                PipelineConfig next = engine.config();
                switch (ActionKind(kind)) {
                case ActionKind::Reconfigure:
                    next.consumers = 1 + value % 16;
                    next.maxInFlight
                        = std::array<std::int64_t, 4>{3, 50, 800, 4000}[static_cast<std::size_t>(value % 4)];
                    next.rate = std::uint64_t(1000 + value * 97);
                    highestLimit = std::max(highestLimit, next.maxInFlight);
                    RC_ASSERT(engine.reconfigure(next).empty());
                    break;
                case ActionKind::Kill:
                    engine.killConsumer(value % next.consumers);
                    break;
                case ActionKind::Pause:
                    engine.pause();
                    std::this_thread::sleep_for(20ms);
                    engine.resume();
                    break;
                case ActionKind::AddProducer:
                    next.producers = std::min(4, next.producers + 1);
                    RC_ASSERT(engine.reconfigure(next).empty());
                    break;
                case ActionKind::RemoveProducer:
                    next.producers = std::max(1, next.producers - 1);
                    RC_ASSERT(engine.reconfigure(next).empty());
                    break;
                }
            }
            std::this_thread::sleep_until(started + 350ms);
            engine.stop(StopMode::Drain, 5s);
            const auto final = engine.latest();

            for (const auto &s : engine.history()) {
                // The ledger adds up in every snapshot, read in one cut, never clamped; and the limiter_node's
                // count is the events in flight up to its threshold.
                RC_ASSERT(s->lost == 0);
                RC_ASSERT(s->limiterCount == std::min(s->inFlight, s->limit));
                for (const auto &sup : s->supervisors)
                    RC_ASSERT(sup.restartsInWindow <= sup.maxRestarts); // never more restarts than allowed
            }
            const auto conservation = beam::test::conservationProblem(*final);
            RC_ASSERT(conservation.empty());
            const auto once = beam::test::exactlyOnceProblem(ledger, *final);
            RC_ASSERT(once.empty()); // every produced id has exactly one final outcome
            RC_ASSERT(final->maxInFlightObserved <= highestLimit); // the bound under back-pressure
            RC_ASSERT(ledger.orderViolations == 0); // per-key order among events that never failed
            if (final->gaveUp)
                RC_ASSERT(final->escalations > 0);
        });
        QVERIFY(ok);
    }

    void testBoundHoldsWhileTheLimitMoves()
    {
        // The limit moves at random while events flow, often below what is already in flight. Between two
        // snapshots, in flight may only rise up to the limit in force (before or after the one change between
        // them) or stay under what was already in flight: nothing is admitted over the bound, under back-pressure
        // and drop alike. Unbounded only promises conservation. Every policy ends with the limiter's count at 0.
        const bool ok = rc::check("the bound holds through limit changes, every policy", [] {
            PipelineConfig config;
            config.producers = *rc::gen::inRange(1, 4);
            config.consumers = *rc::gen::inRange(1, 9);
            config.overload
                = *rc::gen::element(OverloadPolicy::Backpressure, OverloadPolicy::Drop, OverloadPolicy::Unbounded);
            config.maxInFlight = *rc::gen::element<std::int64_t>(1, 8, 100, 2000);
            config.rate = *rc::gen::element<std::uint64_t>(5000, 50000, 200000);
            config.workUs = *rc::gen::element(0, 0, 2, 20);
            config.ioUs = *rc::gen::element(0, 0, 100);
            config.faultRate = *rc::gen::element(0.0, 0.0, 0.2);
            config.intervalMs = 10;
            const auto limits = *rc::gen::container<std::vector<std::int64_t>>(
                *rc::gen::inRange(1, 8), rc::gen::element<std::int64_t>(1, 3, 20, 150, 1000, 5000));

            beam::test::Ledger ledger;
            Engine engine(config);
            engine.setOutcomeSink(&ledger);
            RC_ASSERT(engine.start().empty());
            for (const std::int64_t limit : limits) {
                std::this_thread::sleep_for(15ms); // let in flight build up under the limit in force
                engine.sampleNow();
                PipelineConfig next = engine.config();
                next.maxInFlight = limit;
                RC_ASSERT(engine.reconfigure(next).empty());
                engine.sampleNow();
            }
            std::this_thread::sleep_for(15ms);
            engine.stop(StopMode::Drain, 5s);
            const auto history = engine.history();
            if (config.overload != OverloadPolicy::Unbounded) {
                for (std::size_t i = 1; i < history.size(); ++i) {
                    const Snapshot &before = *history[i - 1];
                    const Snapshot &s = *history[i];
                    RC_ASSERT(s.inFlightHigh <= std::max({before.limit, s.limit, before.inFlight}));
                }
            }
            for (const auto &s : history) {
                // The limiter_node's own count is the events admitted and not yet finished, up to its threshold
                // (just after the bound fell below what was in flight it holds the threshold until enough end),
                // and the ledger adds up in every snapshot.
                RC_ASSERT(s->limiterCount == std::min(s->inFlight, s->limit));
                if (config.overload != OverloadPolicy::Unbounded)
                    RC_ASSERT(s->limiterCountMax <= std::max<std::int64_t>(5000, config.maxInFlight));
                RC_ASSERT(s->lost == 0);
            }
            const auto final = engine.latest();
            RC_ASSERT(
                beam::test::conservationProblem(*final, config.overload == OverloadPolicy::Drop) == std::string());
            RC_ASSERT(beam::test::exactlyOnceProblem(ledger, *final) == std::string());
            RC_ASSERT(final->limiterCount == 0); // every admitted event went back to the limiter
        });
        QVERIFY(ok);
    }
};

QTEST_GUILESS_MAIN(TestEngineProperties)
#include "tst_engineproperties.moc"
