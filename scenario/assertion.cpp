// SPDX-License-Identifier: MIT
#include "assertion.h"

#include "configjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace beam {

QString toString(Assertion::Op op)
{
    switch (op) {
    case Assertion::Op::Equal:
        return QStringLiteral("==");
    case Assertion::Op::NotEqual:
        return QStringLiteral("!=");
    case Assertion::Op::Less:
        return QStringLiteral("<");
    case Assertion::Op::LessEqual:
        return QStringLiteral("<=");
    case Assertion::Op::Greater:
        return QStringLiteral(">");
    case Assertion::Op::GreaterEqual:
        return QStringLiteral(">=");
    case Assertion::Op::About:
        return QStringLiteral("~");
    case Assertion::Op::Rising:
        return QStringLiteral("rising");
    case Assertion::Op::Falling:
        return QStringLiteral("falling");
    case Assertion::Op::Steady:
        return QStringLiteral("steady");
    }
    return {};
}

namespace {

const QString kNumber = QStringLiteral(R"([-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)");
const QString kPath = QStringLiteral(R"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)");
// "± 15%", "+- 15%", "+/- 50"
const QString kBand = QStringLiteral(R"((?:±|\+/-|\+-)\s*(%1)\s*(%)?)").arg(kNumber);

QString grammarHelp(bool stretch)
{
    return stretch ? QStringLiteral("expected \"[after <s>s: | @<s>s:] [mean|min|max|growth|slope(]<field>[)] <op> "
                                    "<value>\" with op one of == != < <= > >= ~ (\"~ 400 ± 15%\"), or \"<field> "
                                    "rising|falling|steady\" (e.g. \"recent.processed_per_s > 950\", \"mean(x) < 0.5 "
                                    "* previous\")")
                   : QStringLiteral("expected \"[@<seconds>s:] <field> <op> <value>\" with op one of == != < <= > >= ~ "
                                    "(e.g. \"lost == 0\", \"@10s: dropped > 0\")");
}

/// "@<s>s:" (the instant judged) or "after <s>s:" (the settling time of a caption's stretch), when given.
std::optional<QString> readTime(const QRegularExpressionMatch &h, bool stretch, Assertion &a)
{
    if (!h.hasCaptured(1))
        return std::nullopt;
    const double seconds = h.captured(2).toDouble();
    if (!std::isfinite(seconds) || seconds < 0) // hundreds of digits: past any run
        return QStringLiteral("expected a time in seconds after %1, got %2").arg(h.captured(1), h.captured(2));
    if (h.captured(1) == QLatin1String("@")) {
        a.atS = seconds;
        a.over = Assertion::Over::Instant;
    } else if (!stretch) {
        return QStringLiteral("\"after <s>s:\" is for a caption's checks; an expect line takes \"@<s>s:\"");
    } else {
        a.settleS = seconds;
    }
    return std::nullopt;
}

/// The field's path, and the aggregate over the stretch when it is named ("mean(x)").
std::optional<QString> readSubject(const QRegularExpressionMatch &sub, Assertion &a)
{
    if (!sub.hasCaptured(1)) {
        a.path = sub.captured(3);
        return std::nullopt;
    }
    if (a.over == Assertion::Over::Instant)
        return QStringLiteral("%1(...) needs a stretch of time: it is for a caption's checks without \"@\"")
            .arg(sub.captured(1));
    static const std::pair<const char *, Assertion::Over> aggregates[]
        = {{"mean", Assertion::Over::Mean}, {"min", Assertion::Over::Min}, {"max", Assertion::Over::Max},
            {"growth", Assertion::Over::Growth}, {"slope", Assertion::Over::Slope}};
    for (const auto &[name, over] : aggregates) {
        if (sub.captured(1) == QLatin1String(name))
            a.over = over;
    }
    a.path = sub.captured(2);
    return std::nullopt;
}

/// "rising", "falling" or "steady [± band]".
std::optional<QString> readTrend(const QRegularExpressionMatch &t, Assertion &a)
{
    if (a.over != Assertion::Over::Every)
        return QStringLiteral("%1 is judged over a caption's stretch of time, on the figure itself (no "
                              "aggregate, no \"@\")")
            .arg(t.captured(1));
    a.op = t.captured(1) == QLatin1String("rising") ? Assertion::Op::Rising
        : t.captured(1) == QLatin1String("falling") ? Assertion::Op::Falling
                                                    : Assertion::Op::Steady;
    if (t.hasCaptured(2)) {
        if (a.op != Assertion::Op::Steady)
            return QStringLiteral("only steady takes a band (\"steady ± 10%\")");
        a.tolerance = t.captured(2).toDouble();
        a.tolerancePercent = t.hasCaptured(3);
    }
    a.expected = QJsonValue(true);
    return std::nullopt;
}

/// The value compared with: a number, true, false, a "quoted string" or [<factor> *] previous.
std::optional<QString> readExpected(const QString &value, const QString &op, bool stretch, Assertion &a)
{
    static const QRegularExpression previous(QStringLiteral(R"(^(?:(%1)\s*\*\s*)?previous$)").arg(kNumber));
    bool isNumber = false;
    const double number = value.toDouble(&isNumber);
    if (const auto p = previous.match(value); p.hasMatch()) {
        if (a.over == Assertion::Over::Instant || a.over == Assertion::Over::Every)
            return QStringLiteral("previous compares a figure over two captions' stretches: name it, e.g. "
                                  "\"mean(%1) < 0.5 * previous\"")
                .arg(a.path);
        a.againstPrevious = true;
        a.previousFactor = p.hasCaptured(1) ? p.captured(1).toDouble() : 1.0;
        if (!std::isfinite(a.previousFactor))
            return QStringLiteral("expected a finite factor before * previous, got %1").arg(p.captured(1));
        a.expected = 0.0;
    } else if (isNumber && !std::isfinite(number)) {
        return QStringLiteral("expected a finite number after %1, got %2").arg(op, escapeControl(value));
    } else if (isNumber) {
        a.expected = number;
    } else if (value == QLatin1String("true") || value == QLatin1String("false")) {
        a.expected = value == QLatin1String("true");
    } else if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"'))) {
        a.expected = value.mid(1, value.size() - 2);
    } else {
        return QStringLiteral("expected a number, true, false, a \"quoted string\"%1 after %2, got %3")
            .arg(stretch ? QStringLiteral(" or [<factor> *] previous") : QString(), op, escapeControl(value));
    }
    return std::nullopt;
}

/// "<op> <value> [± band]", the band with ~ only.
std::optional<QString> readComparison(const QRegularExpressionMatch &c, bool stretch, Assertion &a)
{
    const QString op = c.captured(1);
    static const std::pair<const char *, Assertion::Op> ops[] = {{"==", Assertion::Op::Equal},
        {"!=", Assertion::Op::NotEqual}, {"<=", Assertion::Op::LessEqual}, {">=", Assertion::Op::GreaterEqual},
        {"<", Assertion::Op::Less}, {">", Assertion::Op::Greater}, {"~", Assertion::Op::About}};
    for (const auto &[symbol, value] : ops) {
        if (op == QLatin1String(symbol))
            a.op = value;
    }
    if (c.hasCaptured(3)) {
        if (a.op != Assertion::Op::About)
            return QStringLiteral("a band (±) goes with ~ only: \"x ~ 400 ± 15%\"");
        a.tolerance = c.captured(3).toDouble();
        a.tolerancePercent = c.hasCaptured(4);
    } else if (a.op == Assertion::Op::About) {
        return QStringLiteral("~ needs the band it allows: \"x ~ 400 ± 15%\" or \"x ~ 400 ± 50\"");
    }
    const QString value = c.captured(2);
    if (auto why = readExpected(value, op, stretch, a))
        return why;
    const bool ordered = a.op != Assertion::Op::Equal && a.op != Assertion::Op::NotEqual;
    if (ordered && !a.expected.isDouble())
        return QStringLiteral("%1 compares numbers only, got %2").arg(op, escapeControl(value));
    if (a.op == Assertion::Op::About && (a.tolerance < 0 || !std::isfinite(a.tolerance)))
        return QStringLiteral("the band after ± must be 0 or more, got %1").arg(a.tolerance);
    return std::nullopt;
}

} // namespace

std::variant<Assertion, QString> parseAssertion(const QString &text, bool stretch)
{
    static const QRegularExpression head(
        QStringLiteral(R"(^\s*(?:(@|after)\s*(%1)\s*s\s*:\s*)?(.*?)\s*$)").arg(kNumber));
    static const QRegularExpression subject(
        QStringLiteral(R"(^(?:(mean|min|max|growth|slope)\s*\(\s*(%1)\s*\)|(%1))\s*(.*)$)").arg(kPath));
    static const QRegularExpression trend(QStringLiteral(R"(^(rising|falling|steady)\s*(?:%1)?$)").arg(kBand));
    static const QRegularExpression compare(QStringLiteral(R"(^(==|!=|<=|>=|<|>|~)\s*(.+?)\s*(?:%1)?$)").arg(kBand));

    const QString shown = escapeControl(text);
    const auto bad = [&](const QString &why) { return QStringLiteral("%1 (in \"%2\")").arg(why, shown); };
    const auto h = head.match(text);
    const auto sub = subject.match(h.captured(3));
    if (!h.hasMatch() || !sub.hasMatch())
        return QStringLiteral("%1, got \"%2\"").arg(grammarHelp(stretch), shown);
    Assertion a;
    a.text = text.trimmed();
    a.over = stretch ? Assertion::Over::Every : Assertion::Over::Instant;
    if (auto why = readTime(h, stretch, a))
        return bad(*why);
    if (auto why = readSubject(sub, a))
        return bad(*why);
    const QString relation = sub.captured(4);
    if (const auto t = trend.match(relation); t.hasMatch()) {
        if (auto why = readTrend(t, a))
            return bad(*why);
        return a;
    }
    const auto c = compare.match(relation);
    if (!c.hasMatch())
        return QStringLiteral("%1, got \"%2\"").arg(grammarHelp(stretch), shown);
    if (auto why = readComparison(c, stretch, a))
        return bad(*why);
    return a;
}

QJsonValue valueAt(const QJsonObject &report, const QString &path)
{
    QJsonValue current = report;
    for (const auto &part : path.split(QLatin1Char('.'))) {
        if (current.isObject()) {
            const auto object = current.toObject();
            if (!object.contains(part))
                return QJsonValue(QJsonValue::Undefined);
            current = object.value(part);
        } else if (current.isArray()) {
            bool ok = false;
            const int index = part.toInt(&ok);
            const auto array = current.toArray();
            if (!ok || index < 0 || index >= array.size())
                return QJsonValue(QJsonValue::Undefined);
            current = array.at(index);
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return current;
}

namespace {
QString show(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 10);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isString())
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    if (value.isNull())
        return QStringLiteral("null");
    if (value.isUndefined())
        return QStringLiteral("nothing");
    return QString::fromUtf8(QJsonDocument::fromVariant(value.toVariant()).toJson(QJsonDocument::Compact));
}
} // namespace

namespace {

double band(const Assertion &a, double around)
{
    return a.tolerancePercent ? std::abs(around) * a.tolerance / 100.0 : a.tolerance;
}

/// x op y, for numbers; About within the assertion's band around y.
bool holds(const Assertion &a, double x, double y)
{
    switch (a.op) {
    case Assertion::Op::Equal:
        return x == y;
    case Assertion::Op::NotEqual:
        return x != y;
    case Assertion::Op::Less:
        return x < y;
    case Assertion::Op::LessEqual:
        return x <= y;
    case Assertion::Op::Greater:
        return x > y;
    case Assertion::Op::GreaterEqual:
        return x >= y;
    case Assertion::Op::About:
        return std::abs(x - y) <= band(a, y);
    case Assertion::Op::Rising:
    case Assertion::Op::Falling:
    case Assertion::Op::Steady:
        break;
    }
    return false;
}

bool holds(const Assertion &a, const QJsonValue &actual, const QJsonValue &expected)
{
    if (expected.isDouble() && actual.isDouble())
        return holds(a, actual.toDouble(), expected.toDouble());
    const bool same = actual == expected;
    return a.op == Assertion::Op::Equal ? same : a.op == Assertion::Op::NotEqual && !same;
}

QString figure(double v)
{
    const double magnitude = std::abs(v);
    if (magnitude >= 100 || v == std::round(v))
        return QStringLiteral("%L1").arg(v, 0, 'f', 0);
    return QString::number(v, 'g', magnitude >= 1 ? 3 : 2);
}

QString seconds(double t)
{
    return QStringLiteral("%1 s").arg(t, 0, 'f', 1);
}

} // namespace

AssertionResult evaluate(const Assertion &a, const QJsonObject &report)
{
    AssertionResult r;
    r.actual = valueAt(report, a.path);
    if (r.actual.isUndefined()) {
        r.message = QStringLiteral("%1: the report has no field \"%2\"").arg(a.text, a.path);
        return r;
    }
    const bool ordered = a.op != Assertion::Op::Equal && a.op != Assertion::Op::NotEqual;
    if (ordered && !r.actual.isDouble()) {
        r.message = QStringLiteral("%1: %2 is %3, not a number").arg(a.text, a.path, show(r.actual));
        return r;
    }
    r.passed = holds(a, r.actual, a.expected);
    r.message = r.passed ? QStringLiteral("%1 (%2 = %3)").arg(a.text, a.path, show(r.actual))
                         : QStringLiteral("%1: %2 = %3").arg(a.text, a.path, show(r.actual));
    return r;
}

bool Trend::rising(double material) const
{
    return change > std::max(3.0 * changeError, material);
}

bool Trend::falling(double material) const
{
    return -change > std::max(3.0 * changeError, material);
}

Trend trendOf(const std::vector<Reading> &series)
{
    Trend t;
    const auto n = static_cast<double>(series.size());
    if (series.empty())
        return t;
    double meanT = 0;
    for (const auto &r : series) {
        meanT += r.t;
        t.mean += r.value;
    }
    meanT /= n;
    t.mean /= n;
    if (series.size() < 3)
        return t;
    double sxx = 0;
    double sxy = 0;
    for (const auto &r : series) {
        sxx += (r.t - meanT) * (r.t - meanT);
        sxy += (r.t - meanT) * (r.value - t.mean);
    }
    if (sxx <= 0)
        return t;
    t.slopePerS = sxy / sxx;
    double residuals = 0;
    for (const auto &r : series) {
        const double e = r.value - (t.mean + t.slopePerS * (r.t - meanT));
        residuals += e * e;
    }
    const double span = series.back().t - series.front().t;
    t.change = t.slopePerS * span;
    t.changeError = std::sqrt(residuals / (n - 2) / sxx) * span;
    return t;
}

namespace {

/// The words for a report field, as a student reads the screen (the fields lessons use; others by name).
QString subjectWords(const QString &path)
{
    static const std::pair<const char *, const char *> names[] = {
        {"recent.processed_per_s", "processed per second"},
        {"recent.produced_per_s", "produced per second"},
        {"recent.backpressure_pct", "held back (%)"},
        {"recent.held_back_max_pct", "the most held back producer (%)"},
        {"recent.in_flight_now", "in flight"},
        {"recent.in_flight_mean", "mean in flight"},
        {"recent.latency_p50_us", "latency p50 (µs)"},
        {"recent.latency_p99_us", "latency p99 (µs)"},
        {"recent.latency_mean_us", "mean latency (µs)"},
        {"recent.latency_max_us", "the longest latency (µs)"},
        {"recent.dropped_per_s", "dropped per second"},
        {"recent.failed_per_s", "failed attempts per second"},
        {"recent.restarts_per_s", "restarts per second"},
        {"recent.rss_mb", "memory (MB)"},
        {"queue_depth_max", "the longest consumer queue"},
        {"lost", "lost events"},
        {"dropped", "dropped events"},
        {"restarts", "restarts"},
        {"escalations", "escalations"},
        {"gave_up", "the top supervisor gave up"},
        {"littles_law.ratio", "L / λW"},
        {"littles_law.in_flight", "L (mean in flight)"},
        {"utilisation.executors_busy_cores", "cores busy running the graph"},
        {"utilisation.consumers_io_wait", "the consumers' share of time waiting on I/O"},
        {"utilisation.consumers_model", "the consumers' mean ρ by the model"},
        {"model.rho", "ρ of the bottleneck by the model"},
        {"model.w_ratio", "measured mean W ÷ the model's"},
        {"model.w_mean_us", "the model's mean W (µs)"},
        {"model.w_p99_us", "the model's p99 W (µs)"},
        {"model.throughput_ratio", "measured throughput ÷ the model's"},
        {"model.capacity_eps", "the model's capacity (events/s)"},
        {"model.fit", "where the model stands"},
        {"max_in_flight_observed", "the most in flight ever"},
        {"littles_law.steady", "the Little's law tile says steady"},
        {"littles_law.agrees", "L ≈ λW on the Little's law tile"},
        {"consumers_down", "consumers down at an instant"},
        {"crashes.killed", "consumers killed by hand"},
        {"crashes.random", "random crashes"},
        {"redelivered", "events redelivered after a crash"},
        {"recovery_us.p50", "the median recovery time (µs)"},
        {"pipeline_restarts", "pipeline restarts"},
        {"dead_lettered", "dead-lettered events"},
    };
    for (const auto &[key, words] : names) {
        if (path == QLatin1String(key))
            return QString::fromUtf8(words);
    }
    // Elements of the report's lists, as the topology and the Schedulers tab name them.
    static const QRegularExpression element(QStringLiteral(R"(^(consumers|supervision|schedulers)\.([0-9]+)\.(.+)$)"));
    if (const auto m = element.match(path); m.hasMatch()) {
        static const char *supervisors[]
            = {"the pipeline supervisor", "the producers supervisor", "the consumers supervisor"};
        const int n = m.captured(2).toInt();
        const QString field = m.captured(3).replace(QLatin1Char('_'), QLatin1Char(' '));
        if (m.captured(1) == QLatin1String("consumers"))
            return QStringLiteral("consumer %1's %2").arg(n).arg(field);
        if (m.captured(1) == QLatin1String("supervision") && n < 3)
            return QStringLiteral("%1's %2").arg(QString::fromUtf8(supervisors[n]), field);
        return QStringLiteral("executor %1's %2").arg(n).arg(field);
    }
    return path;
}

QString valueWords(const Assertion &a)
{
    if (a.againstPrevious) {
        return a.previousFactor == 1.0 ? QStringLiteral("the previous caption's")
                                       : QStringLiteral("%1 × the previous caption's").arg(figure(a.previousFactor));
    }
    if (a.expected.isDouble())
        return figure(a.expected.toDouble());
    return show(a.expected);
}

} // namespace

QString describe(const Assertion &a)
{
    QString subject = subjectWords(a.path);
    switch (a.over) {
    case Assertion::Over::Mean:
        subject = QStringLiteral("the mean of ") + subject;
        break;
    case Assertion::Over::Min:
        subject = QStringLiteral("the lowest ") + subject;
        break;
    case Assertion::Over::Max:
        subject = QStringLiteral("the highest ") + subject;
        break;
    case Assertion::Over::Growth:
        subject = QStringLiteral("the growth of ") + subject + QStringLiteral(" since the caption appeared");
        break;
    case Assertion::Over::Slope:
        subject = QStringLiteral("the trend of ") + subject + QStringLiteral(" per second");
        break;
    case Assertion::Over::Instant:
    case Assertion::Over::Every:
        break;
    }
    const bool every = a.over == Assertion::Over::Every;
    const QString value = valueWords(a);
    switch (a.op) {
    case Assertion::Op::Rising:
        return subject + QStringLiteral(" rises");
    case Assertion::Op::Falling:
        return subject + QStringLiteral(" falls");
    case Assertion::Op::Steady:
        return subject + QStringLiteral(" holds steady");
    case Assertion::Op::About:
        return subject + (every ? QStringLiteral(" stays about ") : QStringLiteral(" is about ")) + value
            + QStringLiteral(" (± %1%2)")
                  .arg(figure(a.tolerance), a.tolerancePercent ? QStringLiteral("%") : QString());
    case Assertion::Op::Equal:
        if (a.expected.isBool() && a.expected.toBool())
            return subject + (every ? QStringLiteral(" throughout") : QString());
        if (a.expected.isBool())
            return (every ? QStringLiteral("never: ") : QStringLiteral("not: ")) + subject;
        return subject + (every ? QStringLiteral(" stays ") : QStringLiteral(" is ")) + value;
    case Assertion::Op::NotEqual:
        return subject + (every ? QStringLiteral(" never is ") : QStringLiteral(" is not ")) + value;
    case Assertion::Op::Less:
        return subject + (every ? QStringLiteral(" stays below ") : QStringLiteral(" is below ")) + value;
    case Assertion::Op::LessEqual:
        return subject + (every ? QStringLiteral(" stays at most ") : QStringLiteral(" is at most ")) + value;
    case Assertion::Op::Greater:
        return subject + (every ? QStringLiteral(" stays above ") : QStringLiteral(" is above ")) + value;
    case Assertion::Op::GreaterEqual:
        return subject + (every ? QStringLiteral(" stays at least ") : QStringLiteral(" is at least ")) + value;
    }
    return a.text;
}

namespace {

/// The aggregate the assertion names, over `series` (Every and Instant: the mean, for "previous").
double aggregate(Assertion::Over over, const std::vector<Reading> &series)
{
    if (series.empty())
        return 0;
    switch (over) {
    case Assertion::Over::Min:
        return std::min_element(series.begin(), series.end(), [](auto &x, auto &y) {
            return x.value < y.value;
        })->value;
    case Assertion::Over::Max:
        return std::max_element(series.begin(), series.end(), [](auto &x, auto &y) {
            return x.value < y.value;
        })->value;
    case Assertion::Over::Growth:
        return series.back().value - series.front().value;
    case Assertion::Over::Slope:
        return trendOf(series).slopePerS;
    case Assertion::Over::Mean:
    case Assertion::Over::Every:
    case Assertion::Over::Instant:
        break;
    }
    double sum = 0;
    for (const auto &r : series)
        sum += r.value;
    return sum / static_cast<double>(series.size());
}

} // namespace

AssertionResult evaluateStretch(const Assertion &a, const std::vector<Reading> &stretch,
    const std::vector<Reading> &sinceCaption, const std::vector<Reading> &previous)
{
    AssertionResult r;
    const QString sentence = describe(a);
    const std::vector<Reading> &series = a.over == Assertion::Over::Growth ? sinceCaption : stretch;
    if (series.empty()) {
        r.message = QStringLiteral("%1: no snapshot was read while the caption was on screen").arg(sentence);
        return r;
    }
    const QString when = QStringLiteral("%1–%2").arg(seconds(series.front().t), seconds(series.back().t));
    const auto [low, high] = std::minmax_element(
        series.begin(), series.end(), [](const Reading &x, const Reading &y) { return x.value < y.value; });
    const QString range = low->value == high->value
        ? QStringLiteral("read %1").arg(figure(low->value))
        : QStringLiteral("read %1 to %2").arg(figure(low->value), figure(high->value));
    if (a.isTrend()) {
        const Trend t = trendOf(series);
        const double material = a.tolerance > 0 ? band(a, t.mean) : 0.1 * std::abs(t.mean);
        r.passed = a.op == Assertion::Op::Rising ? t.rising(material)
            : a.op == Assertion::Op::Falling     ? t.falling(material)
                                                 : !t.rising(material) && !t.falling(material);
        r.actual = t.change;
        r.message = QStringLiteral("%1%2 (%3: it moved %4%5 against a noise of ±%6; %7)")
                        .arg(sentence, r.passed ? QString() : QStringLiteral(": no"), when,
                            t.change >= 0 ? QStringLiteral("+") : QString(), figure(t.change),
                            figure(3.0 * t.changeError), range);
        return r;
    }
    double expected = a.expected.toDouble();
    QString against;
    if (a.againstPrevious) {
        if (previous.empty()) {
            r.message = QStringLiteral("%1: the previous caption has no readings to compare with").arg(sentence);
            return r;
        }
        const double before = aggregate(a.over, previous);
        expected = a.previousFactor * before;
        against = QStringLiteral(", against %1 then").arg(figure(before));
    }
    if (a.over == Assertion::Over::Every) {
        const auto broken = std::find_if(
            series.begin(), series.end(), [&](const Reading &x) { return !holds(a, x.value, expected); });
        r.passed = broken == series.end();
        r.actual = r.passed ? high->value : broken->value;
        r.message = r.passed ? QStringLiteral("%1 (%2: %3)").arg(sentence, when, range)
                             : QStringLiteral("%1: it read %2 at %3 (%4: %5)")
                                   .arg(sentence, figure(broken->value), seconds(broken->t), when, range);
        return r;
    }
    const double value = aggregate(a.over, series);
    r.actual = value;
    r.passed = holds(a, value, expected);
    r.message = QStringLiteral("%1%2: %3 (%4%5)")
                    .arg(sentence, r.passed ? QString() : QStringLiteral(" — no"), figure(value), when, against);
    return r;
}

} // namespace beam
