// SPDX-License-Identifier: MIT
#pragma once

#include "commandline.h"

namespace beam {

/// --replay FILE with --export-csv and/or --export-trace: reads the recording (a bad one: "beam-me-up: error:
/// FILE: the problem" on stderr, exit 2), writes what was asked, names each file written on stderr and returns 0.
/// No engine, no window, no Qt application needed.
int runExports(const CommandLine &options);

} // namespace beam
