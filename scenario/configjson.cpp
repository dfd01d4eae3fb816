// SPDX-License-Identifier: MIT
#include "configjson.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

namespace beam {

namespace {

constexpr double kLargestExactInteger = 9007199254740992.0; // 2^53: every whole double up to it is exact

QString str(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

QString numberText(double value)
{
    if (value == 0)
        return std::signbit(value) ? QStringLiteral("-0") : QStringLiteral("0");
    // 'g' writes 2^63 as 9223372036854776000, digits nobody typed: past 1e16, an exponent.
    return QString::number(value, std::abs(value) >= 1e16 ? 'e' : 'g', QLocale::FloatingPointShortest);
}

QString escapeControl(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('\n'))
            out += QLatin1String("\\n");
        else if (c == QLatin1Char('\r'))
            out += QLatin1String("\\r");
        else if (c == QLatin1Char('\t'))
            out += QLatin1String("\\t");
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

namespace {

/// The length of the valid UTF-8 sequence at the start of `bytes`, or 0 if it does not start with one (a stray
/// continuation byte, an overlong form, a surrogate, past U+10FFFF, cut short).
qsizetype utf8SequenceLength(QByteArrayView bytes)
{
    const auto at = [&bytes](qsizetype i) { return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0U; };
    const auto continuation
        = [](unsigned byte, unsigned low = 0x80, unsigned high = 0xbf) { return byte >= low && byte <= high; };
    const unsigned lead = at(0);
    if (lead < 0x80)
        return 1;
    if (lead >= 0xc2 && lead <= 0xdf)
        return continuation(at(1)) ? 2 : 0;
    if (lead >= 0xe0 && lead <= 0xef) {
        const unsigned low = lead == 0xe0 ? 0xa0 : 0x80;
        const unsigned high = lead == 0xed ? 0x9f : 0xbf;
        return continuation(at(1), low, high) && continuation(at(2)) ? 3 : 0;
    }
    if (lead >= 0xf0 && lead <= 0xf4) {
        const unsigned low = lead == 0xf0 ? 0x90 : 0x80;
        const unsigned high = lead == 0xf4 ? 0x8f : 0xbf;
        return continuation(at(1), low, high) && continuation(at(2)) && continuation(at(3)) ? 4 : 0;
    }
    return 0;
}

} // namespace

QString describeBytes(QByteArrayView bytes)
{
    QString out;
    for (qsizetype i = 0; i < bytes.size();) {
        const qsizetype length = utf8SequenceLength(bytes.sliced(i));
        if (length == 0) {
            out += QStringLiteral("\\x%1").arg(static_cast<unsigned char>(bytes[i]), 2, 16, QLatin1Char('0'));
            ++i;
        } else {
            out += escapeControl(QString::fromUtf8(bytes.sliced(i, length)));
            i += length;
        }
    }
    return out;
}

QString describeJsonValue(const QJsonValue &value)
{
    constexpr qsizetype kLongest = 100; // characters of a string shown
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        // A whole number that JSON kept exactly prints as written (9223372036854775807 is not 2^63), any other
        // as the shortest text that reads back as the same double.
        const double number = value.toDouble();
        const qint64 whole = value.toInteger(0);
        if (whole != 0 && static_cast<double>(whole) == number)
            return QString::number(whole);
        return numberText(number);
    }
    case QJsonValue::String: {
        const QString text = value.toString();
        if (text.size() <= kLongest)
            return QLatin1Char('"') + escapeControl(text) + QLatin1Char('"');
        return QStringLiteral("\"%1...\" (%2 characters)").arg(escapeControl(text.left(kLongest))).arg(text.size());
    }
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

/// A JSON number with no fraction (of any size: 1e300 is one), or nullopt.
std::optional<double> wholeNumber(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (!std::isfinite(d) || std::floor(d) != d)
        return std::nullopt;
    return d;
}

/// `d` (whole) in T, or T's nearest end when it is beyond T. Every integer field's range lies well inside its
/// type, so a clamped value is still refused by validate(), and applyConfigJson() puts the number as written
/// back into that message.
template <typename T> T clampTo(double d)
{
    constexpr auto low = std::numeric_limits<T>::min();
    constexpr auto high = std::numeric_limits<T>::max();
    if (d <= static_cast<double>(low))
        return low;
    if (d >= static_cast<double>(high)) // a 64-bit max rounds up to 2^64 or 2^63: >= keeps the cast in T
        return high;
    return static_cast<T>(d);
}

/// validate()'s message names the value the configuration holds ("consumers = 2147483647 is out of range
/// 1..256"); for an integer clamped by clampTo() that is not what the file says, so name the number as written.
QString asWritten(const QString &message, const QString &field, const QJsonValue &written)
{
    const QString prefix = field + QStringLiteral(" = ");
    if (!written.isDouble() || !message.startsWith(prefix))
        return message;
    const qsizetype end = message.indexOf(QLatin1Char(' '), prefix.size());
    const QString held = message.mid(prefix.size(), end < 0 ? -1 : end - prefix.size());
    const QString shown = describeJsonValue(written);
    if (held == shown)
        return message;
    return prefix + shown + (end < 0 ? QString() : message.mid(end));
}

/// Sets one field from a JSON value; returns what was expected when the value has the wrong shape.
using Setter = std::function<std::optional<QString>(const QJsonValue &, PipelineConfig &)>;

template <typename T> Setter integer(T PipelineConfig::*field)
{
    return [field](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
        const auto n = wholeNumber(v);
        if (!n)
            return QStringLiteral("an integer");
        c.*field = clampTo<T>(*n);
        return std::nullopt;
    };
}

Setter real(double PipelineConfig::*field)
{
    return [field](const QJsonValue &v, PipelineConfig &c) -> std::optional<QString> {
        if (!v.isDouble())
            return QStringLiteral("a number");
        c.*field = v.toDouble() + 0.0; // -0 is 0: the report says 0, not -0
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

/// "rate": a whole number of events/s, or "max".
std::optional<QString> setRate(const QJsonValue &v, PipelineConfig &c)
{
    if (v.isString() && v.toString() == QLatin1String("max")) {
        c.rate.reset();
        return std::nullopt;
    }
    const auto n = wholeNumber(v);
    if (!n || *n < 0)
        return QStringLiteral("a whole number of events/s or \"max\"");
    c.rate = clampTo<std::uint64_t>(*n);
    return std::nullopt;
}

/// "seed": a number up to 2^53, or a string of digits up to 2^64 - 1.
std::optional<QString> setSeed(const QJsonValue &v, PipelineConfig &c)
{
    const auto n = wholeNumber(v);
    if (n && *n >= 0 && *n <= kLargestExactInteger) {
        c.seed = static_cast<std::uint64_t>(*n);
        return std::nullopt;
    }
    if (n && *n > kLargestExactInteger)
        return QStringLiteral("a seed up to 2^53 as a number (JSON numbers lose digits past it: write a "
                              "larger seed as a string of digits)");
    const QString text = v.isString() ? v.toString() : QString();
    bool ok = false;
    const auto seed = text.toULongLong(&ok);
    // Digits only: toULongLong() also takes spaces and a sign.
    if (!ok || text.isEmpty() || !std::all_of(text.begin(), text.end(), [](QChar digit) {
            return digit >= QLatin1Char('0') && digit <= QLatin1Char('9');
        }))
        return QStringLiteral("a seed 0..18446744073709551615, as a number or a string of digits");
    c.seed = seed;
    return std::nullopt;
}

/// "poison_key": a key, or null for none.
std::optional<QString> setPoisonKey(const QJsonValue &v, PipelineConfig &c)
{
    if (v.isNull()) {
        c.poisonKey.reset();
        return std::nullopt;
    }
    const auto n = wholeNumber(v);
    if (!n || *n < 0 || *n > std::numeric_limits<std::uint32_t>::max())
        return QStringLiteral("a key 0..4095 or null");
    c.poisonKey = static_cast<std::uint32_t>(*n);
    return std::nullopt;
}

/// "slow_consumer": "INDEX:FACTOR", or null for none.
std::optional<QString> setSlowConsumer(const QJsonValue &v, PipelineConfig &c)
{
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
}

const std::map<QString, Setter> &setters()
{
    static const std::map<QString, Setter> table{
        {QStringLiteral("producers"), integer(&PipelineConfig::producers)},
        {QStringLiteral("consumers"), integer(&PipelineConfig::consumers)},
        {QStringLiteral("rate"), &setRate},
        {QStringLiteral("max_in_flight"), integer(&PipelineConfig::maxInFlight)},
        {QStringLiteral("work_us"), integer(&PipelineConfig::workUs)},
        {QStringLiteral("io_us"), integer(&PipelineConfig::ioUs)},
        {QStringLiteral("pacing_us"), integer(&PipelineConfig::pacingUs)},
        {QStringLiteral("fault_rate"), real(&PipelineConfig::faultRate)},
        {QStringLiteral("max_attempts"), integer(&PipelineConfig::maxAttempts)},
        {QStringLiteral("overload"),
            choice(
                &PipelineConfig::overload, &overloadPolicyFromString, "\"backpressure\", \"drop\" or \"unbounded\"")},
        {QStringLiteral("safety_cap"), integer(&PipelineConfig::safetyCap)},
        {QStringLiteral("interval_ms"), integer(&PipelineConfig::intervalMs)},
        {QStringLiteral("seed"), &setSeed},
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
        {QStringLiteral("poison_key"), &setPoisonKey},
        {QStringLiteral("slow_consumer"), &setSlowConsumer},
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
    o[QStringLiteral("pacing_us")] = c.pacingUs;
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
        const QString fieldPath = path + QLatin1Char('.') + escapeControl(it.key());
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
    for (const auto &e : next.validate()) {
        const QString field = str(e.field);
        errors << QStringLiteral("%1.%2: %3").arg(path, field, asWritten(str(e.message), field, object.value(field)));
    }
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
