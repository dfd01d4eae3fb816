// SPDX-License-Identifier: MIT
#include "enginestage.h"

#include "core/engine.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace beam {

EngineStage::EngineStage(Engine &engine, std::function<QJsonObject()> report, std::function<QJsonObject()> latest,
    std::function<std::uint64_t()> sequence, std::function<double()> position)
    : m_engine(engine)
    , m_report(std::move(report))
    , m_latest(std::move(latest))
    , m_sequence(std::move(sequence))
    , m_position(std::move(position))
{ }

void EngineStage::apply(const ScenarioStep &step, int /*index*/)
{
    switch (step.kind) {
    case ScenarioStep::Kind::Set:
        print(step, m_engine.reconfigure(step.configAfter));
        break;
    case ScenarioStep::Kind::Action:
        switch (step.action) {
        case ScenarioStep::Action::KillConsumer:
            m_engine.killConsumer(step.target);
            break;
        case ScenarioStep::Action::HangConsumer:
            m_engine.hangConsumer(step.target);
            break;
        case ScenarioStep::Action::Pause:
            m_engine.pause();
            break;
        case ScenarioStep::Action::Resume:
            m_engine.resume();
            break;
        case ScenarioStep::Action::AddProducer:
        case ScenarioStep::Action::RemoveProducer:
            print(step, m_engine.reconfigure(step.configAfter));
            return;
        case ScenarioStep::Action::PauseLesson:
            break; // headless, nobody is there to resume: the lesson goes on (printed below)
        }
        print(step, {});
        break;
    case ScenarioStep::Kind::Caption:
        std::printf("[%6.1f s] >> %s\n", m_position(), qPrintable(step.caption));
        std::fflush(stdout);
        break;
    }
}

void EngineStage::print(const ScenarioStep &step, const std::vector<ConfigError> &errors) const
{
    // Printed once applied: a reconfiguration can take a while, and the next line must not be stamped earlier.
    std::printf("[%6.1f s] %s\n", m_position(), qPrintable(step.describe()));
    for (const auto &e : errors) // validated when the file was read; the engine may still refuse (a bug)
        std::fprintf(stderr, "beam-me-up: step at %.1f s refused: %s\n", step.atS, e.message.c_str());
    std::fflush(stdout);
}

void EngineStage::judged(int /*index*/, const Verdict &v)
{
    const char *word = v.state == Verdict::State::Passed ? "PASS" : v.state == Verdict::State::Failed ? "FAIL" : "SKIP";
    std::printf("[%6.1f s] %s %s%s\n", v.atS, word,
        v.caption >= 0 ? qPrintable(QStringLiteral("caption %1: ").arg(v.captionNumber)) : "", qPrintable(v.message));
    std::fflush(stdout);
}

TimedFaults::TimedFaults(const CommandLine &options)
{
    for (const auto &k : options.kills)
        m_due.push_back({k, true});
    for (const auto &h : options.hangs)
        m_due.push_back({h, false});
}

void TimedFaults::injectDue(Engine &engine, double elapsedS)
{
    for (auto it = m_due.begin(); it != m_due.end();) {
        if (it->fault.atS > elapsedS) {
            ++it;
            continue;
        }
        if (it->kill)
            engine.killConsumer(it->fault.consumer);
        else
            engine.hangConsumer(it->fault.consumer);
        it = m_due.erase(it);
    }
}

double TimedFaults::nextAtS() const
{
    double next = std::numeric_limits<double>::infinity();
    for (const auto &due : m_due)
        next = std::min(next, due.fault.atS);
    return next;
}

} // namespace beam
