// SPDX-License-Identifier: MIT
#include "core/supervisor.h"

#include "core/random.h"

#include <algorithm>
#include <cmath>

namespace beam {

std::string_view toString(RestartStrategy strategy)
{
    switch (strategy) {
    case RestartStrategy::OneForOne:
        return "one_for_one";
    case RestartStrategy::OneForAll:
        return "one_for_all";
    case RestartStrategy::RestForOne:
        return "rest_for_one";
    }
    return "one_for_one";
}

std::optional<RestartStrategy> restartStrategyFromString(std::string_view text)
{
    for (auto strategy : {RestartStrategy::OneForOne, RestartStrategy::OneForAll, RestartStrategy::RestForOne}) {
        if (text == toString(strategy))
            return strategy;
    }
    return std::nullopt;
}

std::string_view toString(SupervisorState state)
{
    return state == SupervisorState::Running ? "running" : "gave_up";
}

std::string_view toString(ChildState state)
{
    switch (state) {
    case ChildState::Running:
        return "running";
    case ChildState::Restarting:
        return "restarting";
    case ChildState::Stopped:
        return "stopped";
    }
    return "running";
}

Supervisor::Supervisor(std::string name, const SupervisorPolicy &policy, int children, std::uint64_t seed)
    : m_name(std::move(name))
    , m_policy(policy)
    , m_children(static_cast<std::size_t>(std::max(0, children)))
    , m_random(mix64(seed))
{ }

void Supervisor::forget(double nowS)
{
    // A restart at exactly nowS - maxSeconds has left the window (OTP counts restarts newer than that).
    while (!m_restartTimes.empty() && m_restartTimes.front() <= nowS - m_policy.maxSeconds)
        m_restartTimes.pop_front();
}

int Supervisor::restartsInWindow(double nowS) const
{
    return static_cast<int>(std::count_if(
        m_restartTimes.begin(), m_restartTimes.end(), [&](double t) { return t > nowS - m_policy.maxSeconds; }));
}

double Supervisor::budgetInUse(double nowS) const
{
    if (m_state == SupervisorState::GaveUp)
        return 1.0;
    if (m_policy.maxRestarts <= 0)
        return 0.0;
    return std::min(1.0, static_cast<double>(restartsInWindow(nowS)) / m_policy.maxRestarts);
}

SupervisorDecision Supervisor::childExited(int child, double nowS)
{
    SupervisorDecision decision;
    if (m_state == SupervisorState::GaveUp || child < 0 || child >= childCount())
        return decision;
    forget(nowS);
    const int count = childCount();

    if (static_cast<int>(m_restartTimes.size()) + 1 > m_policy.maxRestarts) {
        // Intensity exceeded: stop every other running child, last started first, and give up.
        decision.escalate = true;
        m_state = SupervisorState::GaveUp;
        m_children[static_cast<std::size_t>(child)].state = ChildState::Stopped;
        for (int i = count - 1; i >= 0; --i) {
            auto &c = m_children[static_cast<std::size_t>(i)];
            if (i != child && c.state != ChildState::Stopped)
                decision.stopOrder.push_back(i);
            c.state = ChildState::Stopped;
        }
        return decision;
    }

    const auto n = static_cast<int>(m_restartTimes.size());
    m_restartTimes.push_back(nowS);
    ++m_totalRestarts;

    int first = child;
    int last = child;
    if (m_policy.strategy == RestartStrategy::OneForAll) {
        first = 0;
        last = count - 1;
    } else if (m_policy.strategy == RestartStrategy::RestForOne) {
        last = count - 1;
    }
    for (int i = last; i >= first; --i) {
        if (i != child && m_children[static_cast<std::size_t>(i)].state == ChildState::Running)
            decision.stopOrder.push_back(i);
    }
    for (int i = first; i <= last; ++i) {
        auto &c = m_children[static_cast<std::size_t>(i)];
        c.state = ChildState::Restarting;
        ++c.restarts;
        decision.restartOrder.push_back(i);
    }

    if (m_policy.backoffMinMs > 0 || m_policy.backoffMaxMs > 0) {
        const double base = std::min(
            static_cast<double>(m_policy.backoffMaxMs), static_cast<double>(m_policy.backoffMinMs) * std::pow(2.0, n));
        m_random = mix64(m_random);
        const double unit = static_cast<double>(m_random >> 11) * 0x1.0p-53;
        decision.delayMs = base * (1.0 + unit * m_policy.backoffJitter);
    }
    return decision;
}

void Supervisor::childStarted(int child)
{
    if (child >= 0 && child < childCount() && m_state == SupervisorState::Running)
        m_children[static_cast<std::size_t>(child)].state = ChildState::Running;
}

void Supervisor::restart(double nowS)
{
    (void)nowS;
    m_restartTimes.clear();
    m_state = SupervisorState::Running;
    for (auto &c : m_children)
        c.state = ChildState::Running;
}

void Supervisor::setChildCount(int children)
{
    m_children.resize(static_cast<std::size_t>(std::max(0, children)));
}

} // namespace beam
