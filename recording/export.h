// SPDX-License-Identifier: MIT
#pragma once

#include "core/recording.h"

#include <string>
#include <vector>

namespace beam {

/// Writes each table of the recording at `recordingPath` (meta and every table of docs/recording.md) as
/// `folder/TABLE.csv`: a header row of column names, then one row per row in the order written, RFC 4180 (fields
/// with a comma, a quote or a line break quoted, quotes doubled, CRLF line ends), numbers exact (the shortest text
/// that reads back as the same double), null as an empty field. `folder` is made if missing (not its parents);
/// files already there are replaced. Check the recording with readRecording() first: this reads the tables as
/// they are. Appends each file written to `written`; on failure returns false with `error`, one line naming the
/// file.
bool exportCsv(
    const std::string &recordingPath, const std::string &folder, std::vector<std::string> &written, std::string &error);

/// The recording in the Chrome trace-event format (the JSON object form, {"traceEvents": [...]}), as chrome://tracing
/// and Perfetto open it: each engine thread a thread (`thread_name`) whose slices are complete events ("X", named
/// "consumer N" or "router/producer work"); engine events (crash, restart...) and lesson marks (captions,
/// verdicts...) instant events ("i") on two tracks of their own; throughput, in flight and p99 latency counters
/// ("C"). Times in microseconds since the engine started.
std::string chromeTrace(const Recording &recording);

/// Writes chromeTrace() to `path`; false, with `error` naming the file, on failure.
bool exportTrace(const Recording &recording, const std::string &path, std::string &error);

} // namespace beam
