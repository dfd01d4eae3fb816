// SPDX-License-Identifier: MIT
// RecordingWriter: every row through a prepared statement made once, in one transaction, into PATH.part with
// neither a journal nor a sync (a part file that dies half-way is thrown away, never read); at the end the
// indexes, one fsync, and a rename over PATH.
#include "recording/columns.h"
#include "recording/database.h"
#include "recording/recordingfile.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

namespace beam {

using namespace recording;

struct RecordingWriter::Impl {
    std::string path; ///< where finish() puts the file
    std::string part; ///< where it is written until then
    Database db; ///< open between open() and finish()/abandon()
    std::array<Statement, kTableCount> inserts; ///< one per table, TableId order; finalized before db closes
    std::int64_t seq = 0; ///< the last snapshot's seq
    std::int64_t marks = 0; ///< marks added
    std::optional<PipelineConfig> config; ///< the configuration last written to `configs`
    std::string error;

    bool fail(const std::string &what)
    {
        error = "cannot write " + oneLine(path) + ": " + what;
        close();
        std::remove(part.c_str());
        return false;
    }
    bool failSqlite() { return fail(sqliteMessage(db.get(), SQLITE_ERROR)); }

    void close()
    {
        for (auto &statement : inserts)
            statement.reset();
        db.reset();
    }

    Statement &insert(TableId id) { return inserts[static_cast<std::size_t>(id)]; }

    /// One row: `keys` then the columns of `row`.
    template <typename Row>
    bool row(
        TableId id, std::initializer_list<std::int64_t> keys, const std::vector<Column<Row>> &columns, const Row &value)
    {
        sqlite3_stmt *statement = insert(id).get();
        int index = 1;
        for (const std::int64_t key : keys)
            sqlite3_bind_int64(statement, index++, key);
        for (const auto &column : columns)
            column.bind(statement, index++, value);
        const int code = sqlite3_step(statement);
        sqlite3_reset(statement);
        return code == SQLITE_DONE || failSqlite();
    }

    bool createTables();
    bool addSamples(const Snapshot &snapshot);
    bool writeMeta(const RecordingInfo &info);
    bool complete();
};

bool RecordingWriter::Impl::createTables()
{
    std::string sql
        = "PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; "
          "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768; "
          "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); ";
    for (const auto &t : tables())
        sql += createSql(t) + "; ";
    std::string why;
    if (!execute(db.get(), sql + "BEGIN", why))
        return fail(why);
    for (const auto &t : tables()) {
        insert(t.id) = prepare(db.get(), insertSql(t), why);
        if (!insert(t.id))
            return fail(why);
    }
    return true;
}

bool RecordingWriter::Impl::addSamples(const Snapshot &s)
{
    for (const auto &consumer : s.consumers) {
        if (!row(TableId::ConsumerSamples, {seq}, consumerColumns(), consumer))
            return false;
    }
    for (const auto &producer : s.producers) {
        if (!row(TableId::ProducerSamples, {seq}, producerColumns(), producer))
            return false;
    }
    for (std::size_t i = 0; i < s.supervisors.size(); ++i) {
        if (!row(
                TableId::SupervisorSamples, {seq, static_cast<std::int64_t>(i)}, supervisorColumns(), s.supervisors[i]))
            return false;
    }
    for (std::size_t i = 0; i < s.threads.size(); ++i) {
        const auto thread = static_cast<std::int64_t>(i);
        if (!row(TableId::ThreadSamples, {seq, thread}, threadColumns(), s.threads[i]))
            return false;
        for (const auto &slice : s.threads[i].recent) {
            if (!row(TableId::ThreadSlices, {seq, thread}, sliceColumns(), slice))
                return false;
        }
    }
    for (const auto &event : s.events) {
        if (!row(TableId::Events, {seq}, eventColumns(), event))
            return false;
    }
    return true;
}

bool RecordingWriter::Impl::writeMeta(const RecordingInfo &info)
{
    std::string why;
    Statement statement = prepare(db.get(), "INSERT INTO meta (key, value) VALUES (?, ?)", why);
    if (!statement)
        return fail(why);
    const std::pair<const char *, std::string> entries[] = {
        {"schema_version", std::to_string(RecordingInfo::kSchemaVersion)},
        {"app_version", info.appVersion},
        {"tbb_version", info.tbbVersion},
        {"sqlite_version", sqlite3_libversion()},
        {"created_utc", info.createdUtc},
        {"lesson", info.lesson},
        {"scenario_json", info.scenarioJson},
        {"lesson_speed", numberText(info.lessonSpeed)},
        {"config_json", info.configJson},
    };
    for (const auto &[key, value] : entries) {
        sqlite3_bind_text(statement.get(), 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text64(statement.get(), 2, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
        const int code = sqlite3_step(statement.get());
        sqlite3_reset(statement.get());
        if (code != SQLITE_DONE)
            return failSqlite();
    }
    return true;
}

bool RecordingWriter::Impl::complete()
{
    std::string sql;
    for (const auto &t : tables()) {
        if (const std::string index = indexSql(t); !index.empty())
            sql += index + "; ";
    }
    std::string why;
    if (!execute(db.get(), sql + "COMMIT", why))
        return fail(why);
    close();
    // The data reaches the disk before the name does: a crash after the rename never leaves a broken file there.
    const int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0)
        ::close(fd);
    if (!synced)
        return fail(std::string(std::strerror(errno)) + " (syncing " + part + ")");
    if (std::rename(part.c_str(), path.c_str()) != 0)
        return fail(std::string(std::strerror(errno)) + " (renaming " + part + " to it)");
    return true;
}

RecordingWriter::RecordingWriter()
    : d(std::make_unique<Impl>())
{ }

RecordingWriter::~RecordingWriter()
{
    abandon();
}

bool RecordingWriter::open(const std::string &path)
{
    abandon();
    d->path = path;
    d->part = path + ".part";
    d->error.clear();
    d->seq = 0;
    d->marks = 0;
    d->config.reset();
    // A part file left by a run that died would be opened as it is; its journal would be played into the new one.
    std::remove(d->part.c_str());
    std::remove((d->part + "-journal").c_str());
    sqlite3 *db = nullptr;
    const int code = sqlite3_open_v2(
        d->part.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    d->db.reset(db);
    if (code != SQLITE_OK)
        return d->fail(sqliteMessage(db, code) + " (" + d->part + ")");
    return d->createTables();
}

bool RecordingWriter::add(const Snapshot &snapshot)
{
    if (!d->db)
        return false;
    ++d->seq;
    if (!d->row(TableId::Snapshots, {d->seq}, snapshotColumns(), snapshot))
        return false;
    if (!d->config || !(*d->config == snapshot.config)) {
        if (!d->row(TableId::Configs, {d->seq}, configColumns(), snapshot.config))
            return false;
        d->config = snapshot.config;
    }
    return d->addSamples(snapshot);
}

bool RecordingWriter::add(const LessonMark &mark)
{
    if (!d->db)
        return false;
    if (mark.kind == LessonMark::Kind::Verdict)
        return d->row(TableId::Verdicts, {d->marks++}, verdictColumns(), mark);
    return d->row(TableId::LessonSteps, {d->marks++}, stepColumns(), mark);
}

bool RecordingWriter::finish(const RecordingInfo &info)
{
    if (!d->db)
        return false;
    return d->writeMeta(info) && d->complete();
}

void RecordingWriter::abandon()
{
    if (!d->db)
        return;
    d->close();
    std::remove(d->part.c_str());
}

bool RecordingWriter::isOpen() const
{
    return d->db != nullptr;
}

const std::string &RecordingWriter::error() const
{
    return d->error;
}

bool writeRecording(const std::string &path, const Recording &recording, std::string &error)
{
    RecordingWriter writer;
    bool ok = writer.open(path);
    for (std::size_t i = 0; ok && i < recording.snapshots.size(); ++i)
        ok = writer.add(recording.snapshots[i]);
    for (std::size_t i = 0; ok && i < recording.marks.size(); ++i)
        ok = writer.add(recording.marks[i]);
    ok = ok && writer.finish(recording.info);
    error = writer.error();
    return ok;
}

} // namespace beam
