// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"

#include <QJsonObject>
#include <QStringList>

namespace beam {

/// The configuration as JSON, with the field names of the command line's long flags in snake_case
/// (`max_in_flight`, `crash_rate`, ...). `rate` is a number or "max"; `seed` a decimal string.
QJsonObject configToJson(const PipelineConfig &config);

/// Applies the fields present in `object` to `config`, leaving the others as they are.
/// Each error names the JSON path (`path` + "." + field), what was expected and what was found; range checks
/// of the result come from PipelineConfig::validate(). On error `config` is left unchanged.
QStringList applyConfigJson(const QJsonObject &object, PipelineConfig &config, const QString &path);

/// A JSON value as the user wrote it, for the "got ..." of an error message: `"text"`, `42`, `true`, `null`,
/// `an object`, `nothing` (missing). Numbers read back as the same number (1.0000001, 9223372036854775807);
/// strings keep to one line (control characters escaped) and to 100 characters.
QString describeJsonValue(const QJsonValue &value);

/// A number as the shortest text that reads back as the same double: 31536001 (not QString::arg()'s
/// 3.1536e+07), 1.0000001, -0, 9.223372036854776e+18.
QString numberText(double value);

/// `text` on one line, for an error message: control characters written as JSON escapes (`\n`, `\u0000`).
QString escapeControl(const QString &text);

/// Bytes as UTF-8 on one line, for an error message: a byte that is not UTF-8 is written `\xff`, a control
/// character as in escapeControl().
QString describeBytes(QByteArrayView bytes);

/// Every field name applyConfigJson() knows.
QStringList configFieldNames();

} // namespace beam
