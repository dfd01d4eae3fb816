// SPDX-License-Identifier: MIT
// The supervisor against a model: random exit sequences, checked decision by decision.
#include "core/supervisor.h"

#include <QTest>
#include <rapidcheck.h>

#include <algorithm>
#include <ostream>

using namespace beam;

namespace beam {
/// How RapidCheck prints a strategy in a counterexample.
inline void showValue(RestartStrategy strategy, std::ostream &os)
{
    os << toString(strategy);
}
} // namespace beam

class TestSupervisorProperties : public QObject
{
    Q_OBJECT

private slots:
    void testIntensityAndStrategiesMatchTheModel()
    {
        const bool ok = rc::check("supervisor decisions match a sliding-window model", [] {
            SupervisorPolicy policy;
            policy.strategy = *rc::gen::element(
                RestartStrategy::OneForOne, RestartStrategy::OneForAll, RestartStrategy::RestForOne);
            policy.maxRestarts = *rc::gen::inRange(0, 6);
            policy.maxSeconds = *rc::gen::inRange(1, 50) / 10.0;
            const int children = *rc::gen::inRange(1, 7);
            const auto exits = *rc::gen::container<std::vector<std::pair<int, int>>>(
                rc::gen::pair(rc::gen::inRange(0, children), rc::gen::inRange(0, 3000)));

            Supervisor supervisor("s", policy, children);
            std::vector<double> accepted; // model: times of the restarts it made
            bool gaveUp = false;
            double now = 0;
            for (const auto &[child, gapMs] : exits) {
                now += gapMs / 1000.0;
                const auto decision = supervisor.childExited(child, now);
                if (gaveUp) {
                    RC_ASSERT(!decision.escalate && decision.restartOrder.empty() && decision.stopOrder.empty());
                    continue;
                }
                const auto inWindow = std::count_if(
                    accepted.begin(), accepted.end(), [&](double t) { return t > now - policy.maxSeconds; });
                if (inWindow + 1 > policy.maxRestarts) {
                    RC_ASSERT(decision.escalate); // intensity exceeded implies escalation
                    RC_ASSERT(decision.restartOrder.empty());
                    gaveUp = true;
                    RC_ASSERT(supervisor.state() == SupervisorState::GaveUp);
                    continue;
                }
                RC_ASSERT(!decision.escalate);
                accepted.push_back(now);
                std::vector<int> expected;
                const int first = policy.strategy == RestartStrategy::OneForAll ? 0 : child;
                const int last = policy.strategy == RestartStrategy::OneForOne ? child : children - 1;
                for (int i = first; i <= last; ++i)
                    expected.push_back(i);
                RC_ASSERT(decision.restartOrder == expected); // started in order
                RC_ASSERT(std::is_sorted(decision.stopOrder.rbegin(), decision.stopOrder.rend())); // stopped in reverse
                for (int i : expected)
                    supervisor.childStarted(i);
            }
            // Never more restarts than allowed in any window.
            for (std::size_t i = 0; i < accepted.size(); ++i) {
                const auto inWindow = std::count_if(accepted.begin(), accepted.end(),
                    [&](double t) { return t > accepted[i] - policy.maxSeconds && t <= accepted[i]; });
                RC_ASSERT(inWindow <= policy.maxRestarts);
            }
            RC_ASSERT(supervisor.restarts() == accepted.size());
        });
        QVERIFY(ok);
    }
};

QTEST_GUILESS_MAIN(TestSupervisorProperties)
#include "tst_supervisorproperties.moc"
