// SPDX-License-Identifier: MIT
#pragma once

#include "commandline.h"
#include "scenario/scenarioplayer.h"

#include <functional>
#include <vector>

namespace beam {

class Engine;

/// A scenario played straight on the engine (headless): each step is applied and printed as it happens,
/// each verdict printed as it is reached. Every line is stamped with the lesson time it happened at: a step
/// with the time it was applied (`position`, the lesson clock), which a busy loop may make later than the
/// time it was due; a verdict with the time it was judged (Verdict::atS, as in the JUnit report). Both come
/// from one clock that never goes back, so the lines are in time order.
class EngineStage : public ScenarioStage
{
public:
    /// `report`: a report of a snapshot taken now; `latest`: of the newest one, with its sequence number;
    /// `position`: the lesson clock, which stamps what it prints.
    EngineStage(Engine &engine, std::function<QJsonObject()> report, std::function<QJsonObject()> latest,
        std::function<std::uint64_t()> sequence, std::function<double()> position);

    void apply(const ScenarioStep &step, int index) override;
    QJsonObject report() override { return m_report(); }
    QJsonObject latestReport() override { return m_latest(); }
    std::uint64_t latestSequence() override { return m_sequence(); }
    void judged(int index, const Verdict &verdict) override;

private:
    void print(const ScenarioStep &step, const std::vector<ConfigError> &errors) const;

    Engine &m_engine;
    std::function<QJsonObject()> m_report;
    std::function<QJsonObject()> m_latest;
    std::function<std::uint64_t()> m_sequence;
    std::function<double()> m_position;
};

/// The command line's timed faults (--kill-consumer, --hang-consumer), each applied once its time comes.
class TimedFaults
{
public:
    explicit TimedFaults(const CommandLine &options);
    void injectDue(Engine &engine, double elapsedS);
    /// When the next fault is due, in seconds of the run; infinity when none is left.
    [[nodiscard]] double nextAtS() const;

private:
    struct Due {
        CommandLine::TimedFault fault;
        bool kill = true; ///< else hang
    };
    std::vector<Due> m_due;
};

} // namespace beam
