// SPDX-License-Identifier: MIT
#pragma once

#include "core/flightrecorder.h"
#include "core/recording.h"

#include <string>

namespace beam {

/// Saves everything `recorder` keeps to `path` as a recording file: its snapshots oldest first (unpacked one at a
/// time, never the whole run at once), its lesson marks and `info`. On failure returns false with `error` (one
/// line naming the file) and leaves any file at `path` as it was.
bool saveRecording(
    const FlightRecorder &recorder, const RecordingInfo &info, const std::string &path, std::string &error);

/// Everything `recorder` keeps, as one Recording (for what needs it whole: a Chrome trace).
Recording recordingOf(const FlightRecorder &recorder, const RecordingInfo &info);

} // namespace beam
