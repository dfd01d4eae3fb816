// SPDX-License-Identifier: MIT
#pragma once

#include "commandline.h"
#include "scenario/scenarioplayer.h"

#include <functional>
#include <vector>

namespace beam {

class Engine;

/// A scenario played straight on the engine (headless): each step is applied and printed as it happens,
/// each verdict printed as it is reached.
class EngineStage : public ScenarioStage
{
public:
    EngineStage(Engine &engine, std::function<QJsonObject()> report);

    void apply(const ScenarioStep &step, int index) override;
    QJsonObject report() override { return m_report(); }
    void judged(int index, const Verdict &verdict) override;

private:
    void print(const ScenarioStep &step, const std::vector<ConfigError> &errors) const;

    Engine &m_engine;
    std::function<QJsonObject()> m_report;
};

/// The command line's timed faults (--kill-consumer, --hang-consumer), each applied once its time comes.
class TimedFaults
{
public:
    explicit TimedFaults(const CommandLine &options);
    void injectDue(Engine &engine, double elapsedS);

private:
    struct Due {
        CommandLine::TimedFault fault;
        bool kill = true; ///< else hang
    };
    std::vector<Due> m_due;
};

} // namespace beam
