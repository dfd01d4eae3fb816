// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"
#include "core/recording.h"

#include <QString>

namespace beam {

/// What a recording says about its run: this program's and oneTBB's versions, now, the configuration it started
/// with, and the lesson played (`lessonSource`: its file or ":/lessons/NAME.json", empty for none) with its text
/// and speed.
RecordingInfo describeRun(const PipelineConfig &config, const QString &lessonSource, double speed);

} // namespace beam
