// SPDX-License-Identifier: MIT
#pragma once

#include "commandline.h"

#include "core/flightrecorder.h"

#include <QJsonObject>
#include <QString>

#include <memory>

namespace beam {

/// Exit codes of the headless mode (the README lists them under "Exit codes").
enum ExitCode : int {
    ExitOk = 0,
    ExitUsage = 2,
    ExitLost = 3,
    ExitEscalated = 4,
    ExitAssertion = 5,
    ExitThreadFailed = 6
};

/// Runs the engine without a window: a console line a second, a summary, an optional JSON report.
int runHeadless(const CommandLine &options);

class ScenarioPlayer;
/// What the flight recorder keeps for this command line (--history-minutes; a --record run whole); nullopt: no
/// recorder. `durationS`: the run's length when known.
std::optional<FlightRecorder::Limits> recorderLimits(const CommandLine &options, std::optional<double> durationS);
/// --record FILE: saves what `recorder` kept (nothing to do without --record) and says so in one line. False,
/// with the reason on stderr, when it could not.
bool saveRun(const std::shared_ptr<FlightRecorder> &recorder, const CommandLine &options);
/// Prints each verdict of a lesson (PASS, FAIL, SKIP) and how many passed.
void printVerdicts(const ScenarioPlayer &player);

/// Writes `object` as indented JSON to `path`; on failure prints why on stderr and returns false.
bool writeJsonFile(const QString &path, const QJsonObject &object);

/// Runs the benchmark sweeps, prints the table, optionally writes JSON.
int runBench(const CommandLine &options);

} // namespace beam
