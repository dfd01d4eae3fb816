// SPDX-License-Identifier: MIT
#pragma once

#include "commandline.h"

#include <QJsonObject>
#include <QString>

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
/// Prints each verdict of a lesson (PASS, FAIL, SKIP) and how many passed.
void printVerdicts(const ScenarioPlayer &player);

/// Writes `object` as indented JSON to `path`; on failure prints why on stderr and returns false.
bool writeJsonFile(const QString &path, const QJsonObject &object);

/// Runs the benchmark sweeps, prints the table, optionally writes JSON.
int runBench(const CommandLine &options);

} // namespace beam
