// SPDX-License-Identifier: MIT
#include "recording/json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace beam::recording {

std::size_t utf8Length(std::string_view text, std::size_t i)
{
    const auto byte = [&text](std::size_t at) { return static_cast<unsigned char>(text[at]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead < 0x80)
        return 1;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        code = lead & 0x1fU;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        code = lead & 0x0fU;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        code = lead & 0x07U;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xc0U) != 0x80)
            return 0;
        code = (code << 6U) | (byte(i + k) & 0x3fU);
    }
    const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    const bool surrogate = code >= 0xd800 && code <= 0xdfff;
    return overlong || surrogate || code > 0x10ffff ? 0 : length;
}

namespace {

void appendUtf8(std::string &out, std::uint32_t code)
{
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xc0U | (code >> 6U));
        out += static_cast<char>(0x80U | (code & 0x3fU));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xe0U | (code >> 12U));
        out += static_cast<char>(0x80U | ((code >> 6U) & 0x3fU));
        out += static_cast<char>(0x80U | (code & 0x3fU));
    } else {
        out += static_cast<char>(0xf0U | (code >> 18U));
        out += static_cast<char>(0x80U | ((code >> 12U) & 0x3fU));
        out += static_cast<char>(0x80U | ((code >> 6U) & 0x3fU));
        out += static_cast<char>(0x80U | (code & 0x3fU));
    }
}

/// Reads the JSON string starting at `text[i]` (its opening quote) into `out`; `i` ends past its closing quote.
bool readString(std::string_view text, std::size_t &i, std::string &out);

/// Four hex digits at `text[i]`.
std::optional<std::uint32_t> readHex4(std::string_view text, std::size_t i)
{
    if (i + 4 > text.size())
        return std::nullopt;
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(text.data() + i, text.data() + i + 4, value, 16);
    if (error != std::errc{} || end != text.data() + i + 4)
        return std::nullopt;
    return value;
}

/// The escape after a backslash at `text[i]` (`i` is on the letter), appended to `out`; `i` ends past it.
bool readEscape(std::string_view text, std::size_t &i, std::string &out)
{
    static constexpr std::string_view from = "\"\\/bfnrt";
    static constexpr std::string_view to = "\"\\/\b\f\n\r\t";
    if (const auto simple = from.find(text[i]); simple != std::string_view::npos) {
        out += to[simple];
        ++i;
        return true;
    }
    if (text[i] != 'u')
        return false;
    auto code = readHex4(text, i + 1);
    i += 5;
    if (code && *code >= 0xd800 && *code <= 0xdbff) {
        // A high surrogate needs its low half: \uD83D\uDE00.
        const auto low
            = i + 1 < text.size() && text[i] == '\\' && text[i + 1] == 'u' ? readHex4(text, i + 2) : std::nullopt;
        if (!low || *low < 0xdc00 || *low > 0xdfff)
            return false;
        code = 0x10000 + ((*code - 0xd800) << 10U) + (*low - 0xdc00);
        i += 6;
    } else if (code && *code >= 0xdc00 && *code <= 0xdfff) {
        return false;
    }
    if (!code)
        return false;
    appendUtf8(out, *code);
    return true;
}

bool readString(std::string_view text, std::size_t &i, std::string &out)
{
    ++i; // the opening quote
    while (i < text.size()) {
        const char c = text[i];
        if (c == '"') {
            ++i;
            return true;
        }
        if (static_cast<unsigned char>(c) < 0x20)
            return false;
        if (c == '\\') {
            ++i;
            if (i >= text.size() || !readEscape(text, i, out))
                return false;
            continue;
        }
        out += c;
        ++i;
    }
    return false;
}

void skipSpace(std::string_view text, std::size_t &i)
{
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        ++i;
}

} // namespace

void appendJsonString(std::string &out, std::string_view text)
{
    static constexpr std::string_view hex = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t length = utf8Length(text, i);
        if (length == 0) {
            out += "\xef\xbf\xbd"; // U+FFFD for a byte that starts no UTF-8 sequence
            ++i;
            continue;
        }
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4U];
            out += hex[c & 15U];
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
    out += '"';
}

std::string jsonStringArray(const std::vector<std::string> &words)
{
    std::string out = "[";
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            out += ',';
        appendJsonString(out, words[i]);
    }
    return out + "]";
}

std::optional<std::vector<std::string>> parseJsonStringArray(std::string_view text)
{
    std::vector<std::string> words;
    std::size_t i = 0;
    skipSpace(text, i);
    if (i >= text.size() || text[i] != '[')
        return std::nullopt;
    ++i;
    skipSpace(text, i);
    if (i < text.size() && text[i] == ']') {
        ++i;
    } else {
        for (;;) {
            skipSpace(text, i);
            std::string word;
            if (i >= text.size() || text[i] != '"' || !readString(text, i, word))
                return std::nullopt;
            words.push_back(std::move(word));
            skipSpace(text, i);
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            if (i < text.size() && text[i] == ']') {
                ++i;
                break;
            }
            return std::nullopt;
        }
    }
    skipSpace(text, i);
    if (i != text.size())
        return std::nullopt;
    return words;
}

std::string jsonNumber(double value)
{
    if (!std::isfinite(value))
        return "null";
    std::array<char, 64> buffer{};
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return error == std::errc{} ? std::string(buffer.data(), end) : std::string("null");
}

} // namespace beam::recording
