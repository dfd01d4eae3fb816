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
/// `an object`, `nothing` (missing).
QString describeJsonValue(const QJsonValue &value);

/// Every field name applyConfigJson() knows.
QStringList configFieldNames();

} // namespace beam
