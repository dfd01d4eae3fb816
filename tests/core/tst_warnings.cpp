// SPDX-License-Identifier: MIT
// The warning monitor over synthetic snapshot sequences: each condition is raised once when it starts,
// not while it lasts, again after it clears, and never for the healthy case.
#include "core/warnings.h"

#include <QTest>

using namespace beam;

namespace {

Snapshot tick(double at)
{
    Snapshot s;
    s.elapsedS = at;
    s.intervalS = 0.1;
    s.state = EngineState::Running;
    return s;
}

Snapshot withConsumers(Snapshot s, int count, double busy, std::int64_t queue)
{
    for (int i = 0; i < count; ++i) {
        ConsumerSample c;
        c.index = i;
        c.active = true;
        c.state = "running";
        c.busyRatio = busy;
        c.queueDepth = queue;
        s.consumers.push_back(c);
    }
    return s;
}

int raisedOf(WarningMonitor &m, const Snapshot &s, Warning::Kind kind)
{
    int n = 0;
    for (const auto &w : m.observe(s))
        n += w.kind == kind ? 1 : 0;
    return n;
}

} // namespace

class TestWarnings : public QObject
{
    Q_OBJECT

private slots:
    void testUnboundedGrowthOnlyUnderTheUnboundedPolicy()
    {
        for (auto policy : {OverloadPolicy::Unbounded, OverloadPolicy::Backpressure}) {
            WarningMonitor m;
            int raised = 0;
            for (int i = 0; i <= 50; ++i) {
                auto s = tick(i * 0.1);
                s.config.overload = policy;
                s.inFlight = 1000 + i * 1000; // +10,000 a second
                raised += raisedOf(m, s, Warning::Kind::UnboundedGrowth);
            }
            QCOMPARE(raised, policy == OverloadPolicy::Unbounded ? 1 : 0);
        }
    }

    void testFlatInFlightIsNoGrowth()
    {
        WarningMonitor m;
        for (int i = 0; i <= 50; ++i) {
            auto s = tick(i * 0.1);
            s.config.overload = OverloadPolicy::Unbounded;
            s.inFlight = 5000 + (i % 2) * 100;
            QVERIFY(m.observe(s).empty());
        }
    }

    void testRestartStormRaisedOnceAndAgainAfterItClears()
    {
        WarningMonitor m;
        const auto at = [](double t, double budget) {
            auto s = tick(t);
            SupervisorSample sup;
            sup.name = "consumers";
            sup.state = "running";
            sup.maxRestarts = 200;
            sup.maxSeconds = 1;
            sup.budgetInUse = budget;
            sup.restartsInWindow = static_cast<int>(budget * 200);
            s.supervisors.push_back(sup);
            return s;
        };
        QCOMPARE(raisedOf(m, at(0.1, 0.5), Warning::Kind::RestartStorm), 0);
        QCOMPARE(raisedOf(m, at(0.2, 0.8), Warning::Kind::RestartStorm), 1);
        QCOMPARE(m.active().size(), std::size_t{1});
        QVERIFY(m.active().front().message.find("160 of 200") != std::string::npos);
        QCOMPARE(raisedOf(m, at(0.3, 0.9), Warning::Kind::RestartStorm), 0); // still the same storm
        QCOMPARE(raisedOf(m, at(0.4, 0.1), Warning::Kind::RestartStorm), 0);
        QVERIFY(m.active().empty());
        QCOMPARE(raisedOf(m, at(0.5, 0.95), Warning::Kind::RestartStorm), 1);
    }

    void testStarvedConsumersWhileProducersAreHeldBack()
    {
        WarningMonitor m;
        int raised = 0;
        for (int i = 0; i <= 30; ++i) {
            auto s = withConsumers(tick(i * 0.1), 4, 0.01, 0);
            s.consumers[0].queueDepth = 190; // the slow one holds the budget
            s.consumers[0].busyRatio = 1.0;
            s.backpressureRatio = 0.95;
            raised += raisedOf(m, s, Warning::Kind::StarvedConsumer);
        }
        QCOMPARE(raised, 1);
        QVERIFY(m.active().front().message.find("3 of 4") != std::string::npos);

        // Idle consumers with free-running producers are just a light load.
        WarningMonitor light;
        for (int i = 0; i <= 30; ++i) {
            auto s = withConsumers(tick(i * 0.1), 4, 0.01, 0);
            QVERIFY(light.observe(s).empty());
        }
    }

    void testShortSnapshotsDoNotResetTheClocks()
    {
        WarningMonitor m;
        int raised = 0;
        for (int i = 0; i <= 30; ++i) {
            auto s = withConsumers(tick(i * 0.1), 2, 0.0, 0);
            s.consumers[0].queueDepth = 100;
            s.backpressureRatio = 1.0;
            raised += raisedOf(m, s, Warning::Kind::StarvedConsumer);
            auto now = withConsumers(tick(i * 0.1 + 0.001), 2, 0.0, 0); // asked for between two ticks
            now.intervalS = 0.001;
            raised += raisedOf(m, now, Warning::Kind::StarvedConsumer);
        }
        QCOMPARE(raised, 1);
    }

    void testSafetyCap()
    {
        WarningMonitor m;
        auto s = tick(1);
        s.safetyCapHit = true;
        s.config.safetyCap = 5000;
        const auto raised = m.observe(s);
        QCOMPARE(raised.size(), std::size_t{1});
        QVERIFY(raised.front().kind == Warning::Kind::SafetyCap);
        QVERIFY(raised.front().message.find("5000") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestWarnings)
#include "tst_warnings.moc"
