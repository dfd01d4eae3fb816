// SPDX-License-Identifier: MIT
#pragma once

#include "core/bench.h"
#include "core/pipelineconfig.h"
#include "core/sweep.h"
#include "scenario/scenario.h"

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace beam {

/// Everything the command line asks for, parsed and validated.
struct CommandLine {
    enum class Mode { Window, Headless, Bench, Sweep, Help, Version };
    Mode mode = Mode::Window;
    PipelineConfig config;
    std::optional<double> durationS; ///< nullopt: until SIGINT/SIGTERM
    QString reportJson; ///< see writesToStdout()
    QString benchJson; ///< see writesToStdout()
    BenchOptions bench;
    bool quiet = false;
    int metricsPort = 0; ///< headless: serve Prometheus metrics on this port; 0: no endpoint
    QString metricsBind = QStringLiteral("127.0.0.1"); ///< ... on this numeric IPv4 address
    QString platform; ///< window: the Qt platform plugin (-platform), empty: Qt's choice
    QString screenshot; ///< window mode: save a PNG of the window here, then exit
    double screenshotAfterS = 3; ///< ... this many seconds after the window opens
    /// window mode with a lesson: save a PNG of the window into this folder as each caption leaves the screen
    QString screenshotCaptions;
    bool presentation = false; ///< window mode: start in presentation mode (large type, full screen)
    std::optional<QSize> windowSize; ///< window mode: its size in pixels, over the saved one
    /// Fault injection at a time: (consumer index, seconds after start).
    struct TimedFault {
        int consumer = 0;
        double atS = 0;
    };
    std::vector<TimedFault> kills;
    std::vector<TimedFault> hangs;
    /// --scenario FILE or --lesson NAME: the timeline to play (headless: run it and check its assertions;
    /// window: play it in the Lessons panel). As written; the player applies --speed.
    std::optional<Scenario> scenario;
    QString scenarioSource; ///< the file, or ":/lessons/NAME.json"
    QString junit; ///< headless scenario: write the assertions as JUnit XML here
    double speed = 1; ///< --speed: scenario time runs this many times faster
    /// The flag whose report goes to stdout (`--report-json`, `--junit`, `--bench-json`), or empty. Then
    /// everything else the run prints goes to stderr, so that stdout is that one document.
    QString stdoutReport;
    QString recordPath; ///< --record: save the run as a recording (docs/recording.md) in this file; empty: none
    /// --history-minutes: what the flight recorder keeps, in minutes (0: no recorder); nullopt: its default
    std::optional<double> historyMinutes;
    QString replayPath; ///< --replay: the recording to replay or export; empty: none
    QString exportCsvFolder; ///< --export-csv: write each table of --replay's recording as CSV into this folder
    QString exportTracePath; ///< --export-trace: write --replay's recording as a Chrome trace to this file
    /// --sweep PARAM=LO..HI[:STEPS]: the what-if sweep to run on `config` (Mode::Sweep); nullopt: none
    std::optional<SweepSpec> sweep;
    SweepOptions sweepOptions; ///< --sweep-warmup, --sweep-seconds, --sweep-repeats
    /// --sweep-csv: the points as CSV here (see writesToStdout()); `-` when neither it nor --sweep-svg is given
    QString sweepCsv;
    QString sweepSvg; ///< --sweep-svg: the chart as SVG here (see writesToStdout()); empty: none
    QStringList errors; ///< each names the flag, the value and what is allowed

    /// An export (--export-csv, --export-trace): it runs no engine and opens no window, whatever the mode says.
    [[nodiscard]] bool exports() const { return !exportCsvFolder.isEmpty() || !exportTracePath.isEmpty(); }
};

/// argv (argv[0] first) as parseCommandLine() reads it: each argument decoded from UTF-8. An argument that is
/// not UTF-8 adds one line to `errors`, naming the flag it follows and showing its bytes (`\xff`): decoded with
/// replacement characters, a name or a path would name something else.
QStringList decodeArguments(int argc, const char *const *argv, QStringList &errors);

/// Parses arguments (argv[0] first). Never exits, never starts the engine and never writes a file (files the run
/// will write are checked for writability only); a --scenario file or a --lesson is read. Errors come back in
/// `errors`, one line each. `windowBuilt` false (a build without the window, BEAM_BUILD_WINDOW=OFF): a run is
/// headless without --headless, and the window's flags are refused.
CommandLine parseCommandLine(const QStringList &arguments, bool windowBuilt = true);

/// Whether a report's file name means stdout: `-`, /dev/stdout, /dev/fd/1 or /proc/self/fd/1. Such a report is
/// written to the descriptor the program was started with, never opened by name.
bool writesToStdout(const QString &path);

/// The --help text. Qt's usage line names QCoreApplication's argv[0] (`<executable_name>` when there is no
/// application object), so call it while one exists.
QString helpText();

} // namespace beam
