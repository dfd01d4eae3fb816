// SPDX-License-Identifier: MIT
#include "configjson.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>
#include <functional>
#include <map>
#include <optional>

namespace beam {

namespace {

QString str(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

QString describeJsonValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::String:
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

namespace {

constexpr double kLargestExactInteger = 9007199254740992.0; // 2^53

std::optional<std::int64_t> wholeNumber(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (std::floor(d) != d || std::abs(d) > kLargestExactInteger)
        return std::nullopt;
    return static_cast<std::int64_t>(d);
}

/// Sets one field from a JSON value; returns what was expected when the value has the wrong shape.
using Setter = std::function<std::optional<QString>(const QJsonValue &, PipelineConfig &)>;

template <typename T> Setter integer(T PipelineConfig::*field)
{
    return [field](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
        const auto n = wholeNumber(v);
        // Outside T's range the value is clamped to one past the range, so validate() names the range.
        if (!n)
            return QStringLiteral("an integer");
        constexpr auto low = static_cast<std::int64_t>(std::numeric_limits<T>::min());
        constexpr auto high = static_cast<std::int64_t>(std::numeric_limits<T>::max());
        c.*field = static_cast<T>(std::clamp<std::int64_t>(*n, low, high));
        return std::nullopt;
    };
}

Setter real(double PipelineConfig::*field)
{
    return [field](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
        if (!v.isDouble())
            return QStringLiteral("a number");
        c.*field = v.toDouble();
        return std::nullopt;
    };
}

template <typename Enum>
Setter choice(Enum PipelineConfig::*field, std::optional<Enum> (*parse)(std::string_view), const char *allowed)
{
    return [field, parse, allowed](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
        const auto parsed = v.isString() ? parse(v.toString().toStdString()) : std::nullopt;
        if (!parsed)
            return QString::fromLatin1(allowed);
        c.*field = *parsed;
        return std::nullopt;
    };
}

const std::map<QString, Setter> &setters()
{
    static const std::map<QString, Setter> table{
        {QStringLiteral("producers"), integer(&PipelineConfig::producers)},
        {QStringLiteral("consumers"), integer(&PipelineConfig::consumers)},
        {QStringLiteral("rate"),
            [](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
                if (v.isString() && v.toString() == QLatin1String("max")) {
                    c.rate.reset();
                    return std::nullopt;
                }
                const auto n = wholeNumber(v);
                if (!n || *n < 0)
                    return QStringLiteral("a whole number of events/s or \"max\"");
                c.rate = static_cast<std::uint64_t>(*n);
                return std::nullopt;
            }},
        {QStringLiteral("max_in_flight"), integer(&PipelineConfig::maxInFlight)},
        {QStringLiteral("work_us"), integer(&PipelineConfig::workUs)},
        {QStringLiteral("io_us"), integer(&PipelineConfig::ioUs)},
        {QStringLiteral("fault_rate"), real(&PipelineConfig::faultRate)},
        {QStringLiteral("max_attempts"), integer(&PipelineConfig::maxAttempts)},
        {QStringLiteral("overload"),
            choice(
                &PipelineConfig::overload, &overloadPolicyFromString, "\"backpressure\", \"drop\" or \"unbounded\"")},
        {QStringLiteral("safety_cap"), integer(&PipelineConfig::safetyCap)},
        {QStringLiteral("interval_ms"), integer(&PipelineConfig::intervalMs)},
        {QStringLiteral("seed"),
            [](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
                bool ok = false;
                const auto n = wholeNumber(v);
                if (n && *n >= 0) {
                    c.seed = static_cast<std::uint64_t>(*n);
                    return std::nullopt;
                }
                const auto seed = v.isString() ? v.toString().toULongLong(&ok) : 0;
                if (!ok)
                    return QStringLiteral("a non-negative integer or a string of digits");
                c.seed = seed;
                return std::nullopt;
            }},
        {QStringLiteral("crash_rate"), real(&PipelineConfig::crashRate)},
        {QStringLiteral("strategy"),
            choice(&PipelineConfig::strategy, &restartStrategyFromString,
                "\"one_for_one\", \"one_for_all\" or \"rest_for_one\"")},
        {QStringLiteral("max_restarts"), integer(&PipelineConfig::maxRestarts)},
        {QStringLiteral("max_seconds"), real(&PipelineConfig::maxSeconds)},
        {QStringLiteral("top_max_restarts"), integer(&PipelineConfig::topMaxRestarts)},
        {QStringLiteral("top_max_seconds"), real(&PipelineConfig::topMaxSeconds)},
        {QStringLiteral("backoff_min_ms"), integer(&PipelineConfig::backoffMinMs)},
        {QStringLiteral("backoff_max_ms"), integer(&PipelineConfig::backoffMaxMs)},
        {QStringLiteral("backoff_jitter"), real(&PipelineConfig::backoffJitter)},
        {QStringLiteral("poison_key"),
            [](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
                if (v.isNull()) {
                    c.poisonKey.reset();
                    return std::nullopt;
                }
                const auto n = wholeNumber(v);
                if (!n || *n < 0 || *n > std::numeric_limits<std::uint32_t>::max())
                    return QStringLiteral("a key 0..4095 or null");
                c.poisonKey = static_cast<std::uint32_t>(*n);
                return std::nullopt;
            }},
        {QStringLiteral("slow_consumer"),
            [](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
                if (v.isNull()) {
                    c.slowConsumer.reset();
                    return std::nullopt;
                }
                static const QRegularExpression form(QStringLiteral("^([0-9]{1,9}):([0-9]{1,9})$"));
                const auto match = form.match(v.toString());
                bool okIndex = false;
                bool okFactor = false;
                const int index = match.hasMatch() ? match.captured(1).toInt(&okIndex) : 0;
                const int factor = match.hasMatch() ? match.captured(2).toInt(&okFactor) : 0;
                if (!v.isString() || !okIndex || !okFactor)
                    return QStringLiteral("\"INDEX:FACTOR\" (e.g. \"0:10\") or null");
                c.slowConsumer = SlowConsumer{index, factor};
                return std::nullopt;
            }},
        {QStringLiteral("hang_timeout_ms"), integer(&PipelineConfig::hangTimeoutMs)},
        {QStringLiteral("on_escalation"),
            choice(&PipelineConfig::onEscalation, &escalationPolicyFromString, "\"stop\" or \"restart\"")},
    };
    return table;
}

} // namespace

QJsonObject configToJson(const PipelineConfig &c)
{
    QJsonObject o;
    o[QStringLiteral("producers")] = c.producers;
    o[QStringLiteral("consumers")] = c.consumers;
    o[QStringLiteral("rate")] = c.rate ? QJsonValue(static_cast<double>(*c.rate)) : QJsonValue(QStringLiteral("max"));
    o[QStringLiteral("max_in_flight")] = static_cast<double>(c.maxInFlight);
    o[QStringLiteral("work_us")] = c.workUs;
    o[QStringLiteral("io_us")] = c.ioUs;
    o[QStringLiteral("fault_rate")] = c.faultRate;
    o[QStringLiteral("max_attempts")] = c.maxAttempts;
    o[QStringLiteral("overload")] = str(toString(c.overload));
    o[QStringLiteral("safety_cap")] = static_cast<double>(c.safetyCap);
    o[QStringLiteral("interval_ms")] = c.intervalMs;
    o[QStringLiteral("seed")] = QString::number(c.seed); // a string: JSON numbers lose 64-bit integers
    o[QStringLiteral("crash_rate")] = c.crashRate;
    o[QStringLiteral("strategy")] = str(toString(c.strategy));
    o[QStringLiteral("max_restarts")] = c.maxRestarts;
    o[QStringLiteral("max_seconds")] = c.maxSeconds;
    o[QStringLiteral("top_max_restarts")] = c.topMaxRestarts;
    o[QStringLiteral("top_max_seconds")] = c.topMaxSeconds;
    o[QStringLiteral("backoff_min_ms")] = c.backoffMinMs;
    o[QStringLiteral("backoff_max_ms")] = c.backoffMaxMs;
    o[QStringLiteral("backoff_jitter")] = c.backoffJitter;
    o[QStringLiteral("poison_key")] = c.poisonKey ? QJsonValue(static_cast<int>(*c.poisonKey)) : QJsonValue();
    o[QStringLiteral("slow_consumer")] = c.slowConsumer
        ? QJsonValue(QStringLiteral("%1:%2").arg(c.slowConsumer->index).arg(c.slowConsumer->factor))
        : QJsonValue();
    o[QStringLiteral("hang_timeout_ms")] = c.hangTimeoutMs;
    o[QStringLiteral("on_escalation")] = str(toString(c.onEscalation));
    return o;
}

QStringList applyConfigJson(const QJsonObject &object, PipelineConfig &config, const QString &path)
{
    QStringList errors;
    PipelineConfig next = config;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString fieldPath = path + QLatin1Char('.') + it.key();
        const auto setter = setters().find(it.key());
        if (setter == setters().end()) {
            errors << QStringLiteral("%1: unknown configuration field (known: %2)")
                          .arg(fieldPath, configFieldNames().join(QStringLiteral(", ")));
            continue;
        }
        if (const auto expected = setter->second(it.value(), next))
            errors
                << QStringLiteral("%1: expected %2, got %3").arg(fieldPath, *expected, describeJsonValue(it.value()));
    }
    if (!errors.isEmpty())
        return errors;
    for (const auto &e : next.validate())
        errors << QStringLiteral("%1.%2: %3").arg(path, str(e.field), str(e.message));
    if (errors.isEmpty())
        config = next;
    return errors;
}

QStringList configFieldNames()
{
    QStringList names;
    for (const auto &[name, setter] : setters())
        names << name;
    return names;
}

} // namespace beam
