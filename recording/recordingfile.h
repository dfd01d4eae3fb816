// SPDX-License-Identifier: MIT
#pragma once

#include "core/recording.h"

#include <memory>
#include <optional>
#include <string>

namespace beam {

/// Writes a recording to an SQLite file (the schema: docs/recording.md), one snapshot and one mark at a time, so
/// a long run is never copied whole. Everything goes to `path + ".part"`, which finish() renames over `path`: a
/// save that fails, or is never finished, leaves no half-written file and never replaces a good one.
///
/// After the first failure every call does nothing and returns false; error() says what failed.
/// Threads: one thread at a time.
class RecordingWriter
{
public:
    RecordingWriter();
    /// Abandons an unfinished recording (its part file is removed).
    ~RecordingWriter();
    RecordingWriter(const RecordingWriter &) = delete;
    RecordingWriter &operator=(const RecordingWriter &) = delete;

    /// Starts a recording to be saved as `path` (its folder must exist). An older part file is replaced.
    bool open(const std::string &path);
    /// Adds the next snapshot (oldest first): its events, samples and thread slices, and its configuration
    /// when it differs from the previous snapshot's. `latencyHistogram` is not saved.
    bool add(const Snapshot &snapshot);
    /// Adds the next lesson mark (in the order they happened).
    bool add(const LessonMark &mark);
    /// Saves `info` (its schemaVersion is ignored: the file gets RecordingInfo::kSchemaVersion), completes the
    /// file and renames it to the path given to open(). False if anything failed since open().
    bool finish(const RecordingInfo &info);
    /// Stops without saving: the part file is removed and the file at the path is left as it was.
    void abandon();

    /// Whether open() succeeded and neither finish() nor abandon() came since.
    [[nodiscard]] bool isOpen() const;
    /// Why the last call failed, one line naming the file; empty when nothing failed.
    [[nodiscard]] const std::string &error() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// Writes `recording` to `path` in one go (RecordingWriter underneath). On failure returns false with `error` set.
bool writeRecording(const std::string &path, const Recording &recording, std::string &error);

/// Reads the recording at `path`, opened read-only. A file that is not a recording this build can read (missing,
/// unreadable, not SQLite, another database, a newer schema, a table or column missing, corrupt, a value out of
/// range) gives nullopt and `error`: one line, "PATH: what is wrong". Never throws on bad input.
std::optional<Recording> readRecording(const std::string &path, std::string &error);

} // namespace beam
