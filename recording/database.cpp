// SPDX-License-Identifier: MIT
#include "recording/database.h"

#include "recording/json.h"

#include <array>
#include <charconv>
#include <cmath>

namespace beam::recording {

Statement prepare(sqlite3 *db, std::string_view sql, std::string &error)
{
    sqlite3_stmt *statement = nullptr;
    const int code = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (code != SQLITE_OK) {
        sqlite3_finalize(statement);
        error = sqliteMessage(db, code);
        return nullptr;
    }
    return Statement(statement);
}

bool execute(sqlite3 *db, const std::string &sql, std::string &error)
{
    char *message = nullptr;
    const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    if (code == SQLITE_OK)
        return true;
    error = oneLine(message ? message : sqlite3_errstr(code), 200);
    sqlite3_free(message);
    return false;
}

std::string sqliteMessage(sqlite3 *db, int code)
{
    // SQLite's message may quote the file's own bytes (a damaged schema's names): one line, kept short.
    return oneLine(db ? sqlite3_errmsg(db) : sqlite3_errstr(code), 200);
}

bool openReadOnly(const std::string &path, Database &db, std::string &error)
{
    // The longest text or blob a recording's value may have (a scenario file is at most 1 MiB).
    constexpr int kMaxValueBytes = 64 * 1024 * 1024;
    sqlite3 *handle = nullptr;
    const int code = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    db.reset(handle);
    if (code != SQLITE_OK) {
        error = sqliteMessage(handle, code);
        return false;
    }
    // A file from elsewhere is untrusted: no SQL from its schema runs with side effects, nothing writes.
    sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
    sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
    return execute(handle, "PRAGMA cell_size_check=ON; PRAGMA query_only=ON", error);
}

std::string concat(std::initializer_list<std::string_view> parts)
{
    std::size_t size = 0;
    for (const auto part : parts)
        size += part.size();
    std::string out;
    out.reserve(size);
    for (const auto part : parts)
        out += part;
    return out;
}

std::string oneLine(std::string_view text, std::size_t limit)
{
    static constexpr std::string_view hex = "0123456789abcdef";
    std::string out;
    std::size_t i = 0;
    while (i < text.size() && i < limit) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t length = utf8Length(text, i);
        if (c == '\n') {
            out += "\\n";
        } else if (length == 0 || c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4U];
            out += hex[c & 15U];
        } else {
            out.append(text.substr(i, length));
        }
        i += length == 0 ? 1 : length;
    }
    if (i < text.size())
        out += "...";
    return out;
}

std::string describeValue(sqlite3_stmt *statement, int column)
{
    switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
        return std::to_string(sqlite3_column_int64(statement, column));
    case SQLITE_FLOAT:
        return numberText(sqlite3_column_double(statement, column));
    case SQLITE_TEXT: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement, column));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
        // Appended, not "'" + string: GCC 12 at -O3 warns (-Wrestrict) on that operator+ by mistake.
        std::string quoted(1, '\'');
        quoted += oneLine(std::string_view(text ? text : "", text ? size : 0), 40);
        quoted += '\'';
        return quoted;
    }
    case SQLITE_BLOB:
        return "a blob of " + std::to_string(sqlite3_column_bytes(statement, column)) + " bytes";
    default:
        return "null";
    }
}

std::string numberText(double value)
{
    if (std::isnan(value))
        return "nan";
    std::array<char, 64> buffer{};
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return error == std::errc{} ? std::string(buffer.data(), end) : std::string("?");
}

} // namespace beam::recording
