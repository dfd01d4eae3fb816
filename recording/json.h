// SPDX-License-Identifier: MIT
// Inside the recording library: the little JSON it writes and reads without Qt (RFC 8259).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beam::recording {

/// The length of the UTF-8 sequence at `text[i]` (`i` < size), or 0 if none starts there (a stray byte, an
/// overlong form, a surrogate, past U+10FFFF, cut short).
std::size_t utf8Length(std::string_view text, std::size_t i);

/// Appends `text` to `out` as a JSON string: quoted, with `"`, `\` and control characters escaped, and any
/// byte sequence that is not UTF-8 replaced by U+FFFD (a JSON text is UTF-8).
void appendJsonString(std::string &out, std::string_view text);
/// `words` as a JSON array of strings: ["running","stopped"].
std::string jsonStringArray(const std::vector<std::string> &words);
/// Reads what jsonStringArray() writes (any JSON array of strings, white space allowed); nullopt for anything else.
std::optional<std::vector<std::string>> parseJsonStringArray(std::string_view text);
/// `value` as a JSON number: the shortest text that reads back as the same double; null when it is not finite.
std::string jsonNumber(double value);

} // namespace beam::recording
