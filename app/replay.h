// SPDX-License-Identifier: MIT
#pragma once

#include "commandline.h"

#include "core/recording.h"
#include "scenario/scenario.h"

#include <QString>

#include <optional>

namespace beam {

/// The lesson a recording was made of: the built-in lesson of that name, or else the scenario text the recording
/// carries. Nullopt when it names none (a free run); `error` says why when it names one this program cannot play
/// (an unknown lesson, a scenario that no longer parses).
std::optional<Scenario> scenarioOfRecording(const RecordingInfo &info, QString &error);

/// Reads the recording at `path`; a bad one prints "beam-me-up: error: PATH: problem" and gives nullopt.
std::optional<Recording> readReplay(const QString &path);

/// `--replay FILE --headless`: reads the recording and replays it (below); exit 2 when it cannot be read.
int replayHeadless(const CommandLine &options);

/// `--replay FILE --headless`: plays the recording's snapshots through the lesson it was made of, as a live run
/// would (its steps printed, its checks judged on the recorded figures at their times), prints the verdicts and
/// returns the exit code a live run would have had (0, 3 lost, 4 gave up, 5 a check failed). A recording of no
/// lesson: its summary, and 0 or 3. `path` names the file in what it prints.
int replayHeadless(Recording recording, const QString &path);

} // namespace beam
