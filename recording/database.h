// SPDX-License-Identifier: MIT
// Inside the recording library: SQLite handles that close themselves, and the few calls every part makes.
#pragma once

#include <sqlite3.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace beam::recording {

/// Closes a connection (once its last statement is finalized).
struct CloseDatabase {
    /// sqlite3_close_v2().
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
};
/// An open connection.
using Database = std::unique_ptr<sqlite3, CloseDatabase>;

/// Finalizes a prepared statement.
struct FinalizeStatement {
    /// sqlite3_finalize().
    void operator()(sqlite3_stmt *statement) const { sqlite3_finalize(statement); }
};
/// A prepared statement.
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

/// Prepares `sql`; null, with `error` set to SQLite's message, if it cannot be.
Statement prepare(sqlite3 *db, std::string_view sql, std::string &error);
/// Runs `sql` (statements without results); false, with `error` set to SQLite's message (oneLine()), if one fails.
bool execute(sqlite3 *db, const std::string &sql, std::string &error);
/// SQLite's message for the connection's last error, or the result code's text without a connection; oneLine().
std::string sqliteMessage(sqlite3 *db, int code);

/// Opens the file at `path` read-only as a file from elsewhere is opened: defensive, no triggers, no schema
/// functions with side effects, values at most 64 MiB. False, with `error` set to SQLite's message, on failure.
bool openReadOnly(const std::string &path, Database &db, std::string &error);

/// `text` for a one-line message: a line break as \\n, other control characters and bytes that are not UTF-8 as
/// \\xNN, cut after `limit` bytes with "...".
std::string oneLine(std::string_view text, std::size_t limit = std::string_view::npos);

/// The parts put together, in one allocation (for messages built inside loops).
std::string concat(std::initializer_list<std::string_view> parts);

/// A column's value for a message: 'text' (cut short, control characters escaped), a number, null, or
/// "a blob of N bytes".
std::string describeValue(sqlite3_stmt *statement, int column);
/// The shortest text that reads back as the same double: 0.1, 1e+300, -0, inf, nan.
std::string numberText(double value);

} // namespace beam::recording
