// SPDX-License-Identifier: MIT
#pragma once

#include "commandline.h"

namespace beam {

/// `beam-me-up --sweep`: runs the sweep of options.sweep on options.config (core/sweep.h), a progress line on
/// stderr per run, then writes --sweep-csv and --sweep-svg. SIGINT or SIGTERM stops it after the run in progress
/// is abandoned, and the points finished are written. Returns the exit code (0, or 2 when a file cannot be
/// written).
int runSweepCommand(const CommandLine &options);

} // namespace beam
