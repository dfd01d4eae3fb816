// SPDX-License-Identifier: MIT
#include "core/supervision.h"

#include <sstream>

namespace beam {

namespace {
std::string formatSeconds(double seconds)
{
    std::ostringstream text;
    text << seconds;
    return text.str();
}

constexpr int kPipelineChildren = 2; // producers, consumers
constexpr int kConsumersChild = 1;

SupervisorPolicy pipelinePolicy(const PipelineConfig &config)
{
    SupervisorPolicy policy = config.topPolicy();
    policy.strategy = RestartStrategy::OneForAll;
    policy.backoffMinMs = 0;
    policy.backoffMaxMs = 0;
    return policy;
}

SupervisorPolicy producersPolicy(const PipelineConfig &config)
{
    SupervisorPolicy policy = config.topPolicy();
    policy.strategy = RestartStrategy::OneForOne;
    return policy;
}
} // namespace

Supervision::Supervision(
    EngineContext &context, Consumers &consumers, const PipelineConfig &config, std::int64_t startNs)
    : m_context(context)
    , m_consumers(consumers)
    , m_startNs(startNs)
    , m_config(config)
    , m_pipeline("pipeline", pipelinePolicy(config), kPipelineChildren, config.seed)
    , m_producers("producers", producersPolicy(config), config.producers, config.seed + 1)
    , m_consumerSupervisor("consumers", config.supervisorPolicy(), config.consumers, config.seed + 2)
{ }

void Supervision::consumerCrashed(int index, CrashCause cause)
{
    std::lock_guard lock(m_mutex);
    const double now = seconds(nowNs());
    static constexpr const char *kCauses[] = {"random", "killed", "hang", "exception"};
    m_context.events.append({0, now, EngineEvent::Kind::Crash, index,
        cause < CrashCause::Count ? kCauses[static_cast<int>(cause)] : "unknown"});
    if (m_gaveUp.load())
        return; // nobody is left to restart it: it stays down, its events stay counted in flight
    const auto decision = m_consumerSupervisor.childExited(index, now);
    for (int sibling : decision.stopOrder)
        m_consumers[static_cast<std::size_t>(sibling)]->stop();

    if (!decision.escalate) {
        if (decision.delayMs > 0) {
            const auto at = TimerService::Clock::now()
                + std::chrono::microseconds(static_cast<std::int64_t>(decision.delayMs * 1000.0));
            m_context.timers.schedule(at, [this, order = decision.restartOrder] {
                std::lock_guard relock(m_mutex);
                if (!m_gaveUp.load())
                    restartConsumers(order);
            });
        } else {
            restartConsumers(decision.restartOrder);
        }
        return;
    }

    // The consumers supervisor gave up: it escalates to the pipeline supervisor.
    ++m_escalations;
    m_context.events.append({0, now, EngineEvent::Kind::Escalation, index,
        "the consumers supervisor exceeded " + std::to_string(m_config.maxRestarts) + " restarts in "
            + formatSeconds(m_config.maxSeconds) + " s"});
    const auto up = m_pipeline.childExited(kConsumersChild, now);
    if (!up.escalate) {
        restartEverything(now);
        return;
    }
    ++m_escalations; // the pipeline supervisor itself gave up
    if (m_config.onEscalation == EscalationPolicy::Restart && !m_restartedOnce) {
        m_restartedOnce = true;
        m_pipeline.restart(now);
        restartEverything(now);
        return;
    }
    m_reason = "the pipeline supervisor gave up: the consumers supervisor exceeded its intensity ("
        + std::to_string(m_config.maxRestarts) + " restarts in " + formatSeconds(m_config.maxSeconds) + " s) more than "
        + std::to_string(m_config.topMaxRestarts) + " times within " + formatSeconds(m_config.topMaxSeconds) + " s";
    if (m_restartedOnce)
        m_reason += "; the pipeline had already been restarted once (on_escalation = restart)";
    m_context.held = true; // no consumer will run again: stop admitting events
    m_context.pacingChanged();
    m_gaveUp.store(true, std::memory_order_release);
    m_context.events.append({0, now, EngineEvent::Kind::GaveUp, -1, m_reason});
}

void Supervision::restartEverything(double now)
{
    // one_for_all over [producers, consumers]: the consumers supervisor starts afresh, every consumer with it.
    ++m_pipelineRestarts;
    m_context.events.append({0, now, EngineEvent::Kind::PipelineRestart, -1, "every consumer starts afresh"});
    m_consumerSupervisor.restart(now);
    m_producers.restart(now);
    std::vector<int> all;
    for (int i = 0; i < m_consumerSupervisor.childCount(); ++i) {
        if (m_consumers[static_cast<std::size_t>(i)])
            all.push_back(i);
    }
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        m_consumers[static_cast<std::size_t>(*it)]->stop(); // already down ones ignore it
    restartConsumers(all);
}

void Supervision::restartConsumers(const std::vector<int> &order)
{
    for (int child : order) {
        if (auto &consumer = m_consumers[static_cast<std::size_t>(child)]) {
            consumer->restart();
            m_consumerSupervisor.childStarted(child);
            m_context.events.append({0, seconds(nowNs()), EngineEvent::Kind::Restart, child, {}});
        }
    }
}

void Supervision::reconfigure(const PipelineConfig &config)
{
    std::lock_guard lock(m_mutex);
    m_config = config;
    m_consumerSupervisor.setPolicy(config.supervisorPolicy());
    m_pipeline.setPolicy(pipelinePolicy(config));
    m_producers.setPolicy(producersPolicy(config));
    m_consumerSupervisor.setChildCount(std::max(m_consumerSupervisor.childCount(), config.consumers));
    m_producers.setChildCount(config.producers);
}

void Supervision::watch(std::int64_t nowNs, int consumerCount)
{
    if (gaveUp())
        return;
    const std::int64_t timeoutNs = std::int64_t{m_context.hangTimeoutMs.load(std::memory_order_relaxed)} * 1'000'000;
    for (int i = 0; i < consumerCount; ++i) {
        const auto &consumer = m_consumers[static_cast<std::size_t>(i)];
        if (!consumer)
            continue;
        const auto c = consumer->counters();
        const std::uint64_t finished = c.processed + c.deadLettered + c.abandoned + c.restarts;
        Watch &w = m_watch[static_cast<std::size_t>(i)];
        if (finished != w.finished || c.queueDepth <= 0 || consumer->state() == Consumer::State::Down
            || w.stuckSinceNs == 0) {
            w.finished = finished;
            w.stuckSinceNs = nowNs;
            continue;
        }
        if (nowNs - w.stuckSinceNs > timeoutNs) {
            consumer->timeout(consumer->incarnation());
            w.stuckSinceNs = nowNs; // one timeout per period: the kill is on its way
        }
    }
}

std::string Supervision::reason() const
{
    std::lock_guard lock(m_mutex);
    return m_reason;
}

void Supervision::sample(Snapshot &s, std::int64_t nowNs) const
{
    std::lock_guard lock(m_mutex);
    const double now = seconds(nowNs);
    const auto describe = [&](const Supervisor &supervisor) {
        SupervisorSample sample;
        sample.name = supervisor.name();
        sample.strategy = std::string(toString(supervisor.policy().strategy));
        sample.state = std::string(toString(supervisor.state()));
        sample.restarts = supervisor.restarts();
        sample.restartsInWindow = supervisor.restartsInWindow(now);
        sample.maxRestarts = supervisor.policy().maxRestarts;
        sample.maxSeconds = supervisor.policy().maxSeconds;
        sample.budgetInUse = supervisor.budgetInUse(now);
        for (int i = 0; i < supervisor.childCount(); ++i)
            sample.children.push_back(std::string(toString(supervisor.childState(i))));
        return sample;
    };
    s.supervisors = {describe(m_pipeline), describe(m_producers), describe(m_consumerSupervisor)};
    s.escalations = m_escalations;
    s.pipelineRestarts = m_pipelineRestarts;
    s.gaveUp = m_gaveUp.load();
}

} // namespace beam
