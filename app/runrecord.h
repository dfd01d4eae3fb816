// SPDX-License-Identifier: MIT
#pragma once

#include "core/warnings.h"
#include "scenario/junit.h"
#include "scenario/report.h"

#include <QJsonObject>

#include <chrono>
#include <cstdint>
#include <string>

namespace beam {

class Engine;
class ScenarioPlayer;

/// What a headless run knows about itself: its clock, the CPU it used, the warnings it raised (printed on
/// stderr as they come), and from those the report's inputs at any moment.
class RunRecord
{
public:
    /// Constructed as the engine starts: the run's time and CPU count from here.
    explicit RunRecord(Engine &engine);

    [[nodiscard]] double elapsedS() const;
    /// Reads the newest snapshot, if new, for warnings.
    void watchWarnings();
    [[nodiscard]] int warnings() const { return m_warnings; }
    /// The report's inputs for a run of `runS` seconds as of now.
    [[nodiscard]] ReportInputs inputs(double runS) const;
    /// The report as of now (a fresh snapshot): what a timed assertion is judged on.
    [[nodiscard]] QJsonObject reportNow() const;
    /// The report of the newest snapshot the sampler took (none taken for it): what a screen would show now.
    [[nodiscard]] QJsonObject reportLatest() const;
    /// The newest snapshot's sequence number, 0 before the first.
    [[nodiscard]] std::uint64_t latestSequence() const;

private:
    Engine &m_engine;
    std::chrono::steady_clock::time_point m_started;
    std::uint64_t m_startCpu;
    WarningMonitor m_monitor;
    std::uint64_t m_lastSequence = 0;
    int m_warnings = 0;
};

/// The summary printed after the drain.
void printSummary(const Snapshot &s, const ReportInputs &in, double runS);

/// The line the window prints on stderr when it quits: the counts of its newest snapshot (`last`, null when no run
/// started), and why it quit (`why`, e.g. "SIGTERM"; empty: closed).
void printWindowSummary(const Snapshot *last, const char *why);

/// How a run ended, for the exit code and for CI's test report.
struct RunOutcome {
    bool lost = false; ///< events lost or left in flight after the drain (exit 3)
    int failedAssertions = 0; ///< exit 5
    bool gaveUpUnexpectedly = false; ///< the top-level supervisor gave up and no assertion expected it (exit 4)
    std::string threadFailure; ///< a thread outside the graph caught an exception (Engine::failure(); exit 6)
};
RunOutcome judgeRun(const Snapshot &final, const ScenarioPlayer *player, const std::string &failure);
int exitCode(const RunOutcome &outcome);
/// The run's outcome as JUnit cases beside the assertions: an erroring case when events were lost or the
/// supervision tree gave up unexpectedly, so a CI report panel does not show green for a broken run.
QList<JUnitCase> outcomeCases(const Snapshot &final, const RunOutcome &outcome, const std::string &notice);

} // namespace beam
