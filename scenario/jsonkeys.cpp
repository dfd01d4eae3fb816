// SPDX-License-Identifier: MIT
#include "jsonkeys.h"

#include "configjson.h"

#include <QHash>

#include <algorithm>
#include <utility>
#include <vector>

namespace beam {

namespace {

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// A JSON string's contents (between its quotes) as QJsonDocument decodes them: UTF-8, and escapes, where
/// `\uXXXX` is one UTF-16 code unit (a surrogate pair is two escapes).
QString decodeString(QByteArrayView raw)
{
    QString out;
    qsizetype plain = 0; // start of the bytes not yet decoded
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\')
            continue;
        out += QString::fromUtf8(raw.sliced(plain, i - plain));
        const char escape = i + 1 < raw.size() ? raw[i + 1] : '\0';
        ++i;
        switch (escape) {
        case 'b':
            out += QLatin1Char('\b');
            break;
        case 'f':
            out += QLatin1Char('\f');
            break;
        case 'n':
            out += QLatin1Char('\n');
            break;
        case 'r':
            out += QLatin1Char('\r');
            break;
        case 't':
            out += QLatin1Char('\t');
            break;
        case 'u': {
            char16_t unit = 0;
            for (int k = 1; k <= 4 && i + k < raw.size(); ++k)
                unit = static_cast<char16_t>(unit * 16 + std::max(0, hexDigit(raw[i + k])));
            out += QChar(unit);
            i += 4;
            break;
        }
        default: // \" \\ \/
            out += QLatin1Char(escape);
            break;
        }
        plain = i + 1;
    }
    if (plain < raw.size())
        out += QString::fromUtf8(raw.sliced(plain));
    return out;
}

struct Position {
    int line = 0;
    int column = 0;
};

/// An object or array being read.
struct Frame {
    bool object = false;
    QString path; ///< its own JSON path
    int index = 0; ///< array: the element being read
    bool expectKey = false; ///< object: the next string is a key
    QString key; ///< object: the key of the value being read
    QHash<QString, Position> seen; ///< object: each key and where it was first written
};

} // namespace

QList<DuplicateKey> findDuplicateKeys(QByteArrayView json, qsizetype *keys)
{
    QList<DuplicateKey> found;
    std::vector<Frame> stack;
    qsizetype count = 0;
    int line = 1;
    qsizetype lineStart = 0;
    const auto valuePath = [&stack] {
        if (stack.empty())
            return QStringLiteral("$");
        const Frame &top = stack.back();
        return top.object ? top.path + QLatin1Char('.') + escapeControl(top.key)
                          : QStringLiteral("%1[%2]").arg(top.path).arg(top.index);
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        switch (json[i]) {
        case '\n':
            ++line;
            lineStart = i + 1;
            break;
        case '{':
        case '[': {
            Frame frame;
            frame.object = json[i] == '{';
            frame.expectKey = frame.object;
            frame.path = valuePath();
            stack.push_back(std::move(frame));
            break;
        }
        case '}':
        case ']':
            if (!stack.empty())
                stack.pop_back();
            break;
        case ',':
            if (!stack.empty()) {
                if (stack.back().object)
                    stack.back().expectKey = true;
                else
                    ++stack.back().index;
            }
            break;
        case '"': {
            const qsizetype start = i;
            for (++i; i < json.size() && json[i] != '"'; ++i) {
                if (json[i] == '\\')
                    ++i; // the escaped character, which may be a quote
            }
            if (i >= json.size())
                break; // not JSON QJsonDocument accepted: an unterminated string
            if (stack.empty() || !stack.back().object || !stack.back().expectKey)
                break; // a string value
            Frame &top = stack.back();
            top.expectKey = false;
            top.key = decodeString(json.sliced(start + 1, i - start - 1));
            ++count;
            const Position here{line, static_cast<int>(start - lineStart + 1)};
            const auto first = top.seen.constFind(top.key);
            if (first == top.seen.constEnd()) {
                top.seen.insert(top.key, here);
            } else {
                found.append({top.path + QLatin1Char('.') + escapeControl(top.key), top.key, first->line, first->column,
                    here.line, here.column});
            }
            break;
        }
        default: // white space, ':', numbers, true, false, null
            break;
        }
    }
    if (keys)
        *keys = count;
    return found;
}

} // namespace beam
