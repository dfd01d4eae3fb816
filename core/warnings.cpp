// SPDX-License-Identifier: MIT
#include "core/warnings.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace beam {

std::string_view toString(Warning::Kind kind)
{
    switch (kind) {
    case Warning::Kind::UnboundedGrowth:
        return "unbounded_growth";
    case Warning::Kind::RestartStorm:
        return "restart_storm";
    case Warning::Kind::StarvedConsumer:
        return "starved_consumer";
    case Warning::Kind::SafetyCap:
        return "safety_cap";
    }
    return "unknown";
}

namespace {
/// Two warnings are the same condition when kind and subject agree; the subject is the message's first word
/// after the kind (a supervisor or consumer name), so a figure that changes does not re-raise it.
bool sameCondition(const Warning &a, const Warning &b)
{
    const auto subject = [](const std::string &m) { return m.substr(0, m.find(':')); };
    return a.kind == b.kind && subject(a.message) == subject(b.message);
}
} // namespace

std::vector<int> WarningMonitor::starvedConsumers(const Snapshot &s)
{
    std::vector<int> starved;
    for (const auto &c : s.consumers) {
        const auto i = static_cast<std::size_t>(c.index); // clocks follow the consumer, not its position
        if (m_idleSince.size() <= i)
            m_idleSince.resize(i + 1, -1.0);
        const bool idle = c.active && c.state == "running" && c.queueDepth == 0 && c.busyRatio < kStarvedBusy
            && s.backpressureRatio >= kHeldBack && s.state == EngineState::Running;
        if (!idle) {
            m_idleSince[i] = -1.0;
            continue;
        }
        if (m_idleSince[i] < 0)
            m_idleSince[i] = s.elapsedS;
        if (s.elapsedS - m_idleSince[i] >= kStarvedForS)
            starved.push_back(c.index);
    }
    return starved;
}

std::vector<Warning> WarningMonitor::observe(const Snapshot &s)
{
    // A snapshot someone asked for between two sampler ticks covers a few milliseconds: too short to judge
    // (producers may not have been held back in so short a time). The next regular one will be judged.
    if (s.intervalS < kShortIntervalS && !m_points.empty())
        return {};
    std::vector<Warning> now;
    const auto raise = [&](Warning::Kind kind, std::string message) {
        now.push_back({kind, s.elapsedS, std::move(message)});
    };

    if (s.config.overload != OverloadPolicy::Unbounded)
        m_points.clear(); // growth is judged over a stretch of time spent wholly under the unbounded policy
    m_points.push_back({s.elapsedS, s.inFlight, s.backpressureRatio >= kHeldBack});
    while (m_points.size() > 2 && m_points[1].atS <= s.elapsedS - kGrowthWindowS)
        m_points.pop_front();

    // A queue growing without a bound: only the unbounded policy lets in flight rise past any limit.
    const Point &oldest = m_points.front();
    if (s.config.overload == OverloadPolicy::Unbounded && s.elapsedS - oldest.atS >= kGrowthWindowS * 0.9
        && s.inFlight - oldest.inFlight >= kGrowthMinimum
        && static_cast<double>(s.inFlight)
            >= kGrowthFactor * static_cast<double>(std::max<std::int64_t>(1, oldest.inFlight))
        && !s.safetyCapHit) {
        std::ostringstream text;
        text << "in flight: grows without a bound, " << oldest.inFlight << " -> " << s.inFlight << " events in "
             << std::lround(s.elapsedS - oldest.atS)
             << " s (unbounded policy; memory grows with it until the safety cap of " << s.config.safetyCap << ")";
        raise(Warning::Kind::UnboundedGrowth, text.str());
    }

    for (const auto &sup : s.supervisors) {
        if (sup.state == "gave_up" || sup.maxRestarts <= 0 || sup.budgetInUse < kStormBudget)
            continue;
        std::ostringstream text;
        text << sup.name << " supervisor: restart storm, " << sup.restartsInWindow << " of " << sup.maxRestarts
             << " restarts allowed in " << sup.maxSeconds << " s used (" << static_cast<int>(sup.budgetInUse * 100)
             << "%); one more than allowed escalates";
        raise(Warning::Kind::RestartStorm, text.str());
    }

    const std::vector<int> starved = starvedConsumers(s);
    if (!starved.empty()) {
        std::ostringstream text;
        text << "starved consumers: " << starved.size() << " of " << s.consumers.size() << " idle (";
        for (std::size_t i = 0; i < starved.size() && i < 8; ++i)
            text << (i ? ", " : "#") << starved[i];
        text << (starved.size() > 8 ? ", ..." : "") << ") with empty queues while producers are held back "
             << static_cast<int>(s.backpressureRatio * 100)
             << "% of the time: the in-flight budget is stuck behind a slower consumer";
        raise(Warning::Kind::StarvedConsumer, text.str());
    }

    if (s.safetyCapHit) {
        std::ostringstream text;
        text << "safety cap: the unbounded policy reached " << s.config.safetyCap
             << " events in flight; producers are stopped until it drains";
        raise(Warning::Kind::SafetyCap, text.str());
    }

    std::vector<Warning> started;
    for (const auto &w : now) {
        const bool wasActive
            = std::any_of(m_active.begin(), m_active.end(), [&](const Warning &a) { return sameCondition(a, w); });
        if (!wasActive)
            started.push_back(w);
    }
    m_active = std::move(now);
    return started;
}

void WarningMonitor::reset()
{
    m_points.clear();
    m_idleSince.clear();
    m_active.clear();
}

} // namespace beam
