// SPDX-License-Identifier: MIT
#include "recording/export.h"

#include "recording/columns.h"
#include "recording/database.h"
#include "recording/json.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace beam {

using namespace recording;

namespace {

struct CloseFile {
    void operator()(std::FILE *file) const { std::fclose(file); }
};

/// Writes `text` to `path` whole; false with `error` set on failure.
bool writeFile(const std::string &path, const std::string &text, std::string &error)
{
    std::unique_ptr<std::FILE, CloseFile> file(std::fopen(path.c_str(), "wb"));
    if (!file) {
        error = "cannot write " + oneLine(path) + ": " + std::strerror(errno);
        return false;
    }
    const bool wrote = std::fwrite(text.data(), 1, text.size(), file.get()) == text.size();
    const int closed = std::fclose(file.release());
    if (!wrote || closed != 0) {
        error = "cannot write " + oneLine(path) + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

/// One CSV field, RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
void appendCsvField(std::string &out, std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += text;
        return;
    }
    out += '"';
    for (const char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

void appendCsvValue(std::string &out, sqlite3_stmt *statement, int index)
{
    switch (sqlite3_column_type(statement, index)) {
    case SQLITE_INTEGER:
        out += std::to_string(sqlite3_column_int64(statement, index));
        break;
    case SQLITE_FLOAT:
        out += numberText(sqlite3_column_double(statement, index));
        break;
    case SQLITE_NULL:
        break;
    default: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement, index));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, index));
        appendCsvField(out, std::string_view(text ? text : "", text ? size : 0));
    }
    }
}

/// The result of `sql` as CSV: the header, then every row.
bool queryCsv(sqlite3 *db, const std::string &sql, std::string &out, std::string &error)
{
    const Statement statement = prepare(db, sql, error);
    if (!statement)
        return false;
    const int count = sqlite3_column_count(statement.get());
    for (int i = 0; i < count; ++i) {
        if (i > 0)
            out += ',';
        appendCsvField(out, sqlite3_column_name(statement.get(), i));
    }
    out += "\r\n";
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(statement.get())) == SQLITE_ROW) {
        for (int i = 0; i < count; ++i) {
            if (i > 0)
                out += ',';
            appendCsvValue(out, statement.get(), i);
        }
        out += "\r\n";
    }
    if (code != SQLITE_DONE) {
        error = sqliteMessage(db, code);
        return false;
    }
    return true;
}

/// The schema the file says it has (checked by readRecording() first); this build's when it cannot be read.
int schemaOf(sqlite3 *db)
{
    std::string error;
    const Statement statement = prepare(db, "SELECT value FROM meta WHERE key = 'schema_version'", error);
    if (!statement || sqlite3_step(statement.get()) != SQLITE_ROW)
        return RecordingInfo::kSchemaVersion;
    return sqlite3_column_int(statement.get(), 0);
}

} // namespace

bool exportCsv(
    const std::string &recordingPath, const std::string &folder, std::vector<std::string> &written, std::string &error)
{
    std::error_code made;
    std::filesystem::create_directory(folder, made);
    if (made || !std::filesystem::is_directory(folder)) {
        error = "cannot make the folder " + oneLine(folder) + ": " + (made ? made.message() : "a file is in the way");
        return false;
    }
    Database db;
    std::string why;
    if (!openReadOnly(recordingPath, db, why)) {
        error = oneLine(recordingPath) + ": " + why;
        return false;
    }
    std::vector<std::pair<std::string, std::string>> queries{
        {std::string(kMetaTable), "SELECT key, value FROM meta ORDER BY rowid"}};
    // A column a file's older schema lacks is exported empty (no value), as a null is.
    const int schema = schemaOf(db.get());
    for (const auto &t : tables())
        queries.emplace_back(t.name, selectSql(t, schema));
    for (const auto &[name, sql] : queries) {
        std::string csv;
        if (!queryCsv(db.get(), sql, csv, why)) {
            error = concat({oneLine(recordingPath), ": ", name, ": ", why});
            return false;
        }
        const std::string path = (std::filesystem::path(folder) / (name + ".csv")).string();
        if (!writeFile(path, csv, error))
            return false;
        written.push_back(path);
    }
    return true;
}

namespace {

constexpr int kPid = 1;
constexpr int kEventsTid = 1000; // engine events' track, after every thread
constexpr int kLessonTid = 1001; // lesson marks' track

/// Seconds as the trace's microseconds.
std::string micros(double seconds)
{
    return jsonNumber(seconds * 1e6);
}

/// At most `limit` bytes of `text`, not cutting a UTF-8 sequence, "..." when cut.
std::string shortName(std::string_view text, std::size_t limit = 80)
{
    if (text.size() <= limit)
        return std::string(text);
    while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xc0U) == 0x80)
        --limit;
    return std::string(text.substr(0, limit)) + "...";
}

/// A trace event's common fields; `extra` (e.g. ,"dur":5) and `args` (an object's members) follow.
void appendEvent(std::string &out, std::string_view name, std::string_view category, char phase, int tid,
    double seconds, const std::string &extra, const std::string &args)
{
    if (!std::isfinite(seconds))
        return;
    out += out.back() == '[' ? "\n" : ",\n";
    out += "{\"name\":";
    appendJsonString(out, name);
    out += ",\"cat\":";
    appendJsonString(out, category);
    out += ",\"ph\":\"";
    out += phase;
    out += "\",\"pid\":" + std::to_string(kPid) + ",\"tid\":" + std::to_string(tid) + ",\"ts\":" + micros(seconds)
        + extra + ",\"args\":{" + args + "}}";
}

/// `"key":` of an object's member.
std::string memberName(std::string_view key)
{
    std::string out;
    appendJsonString(out, key);
    return out + ':';
}

/// `"key":"text"` for an args object.
std::string textArg(std::string_view key, std::string_view text)
{
    std::string out = memberName(key);
    appendJsonString(out, text);
    return out;
}

/// Names the process and every track: each engine thread (by its newest name), the events and the lesson.
void appendTracks(std::string &out, const Recording &recording)
{
    std::vector<std::string> names;
    for (const auto &s : recording.snapshots) {
        if (s.threads.size() > names.size())
            names.resize(s.threads.size());
        for (std::size_t i = 0; i < s.threads.size(); ++i)
            names[i] = s.threads[i].name;
    }
    const auto track = [&out](int tid, const std::string &name) {
        appendEvent(out, "thread_name", "__metadata", 'M', tid, 0, {}, textArg("name", name));
        appendEvent(out, "thread_sort_index", "__metadata", 'M', tid, 0, {}, "\"sort_index\":" + std::to_string(tid));
    };
    const std::string process = recording.info.lesson.empty() ? "BEAM Me Up" : "BEAM Me Up: " + recording.info.lesson;
    appendEvent(out, "process_name", "__metadata", 'M', 0, 0, {}, textArg("name", process));
    for (std::size_t i = 0; i < names.size(); ++i)
        track(static_cast<int>(i) + 1, names[i]);
    track(kEventsTid, "engine events");
    if (!recording.marks.empty())
        track(kLessonTid, "lesson");
}

void appendSlices(std::string &out, const Snapshot &s)
{
    for (std::size_t i = 0; i < s.threads.size(); ++i) {
        for (const auto &slice : s.threads[i].recent) {
            const bool body = slice.consumer >= 0;
            const std::string name = body ? "consumer " + std::to_string(slice.consumer) : "router/producer work";
            const std::string args = body ? "\"consumer\":" + std::to_string(slice.consumer) : std::string();
            appendEvent(out, name, body ? "consumer" : "other", 'X', static_cast<int>(i) + 1, slice.startS,
                ",\"dur\":" + micros(slice.endS - slice.startS), args);
        }
    }
}

void appendEngineEvents(std::string &out, const Snapshot &s)
{
    for (const auto &event : s.events) {
        std::string args = "\"sequence\":" + std::to_string(event.sequence);
        if (event.consumer >= 0)
            args += ",\"consumer\":" + std::to_string(event.consumer);
        args += ',';
        args += textArg("what", event.what);
        appendEvent(out, toString(event.kind), "engine", 'i', kEventsTid, event.atS, ",\"s\":\"t\"", args);
    }
}

/// Counters: what a chart of the run shows.
void appendCounters(std::string &out, const Snapshot &s)
{
    const auto counter
        = [&out, &s](std::string_view name, std::initializer_list<std::pair<const char *, double>> values) {
              std::string args;
              for (const auto &[key, value] : values) {
                  if (!std::isfinite(value))
                      return; // a counter's values are numbers
                  if (!args.empty())
                      args += ',';
                  args += memberName(key);
                  args += jsonNumber(value);
              }
              appendEvent(out, name, "counter", 'C', 0, s.elapsedS, {}, args);
          };
    counter("throughput per s", {{"produced", s.producedPerSec}, {"processed", s.processedPerSec}});
    counter("in flight", {{"in flight", static_cast<double>(s.inFlight)}, {"limit", static_cast<double>(s.limit)}});
    counter("latency p99 us (last 1 s)", {{"p99", s.window.p99}});
}

std::string markName(const LessonMark &mark)
{
    switch (mark.kind) {
    case LessonMark::Kind::Start:
        return "lesson start: " + shortName(mark.text);
    case LessonMark::Kind::Step:
        return "step: " + shortName(mark.text);
    case LessonMark::Kind::Caption:
        return "caption: " + shortName(mark.text);
    case LessonMark::Kind::Verdict:
        return mark.verdict + ": " + shortName(mark.text);
    case LessonMark::Kind::End:
        return "lesson end";
    }
    return "mark";
}

void appendMarks(std::string &out, const std::vector<LessonMark> &marks)
{
    for (const auto &mark : marks) {
        // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, its bug 105651) on "literal" + a temporary.
        std::string args = "\"lesson_s\":";
        args += jsonNumber(mark.lessonS);
        args += ",\"step\":";
        args += std::to_string(mark.step);
        args += ',';
        args += textArg("text", mark.text);
        if (mark.kind == LessonMark::Kind::Verdict) {
            args += ',';
            args += textArg("verdict", mark.verdict);
        }
        if (!mark.detail.empty()) {
            args += ',';
            args += textArg("detail", mark.detail);
        }
        appendEvent(out, markName(mark), "lesson", 'i', kLessonTid, mark.atS, ",\"s\":\"t\"", args);
    }
}

} // namespace

std::string chromeTrace(const Recording &recording)
{
    std::string out = "{\"displayTimeUnit\":\"ms\",\"otherData\":{" + textArg("app_version", recording.info.appVersion)
        + "," + textArg("created_utc", recording.info.createdUtc) + "," + textArg("lesson", recording.info.lesson)
        + "},\n\"traceEvents\":[";
    appendTracks(out, recording);
    for (const auto &s : recording.snapshots) {
        appendSlices(out, s);
        appendEngineEvents(out, s);
        appendCounters(out, s);
    }
    appendMarks(out, recording.marks);
    out += "\n]}\n";
    return out;
}

bool exportTrace(const Recording &recording, const std::string &path, std::string &error)
{
    return writeFile(path, chromeTrace(recording), error);
}

} // namespace beam
