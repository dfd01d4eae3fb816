// SPDX-License-Identifier: MIT
// Inside the recording library: every table of a recording, column by column (docs/recording.md). One list per
// struct says how each field is bound into an INSERT and read back from a SELECT, so that the writer, the
// reader's checks and the CSV export cannot disagree on a name or an order.
#pragma once

#include "core/recording.h"

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beam::recording {

/// A column's declared type (its SQLite affinity).
enum class SqlType { Integer, Real, Text };
/// INTEGER, REAL or TEXT.
std::string_view sqlName(SqlType type);

/// One column of a table that holds a field of `Row`.
template <typename Row> struct Column {
    std::string name; ///< snake_case, as a student queries it
    SqlType type = SqlType::Integer; ///< as declared
    /// Binds the field of `row` to parameter `index` (1-based) of an INSERT. Text is bound without a copy: `row`
    /// must outlive the statement's next step.
    void (*bind)(sqlite3_stmt *statement, int index, const Row &row) = nullptr;
    /// Reads result column `index` (0-based) into the field of `row`; false, with `why` naming the value and what
    /// was expected, when the value cannot be that field.
    bool (*read)(sqlite3_stmt *statement, int index, Row &row, std::string &why) = nullptr;
    /// The schema that added it (RecordingInfo::kSchemaVersion): a file of an older schema has no such column,
    /// and its rows keep the field as the reader had it.
    int since = 1;
};

/// The schema that added the pacing (the pacing lag in snapshots, pacing_us in configs): a file of an older one
/// paced exactly.
inline constexpr int kSchemaWithPacing = 2;

/// The snapshots table's columns after `seq`: every scalar field of Snapshot.
const std::vector<Column<Snapshot>> &snapshotColumns();
/// The configs table's columns after `from_seq`: every field of PipelineConfig.
const std::vector<Column<PipelineConfig>> &configColumns();
/// consumer_samples after `seq`.
const std::vector<Column<ConsumerSample>> &consumerColumns();
/// producer_samples after `seq`.
const std::vector<Column<ProducerSample>> &producerColumns();
/// supervisor_samples after `seq, supervisor`.
const std::vector<Column<SupervisorSample>> &supervisorColumns();
/// thread_samples after `seq, thread`.
const std::vector<Column<ThreadSample>> &threadColumns();
/// thread_slices after `seq, thread`.
const std::vector<Column<ThreadSlice>> &sliceColumns();
/// events after `seq`.
const std::vector<Column<EngineEvent>> &eventColumns();
/// lesson_steps after `mark`: the marks of kind start, step, caption and end.
const std::vector<Column<LessonMark>> &stepColumns();
/// verdicts after `mark`: the marks of kind verdict (the kind itself is not stored).
const std::vector<Column<LessonMark>> &verdictColumns();

/// The tables besides `meta`, in the order they are created, checked and exported.
enum class TableId {
    Snapshots,
    Configs,
    ConsumerSamples,
    ProducerSamples,
    SupervisorSamples,
    ThreadSamples,
    ThreadSlices,
    Events,
    LessonSteps,
    Verdicts,
};
/// How many TableId values there are.
inline constexpr int kTableCount = 10;

/// A table: its name, its keys (the integer columns that place a row: `seq`, `thread`...), then its struct's
/// columns, and the order its rows are read and exported in: the key's for a table whose one key is its INTEGER
/// PRIMARY KEY, else the order the rows were written in (rowid; such a table has an index on `seq`).
struct Table {
    TableId id = TableId::Snapshots; ///< which one
    std::string name; ///< e.g. consumer_samples
    std::vector<std::string> keys; ///< the leading integer columns, e.g. seq, thread
    bool keyIsRowId = false; ///< the one key is the INTEGER PRIMARY KEY (unique)
    std::vector<std::pair<std::string, SqlType>> columns; ///< every column, the keys first
    std::vector<int> since; ///< the schema that added each column (Column::since; 1 for the keys), as `columns`
    std::string order; ///< the ORDER BY that reads the rows back in the order they were written: the key, or rowid
};
/// Every table, in TableId order.
const std::vector<Table> &tables();
/// The table `id`.
const Table &table(TableId id);

/// CREATE TABLE for `table`.
std::string createSql(const Table &table);
/// CREATE INDEX on its `seq`, or empty for a table whose key is its INTEGER PRIMARY KEY.
std::string indexSql(const Table &table);
/// INSERT of one row, every column a parameter (1-based, in Table::columns order).
std::string insertSql(const Table &table);
/// SELECT of every column by name (in Table::columns order), in Table::order, from a file of schema `schema`: a
/// column added by a later schema reads as NULL.
std::string selectSql(const Table &table, int schema);

/// The key/value table of RecordingInfo, and the schema version.
inline constexpr std::string_view kMetaTable = "meta";

} // namespace beam::recording
