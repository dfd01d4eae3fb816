// SPDX-License-Identifier: MIT
// The supervisor as a state machine, driven by a fake clock (plain seconds passed in).
#include "core/supervisor.h"

#include <QTest>

using namespace beam;

namespace {
SupervisorPolicy policy(RestartStrategy strategy, int maxRestarts = 3, double maxSeconds = 5.0)
{
    SupervisorPolicy p;
    p.strategy = strategy;
    p.maxRestarts = maxRestarts;
    p.maxSeconds = maxSeconds;
    return p;
}
} // namespace

class TestSupervisor : public QObject
{
    Q_OBJECT

private slots:
    void testStrategies_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<int>("exited");
        QTest::addColumn<std::vector<int>>("stopOrder");
        QTest::addColumn<std::vector<int>>("restartOrder");
        QTest::newRow("one_for_one") << int(RestartStrategy::OneForOne) << 1 << std::vector<int>{}
                                     << std::vector<int>{1};
        QTest::newRow("one_for_all") << int(RestartStrategy::OneForAll) << 1 << std::vector<int>{3, 2, 0}
                                     << std::vector<int>{0, 1, 2, 3};
        QTest::newRow("rest_for_one") << int(RestartStrategy::RestForOne) << 1 << std::vector<int>{3, 2}
                                      << std::vector<int>{1, 2, 3};
        QTest::newRow("rest_for_one last")
            << int(RestartStrategy::RestForOne) << 3 << std::vector<int>{} << std::vector<int>{3};
        QTest::newRow("one_for_all first")
            << int(RestartStrategy::OneForAll) << 0 << std::vector<int>{3, 2, 1} << std::vector<int>{0, 1, 2, 3};
    }

    void testStrategies()
    {
        QFETCH(int, strategy);
        QFETCH(int, exited);
        QFETCH(std::vector<int>, stopOrder);
        QFETCH(std::vector<int>, restartOrder);
        Supervisor supervisor(QStringLiteral("consumers").toStdString(), policy(RestartStrategy(strategy)), 4);
        const auto decision = supervisor.childExited(exited, 10.0);
        QVERIFY(!decision.escalate);
        QCOMPARE(decision.stopOrder, stopOrder);
        QCOMPARE(decision.restartOrder, restartOrder);
        QCOMPARE(decision.delayMs, 0.0);
        for (int child : restartOrder) {
            QVERIFY(supervisor.childState(child) == ChildState::Restarting);
            QCOMPARE(supervisor.childRestarts(child), std::uint64_t{1});
            supervisor.childStarted(child);
            QVERIFY(supervisor.childState(child) == ChildState::Running);
        }
        QCOMPARE(supervisor.restarts(), std::uint64_t{1});
    }

    void testIntensityEscalates()
    {
        Supervisor supervisor("consumers", policy(RestartStrategy::OneForOne, 3, 5.0), 3);
        for (double t : {0.0, 1.0, 2.0}) {
            const auto d = supervisor.childExited(0, t);
            QVERIFY(!d.escalate);
            supervisor.childStarted(0);
        }
        QCOMPARE(supervisor.budgetInUse(2.0), 1.0);
        const auto d = supervisor.childExited(1, 3.0);
        QVERIFY(d.escalate);
        QCOMPARE(d.stopOrder, (std::vector<int>{2, 0})); // every other child, reverse start order
        QVERIFY(d.restartOrder.empty());
        QVERIFY(supervisor.state() == SupervisorState::GaveUp);
        QCOMPARE(supervisor.restarts(), std::uint64_t{3}); // never more than allowed
        for (int i = 0; i < 3; ++i)
            QVERIFY(supervisor.childState(i) == ChildState::Stopped);
        // A supervisor that gave up decides nothing more.
        const auto after = supervisor.childExited(2, 3.5);
        QVERIFY(!after.escalate && after.restartOrder.empty() && after.stopOrder.empty());
        // Its parent restarts it: a fresh window, every child running.
        supervisor.restart(4.0);
        QVERIFY(supervisor.state() == SupervisorState::Running);
        QCOMPARE(supervisor.restartsInWindow(4.0), 0);
        QVERIFY(!supervisor.childExited(0, 4.1).escalate);
    }

    void testWindowEdges_data()
    {
        QTest::addColumn<double>("fourthAt");
        QTest::addColumn<bool>("escalates");
        QTest::newRow("inside the window") << 4.999 << true;
        QTest::newRow("first restart exactly max_seconds old") << 5.0 << false;
        QTest::newRow("long after") << 60.0 << false;
    }

    void testWindowEdges()
    {
        QFETCH(double, fourthAt);
        QFETCH(bool, escalates);
        Supervisor supervisor("s", policy(RestartStrategy::OneForOne, 3, 5.0), 1);
        for (double t : {0.0, 1.0, 2.0})
            QVERIFY(!supervisor.childExited(0, t).escalate);
        QCOMPARE(supervisor.childExited(0, fourthAt).escalate, escalates);
    }

    void testZeroRestartsEscalatesAtOnce()
    {
        Supervisor supervisor("s", policy(RestartStrategy::OneForOne, 0, 5.0), 2);
        QVERIFY(supervisor.childExited(1, 0.0).escalate);
        QCOMPARE(supervisor.restarts(), std::uint64_t{0});
    }

    void testBackoff()
    {
        auto p = policy(RestartStrategy::OneForOne, 10, 100.0);
        p.backoffMinMs = 10;
        p.backoffMaxMs = 50;
        p.backoffJitter = 0.0;
        Supervisor supervisor("s", p, 1);
        std::vector<double> delays;
        for (int i = 0; i < 5; ++i)
            delays.push_back(supervisor.childExited(0, i).delayMs);
        QCOMPARE(delays, (std::vector<double>{10, 20, 40, 50, 50})); // min * 2^n, capped at max

        p.backoffJitter = 0.5;
        Supervisor jittered("j", p, 1, 99);
        for (int i = 0; i < 5; ++i) {
            const double base = std::min(50.0, 10.0 * std::pow(2.0, i));
            const double delay = jittered.childExited(0, i).delayMs;
            QVERIFY2(delay >= base && delay <= base * 1.5, qPrintable(QString::number(delay)));
        }
    }

    void testBudgetAndNames()
    {
        Supervisor supervisor("s", policy(RestartStrategy::OneForOne, 4, 5.0), 1);
        QCOMPARE(supervisor.budgetInUse(0.0), 0.0);
        supervisor.childExited(0, 1.0);
        QCOMPARE(supervisor.budgetInUse(1.0), 0.25);
        QCOMPARE(supervisor.budgetInUse(6.0), 0.0); // the restart left the window
        for (auto s : {RestartStrategy::OneForOne, RestartStrategy::OneForAll, RestartStrategy::RestForOne})
            QCOMPARE(restartStrategyFromString(toString(s)), std::optional(s));
        QVERIFY(!restartStrategyFromString("one-for-one"));
    }
};

QTEST_GUILESS_MAIN(TestSupervisor)
#include "tst_supervisor.moc"
