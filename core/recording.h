// SPDX-License-Identifier: MIT
#pragma once

#include "core/snapshot.h"

#include <string>
#include <vector>

namespace beam {

/// Something a lesson did or decided, kept beside the snapshots so a replay shows the caption that was on screen
/// and the verdicts as they fell.
struct LessonMark {
    /// What happened.
    enum class Kind {
        Start, ///< the lesson began (its time 0); `text`: the lesson's name
        Step, ///< a step of its timeline was carried out (`text`: what it did)
        Caption, ///< a caption appeared (`text`: the caption; it stays until the next Caption or the End)
        Verdict, ///< a check was decided (`text`: the assertion, `verdict`, `detail`)
        End, ///< the lesson ended (`detail`: why, if it did not run to its end)
    };
    double atS = 0; ///< seconds since the engine started: the clock of Snapshot::elapsedS
    double lessonS = 0; ///< the lesson's own time (it pauses and may run faster than written)
    Kind kind = Kind::Caption;
    int step = -1; ///< the timeline index of the step or caption; Verdict: the caption it checks, -1 for `expect`
    std::string text;
    std::string verdict; ///< Verdict only: passed, failed or skipped
    std::string detail; ///< Verdict: what was found; End: why it ended early
};

/// The mark kind's name in a recording: start, step, caption, verdict, end.
std::string_view toString(LessonMark::Kind kind);

/// What a recording says about the run as a whole.
struct RecordingInfo {
    /// The schema this build writes and the newest it reads (docs/recording.md). A reader refuses a newer one.
    static constexpr int kSchemaVersion = 2;
    int schemaVersion = kSchemaVersion;
    std::string appVersion; ///< BEAM Me Up's version that recorded it
    std::string tbbVersion; ///< oneTBB's
    std::string createdUtc; ///< when the recording was saved, ISO 8601
    std::string lesson; ///< the lesson recorded (its file name, e.g. slow-consumer), or empty
    std::string scenarioJson; ///< the scenario's text as played, or empty
    double lessonSpeed = 1.0; ///< the lesson's speed-up (--speed)
    std::string configJson; ///< the configuration the run started with, as the program's JSON
};

/// A whole run: the snapshots the sampler took, oldest first, and what the lesson did. In a recording each
/// snapshot's `events` are those logged since the previous snapshot, and each thread's `recent` holds only the
/// slices that ended since the previous snapshot (a view that wants the last 1.5 s puts them together);
/// `latencyHistogram` is null.
struct Recording {
    RecordingInfo info;
    std::vector<Snapshot> snapshots;
    std::vector<LessonMark> marks;
};

} // namespace beam
