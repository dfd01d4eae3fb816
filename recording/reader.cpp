// SPDX-License-Identifier: MIT
// readRecording(): the file is checked before SQLite sees it (a regular file, readable, SQLite's header), opened
// read-only and defensive, its schema version and every table and column checked before a row is read, then
// every table read in one pass and every value checked as it is read. The first problem is the answer.
#include "recording/columns.h"
#include "recording/database.h"
#include "recording/recordingfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

namespace beam {

using namespace recording;

namespace {

class Reader
{
public:
    explicit Reader(std::string path)
        : m_path(std::move(path))
    { }

    std::optional<Recording> read(std::string &error)
    {
        const bool ok = checkFile() && open() && checkIntegrity() && checkVersion() && checkTables() && readInfo()
            && readSnapshots() && readConfigs() && readSamples() && readMarks();
        if (!ok) {
            error = m_error;
            return std::nullopt;
        }
        error.clear();
        return std::move(m_recording);
    }

private:
    bool fail(const std::string &why)
    {
        m_error = oneLine(m_path) + ": " + why; // a path may hold a line break too
        return false;
    }
    bool failSqlite() { return fail(sqliteMessage(m_db.get(), SQLITE_ERROR)); }

    Statement prepare(std::string_view sql)
    {
        std::string why;
        Statement statement = recording::prepare(m_db.get(), sql, why);
        if (!statement)
            fail(why);
        return statement;
    }

    bool checkFile();
    bool open();
    bool checkIntegrity();
    bool checkVersion();
    bool hasTable(std::string_view name, bool &found);
    bool checkTables();
    bool readInfo();
    bool readSnapshots();
    bool readConfigs();
    bool readSamples();
    bool readMarks();
    bool readMarkTable(TableId id, std::vector<std::pair<std::int64_t, LessonMark>> &marks);

    /// Reads `columns` of the current row from result column `first` on into `row`; `where` says which row.
    template <typename Row>
    bool readColumns(sqlite3_stmt *statement, const Table &t, int first, const std::vector<Column<Row>> &columns,
        Row &row, const std::string &where)
    {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i].since > m_recording.info.schemaVersion)
                continue; // the file's schema has no such column: the field keeps the reader's value
            std::string why;
            if (!columns[i].read(statement, first + static_cast<int>(i), row, why))
                return fail(concat({t.name, ".", columns[i].name, " at ", where, ": ", why}));
        }
        return true;
    }

    /// Reads the integer keys of the current row (`seq`, `thread`...).
    bool readKeys(sqlite3_stmt *statement, const Table &t, std::array<std::int64_t, 2> &keys)
    {
        for (std::size_t i = 0; i < t.keys.size(); ++i) {
            const int index = static_cast<int>(i);
            if (sqlite3_column_type(statement, index) != SQLITE_INTEGER)
                return fail(
                    t.name + "." + t.keys[i] + ": " + describeValue(statement, index) + " is not a whole number");
            keys[i] = sqlite3_column_int64(statement, index);
        }
        return true;
    }

    /// The snapshot with `seq`, or null.
    Snapshot *snapshot(std::int64_t seq)
    {
        const auto found = std::lower_bound(m_seqs.begin(), m_seqs.end(), seq);
        if (found == m_seqs.end() || *found != seq)
            return nullptr;
        return &m_recording.snapshots[static_cast<std::size_t>(found - m_seqs.begin())];
    }

    /// Reads every row of a table of per-snapshot samples; `place(snapshot, second key, row, why)` puts each in.
    template <typename Row, typename Place>
    bool readChildren(TableId id, const std::vector<Column<Row>> &columns, Place place)
    {
        const Table &t = table(id);
        const Statement statement = prepare(selectSql(t, m_recording.info.schemaVersion));
        if (!statement)
            return false;
        int code = SQLITE_ROW;
        while ((code = sqlite3_step(statement.get())) == SQLITE_ROW) {
            std::array<std::int64_t, 2> keys{};
            if (!readKeys(statement.get(), t, keys))
                return false;
            const std::string where = "seq " + std::to_string(keys[0]);
            Snapshot *s = snapshot(keys[0]);
            if (!s)
                return fail(t.name + ": " + where + " is not a snapshot's (snapshots has no such row)");
            Row row;
            if (!readColumns(statement.get(), t, static_cast<int>(t.keys.size()), columns, row, where))
                return false;
            std::string why;
            if (!place(*s, keys[1], std::move(row), why))
                return fail(concat({t.name, " at ", where, ": ", why}));
        }
        return code == SQLITE_DONE || failSqlite();
    }

    std::string m_path;
    Database m_db;
    Recording m_recording;
    std::vector<std::int64_t> m_seqs; ///< each snapshot's seq, ascending
    std::string m_error;
};

bool Reader::checkFile()
{
    struct stat status {
    };
    if (::stat(m_path.c_str(), &status) != 0)
        return fail(errno == ENOENT ? "no such file" : std::strerror(errno));
    if (S_ISDIR(status.st_mode))
        return fail("is a directory, not a recording");
    if (!S_ISREG(status.st_mode))
        return fail("is not a regular file (a recording is an SQLite database file)");
    const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(std::string("cannot read: ") + std::strerror(errno));
    static constexpr std::string_view kHeader{"SQLite format 3\0", 16};
    std::array<char, 16> header{};
    const ssize_t got = ::read(fd, header.data(), header.size());
    const int readError = errno;
    ::close(fd);
    if (got < 0)
        return fail(std::string("cannot read: ") + std::strerror(readError));
    if (got == 0)
        return fail("is empty, not a recording");
    if (std::string_view(header.data(), static_cast<std::size_t>(got)) != kHeader)
        return fail("is not an SQLite database, so not a recording");
    return true;
}

bool Reader::open()
{
    std::string why;
    return openReadOnly(m_path, m_db, why) || fail(why);
}

bool Reader::checkIntegrity()
{
    // Cheap next to reading every row (docs/recording.md has the times): it finds a cut-off or overwritten
    // page that the rows read later might not touch (an index), and says so in SQLite's words.
    const Statement statement = prepare("PRAGMA quick_check(1)");
    if (!statement)
        return false;
    const int code = sqlite3_step(statement.get());
    if (code != SQLITE_ROW)
        return failSqlite();
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement.get(), 0));
    std::string result = text ? text : "";
    if (result == "ok")
        return true;
    // SQLite's report spans lines ("*** in database main ***\nPage 7: ..."): one line, its first finding.
    static constexpr std::string_view kBanner = "*** in database main ***";
    if (result.rfind(kBanner, 0) == 0)
        result.erase(0, kBanner.size());
    std::replace_if(
        result.begin(), result.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    result.erase(0, result.find_first_not_of(' '));
    if (result.size() > 160) {
        result.resize(160);
        result += "...";
    }
    return fail("the database is damaged (" + result + ")");
}

bool Reader::hasTable(std::string_view name, bool &found)
{
    const Statement statement = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    if (!statement)
        return false;
    sqlite3_bind_text(statement.get(), 1, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
    const int code = sqlite3_step(statement.get());
    found = code == SQLITE_ROW;
    return code == SQLITE_ROW || code == SQLITE_DONE || failSqlite();
}

bool Reader::checkVersion()
{
    bool found = false;
    if (!hasTable(kMetaTable, found))
        return false;
    if (!found)
        return fail("is an SQLite database but not a recording (it has no meta table)");
    const Statement statement = prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    if (!statement)
        return false;
    const int code = sqlite3_step(statement.get());
    if (code == SQLITE_DONE)
        return fail("is an SQLite database but not a recording (its meta table has no schema_version)");
    if (code != SQLITE_ROW)
        return failSqlite();
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement.get(), 0));
    const std::string_view value = text ? text : "";
    int version = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), version);
    if (error != std::errc{} || end != value.data() + value.size() || version < 1)
        return fail("meta.schema_version: " + describeValue(statement.get(), 0) + " is not a schema version");
    if (version > RecordingInfo::kSchemaVersion)
        return fail("recorded by a newer BEAM Me Up: schema " + std::to_string(version) + ", this one reads up to "
            + std::to_string(RecordingInfo::kSchemaVersion));
    m_recording.info.schemaVersion = version;
    return true;
}

bool Reader::checkTables()
{
    const Statement columns = prepare("SELECT name FROM pragma_table_info(?)");
    if (!columns)
        return false;
    for (const auto &t : tables()) {
        bool found = false;
        if (!hasTable(t.name, found))
            return false;
        if (!found)
            return fail("the table '" + t.name + "' is missing");
        sqlite3_reset(columns.get());
        sqlite3_bind_text(columns.get(), 1, t.name.data(), static_cast<int>(t.name.size()), SQLITE_STATIC);
        std::set<std::string> names;
        int code = SQLITE_ROW;
        while ((code = sqlite3_step(columns.get())) == SQLITE_ROW) {
            const auto *name = reinterpret_cast<const char *>(sqlite3_column_text(columns.get(), 0));
            names.insert(name ? name : "");
        }
        if (code != SQLITE_DONE)
            return failSqlite();
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            const auto &column = t.columns[i];
            if (t.since[i] <= m_recording.info.schemaVersion && names.count(column.first) == 0)
                return fail("the table '" + t.name + "' has no column '" + column.first + "'");
        }
    }
    return true;
}

bool Reader::readInfo()
{
    const Statement statement = prepare("SELECT key, value FROM meta");
    if (!statement)
        return false;
    std::map<std::string, std::string> meta;
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(statement.get())) == SQLITE_ROW) {
        const auto text = [&statement](int index) {
            const auto *bytes = reinterpret_cast<const char *>(sqlite3_column_text(statement.get(), index));
            return bytes ? std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(statement.get(), index)))
                         : std::string();
        };
        meta[text(0)] = text(1);
    }
    if (code != SQLITE_DONE)
        return failSqlite();
    RecordingInfo &info = m_recording.info;
    info.appVersion = meta["app_version"];
    info.tbbVersion = meta["tbb_version"];
    info.createdUtc = meta["created_utc"];
    info.lesson = meta["lesson"];
    info.scenarioJson = meta["scenario_json"];
    info.configJson = meta["config_json"];
    if (const auto speed = meta.find("lesson_speed"); speed != meta.end()) {
        const std::string &value = speed->second;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), info.lessonSpeed);
        if (error != std::errc{} || end != value.data() + value.size() || !std::isfinite(info.lessonSpeed)
            || info.lessonSpeed <= 0)
            return fail("meta.lesson_speed: '" + value.substr(0, 40) + "' is not a speed-up (a positive number)");
    }
    return true;
}

bool Reader::readSnapshots()
{
    const Table &t = table(TableId::Snapshots);
    const Statement statement = prepare(selectSql(t, m_recording.info.schemaVersion));
    if (!statement)
        return false;
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(statement.get())) == SQLITE_ROW) {
        std::array<std::int64_t, 2> keys{};
        if (!readKeys(statement.get(), t, keys))
            return false;
        const std::string where = "seq " + std::to_string(keys[0]);
        Snapshot s;
        if (!readColumns(statement.get(), t, 1, snapshotColumns(), s, where))
            return false;
        for (const auto &[name, value] : {std::pair{"elapsed_s", s.elapsedS}, std::pair{"interval_s", s.intervalS},
                 std::pair{"window_s", s.windowS}, std::pair{"window_goal_s", s.windowGoalS}}) {
            if (value < 0)
                return fail(
                    "snapshots." + std::string(name) + " at " + where + ": " + numberText(value) + " is negative");
        }
        if (!m_recording.snapshots.empty() && s.elapsedS < m_recording.snapshots.back().elapsedS)
            return fail("snapshots.elapsed_s at " + where + ": " + numberText(s.elapsedS) + " s is before the "
                + numberText(m_recording.snapshots.back().elapsedS)
                + " s of the snapshot before (time goes backwards)");
        m_seqs.push_back(keys[0]);
        m_recording.snapshots.push_back(std::move(s));
    }
    return code == SQLITE_DONE || failSqlite();
}

bool Reader::readConfigs()
{
    const Table &t = table(TableId::Configs);
    const Statement statement = prepare(selectSql(t, m_recording.info.schemaVersion));
    if (!statement)
        return false;
    std::vector<std::pair<std::int64_t, PipelineConfig>> configs;
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(statement.get())) == SQLITE_ROW) {
        std::array<std::int64_t, 2> keys{};
        if (!readKeys(statement.get(), t, keys))
            return false;
        const std::string where = "from_seq " + std::to_string(keys[0]);
        PipelineConfig config;
        // Schema 1 kept no pacing: the builds that wrote it paced exactly (all but the last, whose default was a
        // 1 ms budget).
        if (m_recording.info.schemaVersion < kSchemaWithPacing)
            config.pacingUs = 0;
        if (!readColumns(statement.get(), t, 1, configColumns(), config, where))
            return false;
        if (const auto errors = config.validate(); !errors.empty())
            return fail("configs at " + where + ": " + errors.front().message);
        configs.emplace_back(keys[0], config);
    }
    if (code != SQLITE_DONE)
        return failSqlite();
    // Each snapshot has the configuration of the last row from its seq or before.
    std::size_t next = 0;
    for (std::size_t i = 0; i < m_seqs.size(); ++i) {
        while (next < configs.size() && configs[next].first <= m_seqs[i])
            ++next;
        if (next == 0)
            return fail("configs: no configuration holds at seq " + std::to_string(m_seqs[i])
                + (configs.empty() ? std::string(" (the table is empty)")
                                   : " (the first is from seq " + std::to_string(configs.front().first) + ")"));
        m_recording.snapshots[i].config = configs[next - 1].second;
    }
    return true;
}

/// Rows numbered 0, 1, 2... in each snapshot (supervisors, threads): `number` must be the next.
bool nextInOrder(std::size_t count, std::int64_t number, const char *what, std::string &why)
{
    if (number == static_cast<std::int64_t>(count))
        return true;
    why = std::string(what) + " " + std::to_string(number) + " where " + what + " " + std::to_string(count)
        + " was due (rows number them 0, 1, 2...)";
    return false;
}

bool Reader::readSamples()
{
    return readChildren(TableId::ConsumerSamples, consumerColumns(),
               [](Snapshot &s, std::int64_t, ConsumerSample &&row, std::string &) {
                   s.consumers.push_back(std::move(row));
                   return true;
               })
        && readChildren(TableId::ProducerSamples, producerColumns(),
            [](Snapshot &s, std::int64_t, ProducerSample row, std::string &) {
                s.producers.push_back(row);
                return true;
            })
        && readChildren(TableId::SupervisorSamples, supervisorColumns(),
            [](Snapshot &s, std::int64_t number, SupervisorSample &&row, std::string &why) {
                if (!nextInOrder(s.supervisors.size(), number, "supervisor", why))
                    return false;
                s.supervisors.push_back(std::move(row));
                return true;
            })
        && readChildren(TableId::ThreadSamples, threadColumns(),
            [](Snapshot &s, std::int64_t number, ThreadSample &&row, std::string &why) {
                if (!nextInOrder(s.threads.size(), number, "thread", why))
                    return false;
                s.threads.push_back(std::move(row));
                return true;
            })
        && readChildren(TableId::ThreadSlices, sliceColumns(),
            [](Snapshot &s, std::int64_t thread, ThreadSlice row, std::string &why) {
                if (thread < 0 || thread >= static_cast<std::int64_t>(s.threads.size())) {
                    why = "thread " + std::to_string(thread) + " has no row in thread_samples";
                    return false;
                }
                if (row.endS < row.startS) {
                    why = "end_s " + numberText(row.endS) + " is before start_s " + numberText(row.startS);
                    return false;
                }
                s.threads[static_cast<std::size_t>(thread)].recent.push_back(row);
                return true;
            })
        && readChildren(
            TableId::Events, eventColumns(), [](Snapshot &s, std::int64_t, EngineEvent &&row, std::string &) {
                s.events.push_back(std::move(row));
                return true;
            });
}

bool Reader::readMarkTable(TableId id, std::vector<std::pair<std::int64_t, LessonMark>> &marks)
{
    const Table &t = table(id);
    const Statement statement = prepare(selectSql(t, m_recording.info.schemaVersion));
    if (!statement)
        return false;
    const auto &columns = id == TableId::Verdicts ? verdictColumns() : stepColumns();
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(statement.get())) == SQLITE_ROW) {
        std::array<std::int64_t, 2> keys{};
        if (!readKeys(statement.get(), t, keys))
            return false;
        const std::string where = "mark " + std::to_string(keys[0]);
        LessonMark mark;
        mark.kind = id == TableId::Verdicts ? LessonMark::Kind::Verdict : LessonMark::Kind::Caption;
        if (!readColumns(statement.get(), t, 1, columns, mark, where))
            return false;
        if (id == TableId::LessonSteps && mark.kind == LessonMark::Kind::Verdict)
            return fail("lesson_steps.kind at " + where + ": 'verdict' belongs in the verdicts table");
        if (id == TableId::Verdicts && mark.verdict != "passed" && mark.verdict != "failed"
            && mark.verdict != "skipped")
            return fail("verdicts.verdict at " + where + ": '" + mark.verdict.substr(0, 40)
                + "' is not passed, failed or skipped");
        marks.emplace_back(keys[0], std::move(mark));
    }
    return code == SQLITE_DONE || failSqlite();
}

bool Reader::readMarks()
{
    std::vector<std::pair<std::int64_t, LessonMark>> marks;
    if (!readMarkTable(TableId::LessonSteps, marks) || !readMarkTable(TableId::Verdicts, marks))
        return false;
    std::stable_sort(marks.begin(), marks.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (std::size_t i = 0; i < marks.size(); ++i) {
        if (i > 0 && marks[i].first == marks[i - 1].first)
            return fail("mark " + std::to_string(marks[i].first) + " is in both lesson_steps and verdicts");
        m_recording.marks.push_back(std::move(marks[i].second));
    }
    return true;
}

} // namespace

std::optional<Recording> readRecording(const std::string &path, std::string &error)
{
    return Reader(path).read(error);
}

} // namespace beam
