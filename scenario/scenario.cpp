// SPDX-License-Identifier: MIT
#include "scenario.h"

#include "configjson.h"
#include "jsonkeys.h"
#include "report.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {

constexpr double kMaxDurationS = 24 * 3600.0;

/// The line and column of a byte offset, for JSON syntax errors.
QString lineColumn(const QByteArray &json, qsizetype offset)
{
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < std::min(offset, json.size()); ++i) {
        if (json[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(column);
}

/// The text around a byte offset, on one line, for JSON syntax errors: up to 24 bytes of its line before the
/// offset and 8 after ("illegal number" points just past `1e400`, "invalid UTF8 string" at the bad byte).
QString around(const QByteArray &json, qsizetype offset)
{
    const auto isBreak = [](char c) { return c == '\n' || c == '\r'; };
    const auto isContinuation
        = [&json](qsizetype i) { return i < json.size() && (static_cast<unsigned char>(json[i]) & 0xc0) == 0x80; };
    offset = std::clamp<qsizetype>(offset, 0, json.size());
    qsizetype begin = offset;
    while (begin > 0 && offset - begin < 24 && !isBreak(json[begin - 1]))
        --begin;
    while (begin < offset && isContinuation(begin)) // start on a whole character
        ++begin;
    qsizetype end = offset;
    while (end < json.size() && end - offset < 8 && !isBreak(json[end]))
        ++end;
    while (end < json.size() && end - offset < 12 && isContinuation(end)) // ... and end on one
        ++end;
    return describeBytes(QByteArrayView(json).sliced(begin, end - begin)).trimmed();
}

struct Parser {
    QString file;
    QStringList errors;

    void error(const QString &path, const QString &what)
    {
        errors << QStringLiteral("%1: %2: %3").arg(file, path, what);
    }
    void expected(const QString &path, const QString &what, const QJsonValue &value)
    {
        error(path, QStringLiteral("expected %1, got %2").arg(what, describeJsonValue(value)));
    }

    std::optional<double> seconds(const QJsonValue &value, const QString &path, double low, double high)
    {
        if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() < low
            || value.toDouble() > high) {
            expected(path, QStringLiteral("a number of seconds %1..%2").arg(numberText(low), numberText(high)), value);
            return std::nullopt;
        }
        return value.toDouble();
    }

    /// An assertion as written at `path`, checked against the report's shape and the run's length.
    std::optional<Assertion> assertion(
        const QString &text, const QString &path, const Scenario &scenario, bool stretch = false)
    {
        // The fields a report has, with one supervisor, thread and dead letter to show the arrays' elements.
        static const QJsonObject sample = [] {
            Snapshot shapeOf;
            shapeOf.supervisors.emplace_back();
            shapeOf.threads.emplace_back();
            shapeOf.consumers.emplace_back().active = true;
            ReportInputs inputsOf;
            inputsOf.deadLetters.emplace_back();
            return reportJson(shapeOf, inputsOf);
        }();
        auto parsed = parseAssertion(text, stretch);
        if (const auto *message = std::get_if<QString>(&parsed)) {
            error(path, *message);
            return std::nullopt;
        }
        auto a = std::get<Assertion>(parsed);
        // Check the field against a report's shape; array elements against the sample's first element.
        QStringList parts = a.path.split(QLatin1Char('.'));
        bool indexOk = true;
        for (qsizetype k = 0; k < parts.size(); ++k) {
            const QJsonValue parent = valueAt(sample, parts.mid(0, k).join(QLatin1Char('.')));
            if (k > 0 && parent.isArray()) {
                bool ok = false;
                indexOk = indexOk && parts[k].toInt(&ok) >= 0 && ok;
                parts[k] = QStringLiteral("0");
            }
        }
        const QJsonValue shape = valueAt(sample, parts.join(QLatin1Char('.')));
        if (!indexOk || shape.isUndefined() || shape.isObject() || shape.isArray()) {
            error(path,
                shape.isObject() || shape.isArray()
                    ? QStringLiteral("\"%1\" is not a single value; name one of its fields").arg(escapeControl(a.path))
                    : QStringLiteral("the report has no field \"%1\" (fields: %2)")
                          .arg(escapeControl(a.path), sample.keys().join(QStringLiteral(", "))));
            return std::nullopt;
        }
        // A null in the sample is a number the report has not got yet (the model's W before anything finished).
        if ((a.isTrend() || (a.over != Assertion::Over::Instant && a.over != Assertion::Over::Every))
            && !shape.isDouble() && !shape.isNull()) {
            error(path,
                QStringLiteral("%1 is not a number: trends and mean/min/max/growth/slope need one")
                    .arg(escapeControl(a.path)));
            return std::nullopt;
        }
        const bool typeMatches = shape.isNull() || a.isTrend() || shape.type() == a.expected.type();
        if (!typeMatches) {
            const auto kind = [](const QJsonValue &v) {
                return v.isBool()  ? QStringLiteral("true or false")
                    : v.isString() ? QStringLiteral("a string")
                                   : QStringLiteral("a number");
            };
            error(path, QStringLiteral("%1 is %2, so compare it with %2").arg(escapeControl(a.path), kind(shape)));
            return std::nullopt;
        }
        if (a.atS && *a.atS > scenario.durationS) {
            error(path,
                QStringLiteral("@%1s is after the end of the run (duration_s = %2)")
                    .arg(numberText(*a.atS), numberText(scenario.durationS)));
            return std::nullopt;
        }
        return a;
    }

    /// A step's keys: exactly one of "set", "action", "caption", and "check" only with a caption. False: the step
    /// is not read further.
    bool stepKeys(const QJsonObject &o, const QString &path)
    {
        int kinds = 0;
        for (const auto &key : o.keys()) {
            if (key == QLatin1String("set") || key == QLatin1String("action") || key == QLatin1String("caption"))
                ++kinds;
            else if (key != QLatin1String("at_s") && key != QLatin1String("target") && key != QLatin1String("check")
                && key != QLatin1String("when"))
                error(path + QLatin1Char('.') + escapeControl(key),
                    QStringLiteral("unknown key (a step has \"at_s\", one of \"set\", \"action\", \"caption\", "
                                   "\"target\" for kill_consumer and hang_consumer, \"check\" for a caption, "
                                   "\"when\" for a caption or pause_lesson)"));
        }
        if (kinds != 1) {
            error(
                path, QStringLiteral("expected exactly one of \"set\", \"action\" or \"caption\", got %1").arg(kinds));
            return false;
        }
        if (o.contains(QStringLiteral("check")) && !o.contains(QStringLiteral("caption"))) {
            error(path + QStringLiteral(".check"), QStringLiteral("only a caption takes checks"));
            return false;
        }
        return true;
    }

    /// "when": the condition a caption or pause_lesson waits for. False: the step is not read further.
    bool stepCondition(const QJsonObject &o, const QString &path, const Scenario &scenario, ScenarioStep &s)
    {
        const auto when = o.value(QStringLiteral("when"));
        if (when.isUndefined())
            return true;
        const bool canWait = o.contains(QStringLiteral("caption"))
            || o.value(QStringLiteral("action")) == QJsonValue(QStringLiteral("pause_lesson"));
        if (!canWait) {
            error(path + QStringLiteral(".when"),
                QStringLiteral("only a caption or pause_lesson can wait for a condition (a change of settings "
                               "must come at its time, so the settings after it are known)"));
            return false;
        }
        if (!when.isString()) {
            expected(path + QStringLiteral(".when"), QStringLiteral("a condition such as \"escalations >= 1\""), when);
            return false;
        }
        auto condition = assertion(when.toString(), path + QStringLiteral(".when"), scenario);
        if (!condition)
            return false;
        if (condition->atS) {
            error(path + QStringLiteral(".when"),
                QStringLiteral("a condition has no \"@<s>s:\"; \"at_s\" is the earliest it is looked for"));
            return false;
        }
        s.condition = condition;
        return true;
    }

    /// A "set" step, checked against the configuration as it runs then. False: the step is not kept.
    bool stepSet(const QJsonObject &o, const QString &path, ScenarioStep &s, PipelineConfig &running)
    {
        s.kind = ScenarioStep::Kind::Set;
        const auto set = o.value(QStringLiteral("set"));
        if (!set.isObject() || set.toObject().isEmpty()) {
            expected(path + QStringLiteral(".set"), QStringLiteral("an object of configuration fields"), set);
            return false;
        }
        if (set.toObject().contains(QStringLiteral("seed")))
            error(path + QStringLiteral(".set.seed"), QStringLiteral("the seed cannot change during a run"));
        s.set = set.toObject();
        for (const auto &e : applyConfigJson(s.set, running, path + QStringLiteral(".set")))
            errors << QStringLiteral("%1: %2").arg(file, e);
        return true;
    }

    /// An "action" step: its name, its target, the producers it leaves. False: the step is not kept.
    bool stepAction(const QJsonObject &o, const QString &path, ScenarioStep &s, PipelineConfig &running)
    {
        s.kind = ScenarioStep::Kind::Action;
        const auto action = o.value(QStringLiteral("action")).toString();
        static const std::pair<const char *, ScenarioStep::Action> actions[]
            = {{"kill_consumer", ScenarioStep::Action::KillConsumer},
                {"hang_consumer", ScenarioStep::Action::HangConsumer}, {"pause", ScenarioStep::Action::Pause},
                {"resume", ScenarioStep::Action::Resume}, {"add_producer", ScenarioStep::Action::AddProducer},
                {"remove_producer", ScenarioStep::Action::RemoveProducer},
                {"pause_lesson", ScenarioStep::Action::PauseLesson}};
        bool known = false;
        for (const auto &[name, kind] : actions) {
            if (action == QLatin1String(name)) {
                s.action = kind;
                known = true;
            }
        }
        if (!known) {
            expected(path + QStringLiteral(".action"),
                QStringLiteral("one of \"kill_consumer\", \"hang_consumer\", \"pause\", \"resume\", "
                               "\"add_producer\", \"remove_producer\", \"pause_lesson\""),
                o.value(QStringLiteral("action")));
            return false;
        }
        if (!stepTarget(o, path, s, running))
            return false;
        if (s.action == ScenarioStep::Action::AddProducer || s.action == ScenarioStep::Action::RemoveProducer) {
            const int producers = running.producers + (s.action == ScenarioStep::Action::AddProducer ? 1 : -1);
            if (producers < 1 || producers > PipelineConfig::kMaxProducers) {
                error(path + QStringLiteral(".action"),
                    QStringLiteral("%1 would leave %2 producers; allowed 1..%3")
                        .arg(action)
                        .arg(producers)
                        .arg(PipelineConfig::kMaxProducers));
                return false;
            }
            running.producers = producers;
        }
        return true;
    }

    /// "target": the consumer kill_consumer and hang_consumer act on, and no other action's. False: it is wrong.
    bool stepTarget(const QJsonObject &o, const QString &path, ScenarioStep &s, const PipelineConfig &running)
    {
        const auto target = o.value(QStringLiteral("target"));
        if (s.action == ScenarioStep::Action::KillConsumer || s.action == ScenarioStep::Action::HangConsumer) {
            const double t = target.toDouble(-1);
            if (!target.isDouble() || t != std::floor(t) || t < 0 || t >= running.consumers) {
                expected(path + QStringLiteral(".target"),
                    QStringLiteral("a consumer index 0..%1 (there are %2 consumers at %3 s)")
                        .arg(running.consumers - 1)
                        .arg(running.consumers)
                        .arg(numberText(s.atS)),
                    target);
                return false;
            }
            s.target = static_cast<int>(t);
        } else if (!target.isUndefined()) {
            error(
                path + QStringLiteral(".target"), QStringLiteral("only kill_consumer and hang_consumer take a target"));
            return false;
        }
        return true;
    }

    /// A "caption" step and its checks. False: the step is not kept.
    bool stepCaption(const QJsonObject &o, const QString &path, ScenarioStep &s, const Scenario &scenario)
    {
        s.kind = ScenarioStep::Kind::Caption;
        const auto caption = o.value(QStringLiteral("caption"));
        if (!caption.isString() || caption.toString().trimmed().isEmpty()) {
            expected(path + QStringLiteral(".caption"), QStringLiteral("a non-empty string"), caption);
            return false;
        }
        s.caption = caption.toString();
        const auto checks = o.value(QStringLiteral("check"));
        if (!checks.isUndefined() && (!checks.isArray() || checks.toArray().isEmpty())) {
            expected(path + QStringLiteral(".check"),
                QStringLiteral("a non-empty array of assertion strings such as \"recent.p99_us > 100\""), checks);
            return false;
        }
        const auto lines = checks.toArray();
        for (int i = 0; i < lines.size(); ++i) {
            const QString where = path + QStringLiteral(".check[%1]").arg(i);
            if (!lines[i].isString()) {
                expected(where, QStringLiteral("an assertion string such as \"recent.p99_us > 100\""), lines[i]);
                continue;
            }
            if (auto a = assertion(lines[i].toString(), where, scenario, true)) {
                if (a->atS && *a->atS < s.atS) {
                    error(where,
                        QStringLiteral("@%1s is before the caption appears (at_s = %2); a caption's check is "
                                       "judged while it is on screen")
                            .arg(numberText(*a->atS), numberText(s.atS)));
                    continue;
                }
                s.checks.append(*a);
            }
        }
        return true;
    }

    void step(const QJsonValue &value, const QString &path, Scenario &scenario, PipelineConfig &running)
    {
        if (!value.isObject()) {
            expected(
                path, QStringLiteral("an object with \"at_s\" and one of \"set\", \"action\", \"caption\""), value);
            return;
        }
        const auto o = value.toObject();
        ScenarioStep s;
        const auto at = seconds(o.value(QStringLiteral("at_s")), path + QStringLiteral(".at_s"), 0, scenario.durationS);
        s.atS = at.value_or(0);
        if (!stepKeys(o, path) || !stepCondition(o, path, scenario, s))
            return;
        if (o.contains(QStringLiteral("target")) && !o.contains(QStringLiteral("action"))) {
            error(
                path + QStringLiteral(".target"), QStringLiteral("only kill_consumer and hang_consumer take a target"));
            return;
        }
        const bool kept = o.contains(QStringLiteral("set")) ? stepSet(o, path, s, running)
            : o.contains(QStringLiteral("action"))          ? stepAction(o, path, s, running)
                                                            : stepCaption(o, path, s, scenario);
        if (!kept)
            return;
        s.configAfter = running;
        scenario.timeline.append(s);
    }
};

} // namespace

QString toString(ScenarioStep::Action action)
{
    switch (action) {
    case ScenarioStep::Action::KillConsumer:
        return QStringLiteral("kill_consumer");
    case ScenarioStep::Action::HangConsumer:
        return QStringLiteral("hang_consumer");
    case ScenarioStep::Action::Pause:
        return QStringLiteral("pause");
    case ScenarioStep::Action::Resume:
        return QStringLiteral("resume");
    case ScenarioStep::Action::AddProducer:
        return QStringLiteral("add_producer");
    case ScenarioStep::Action::RemoveProducer:
        return QStringLiteral("remove_producer");
    case ScenarioStep::Action::PauseLesson:
        return QStringLiteral("pause_lesson");
    }
    return {};
}

QString ScenarioStep::describe() const
{
    switch (kind) {
    case Kind::Set: {
        QStringList parts;
        for (auto it = set.begin(); it != set.end(); ++it) {
            const auto v = it.value();
            parts << QStringLiteral("%1 = %2").arg(it.key(),
                v.isString() ? v.toString() : (v.isNull() ? QStringLiteral("none") : QString::number(v.toDouble())));
        }
        return QStringLiteral("set ") + parts.join(QStringLiteral(", "));
    }
    case Kind::Action:
        if (action == Action::KillConsumer || action == Action::HangConsumer)
            return toString(action).replace(QLatin1Char('_'), QLatin1Char(' ')) + QStringLiteral(" %1").arg(target);
        return toString(action).replace(QLatin1Char('_'), QLatin1Char(' '));
    case Kind::Caption:
        return caption;
    }
    return {};
}

QString ScenarioStep::whenText() const
{
    return condition ? QStringLiteral("when %1").arg(beam::describe(*condition))
                     : QStringLiteral("%1 s").arg(atS, 0, 'g', 4);
}

namespace {
/// The times of a configuration, `speed` times shorter: sampling, supervision windows, back-off and the hang
/// timeout, each kept within its range. Rates and per-event work stay: they are what the lesson is about.
PipelineConfig fasterConfig(PipelineConfig c, double speed)
{
    c.intervalMs = std::max(PipelineConfig::kMinIntervalMs, static_cast<int>(std::lround(c.intervalMs / speed)));
    c.maxSeconds = std::max(0.001, c.maxSeconds / speed);
    c.topMaxSeconds = std::max(0.001, c.topMaxSeconds / speed);
    c.backoffMinMs = static_cast<int>(std::lround(c.backoffMinMs / speed));
    c.backoffMaxMs = std::max(c.backoffMinMs, static_cast<int>(std::lround(c.backoffMaxMs / speed)));
    c.hangTimeoutMs
        = std::max(PipelineConfig::kMinHangTimeoutMs, static_cast<int>(std::lround(c.hangTimeoutMs / speed)));
    return c;
}
} // namespace

Scenario Scenario::fasterBy(double speed) const
{
    Scenario faster = *this;
    if (speed <= 1.0)
        return faster;
    faster.durationS /= speed;
    faster.config = fasterConfig(config, speed);
    for (auto &step : faster.timeline) {
        step.atS /= speed;
        step.configAfter = fasterConfig(step.configAfter, speed);
    }
    for (auto &a : faster.expect) {
        if (a.atS)
            *a.atS /= speed;
    }
    for (auto &step : faster.timeline) {
        for (auto &a : step.checks) {
            *a.atS /= speed;
            a.fromS /= speed;
            a.captionS /= speed;
        }
    }
    return faster;
}

int Scenario::captionNumber(int index) const
{
    if (index < 0 || index >= timeline.size() || timeline[index].kind != ScenarioStep::Kind::Caption)
        return 0;
    int number = 0;
    for (int i = 0; i <= index; ++i)
        number += timeline[i].kind == ScenarioStep::Kind::Caption ? 1 : 0;
    return number;
}

QList<Scenario::Claim> Scenario::claims() const
{
    QList<Claim> all;
    for (const auto &a : expect)
        all.append({a, -1});
    for (qsizetype i = 0; i < timeline.size(); ++i) {
        for (const auto &a : timeline[i].checks)
            all.append({a, static_cast<int>(i)});
    }
    return all;
}

namespace {

/// The JSON document's top-level object; nullopt (with the error said) when there is none to read.
std::optional<QJsonObject> readRoot(Parser &p, const QByteArray &json)
{
    if (json.trimmed().isEmpty()) {
        p.error(QStringLiteral("$"),
            QStringLiteral("expected a JSON object with \"name\" and \"duration_s\", got %1")
                .arg(json.isEmpty() ? QStringLiteral("an empty file") : QStringLiteral("only white space")));
        return std::nullopt;
    }
    QJsonParseError syntax{};
    const auto document = QJsonDocument::fromJson(json, &syntax);
    if (syntax.error != QJsonParseError::NoError) {
        p.error(QStringLiteral("$"),
            QStringLiteral("not valid JSON at %1: %2 (near '%3')")
                .arg(lineColumn(json, syntax.offset), syntax.errorString(), around(json, syntax.offset)));
        return std::nullopt;
    }
    for (const auto &d : findDuplicateKeys(json)) {
        p.error(d.path,
            QStringLiteral("the key \"%1\" is written twice in one object (line %2, column %3 and line %4, column "
                           "%5); JSON keeps only the last, so write it once")
                .arg(escapeControl(d.key))
                .arg(d.firstLine)
                .arg(d.firstColumn)
                .arg(d.line)
                .arg(d.column));
    }
    if (!document.isObject()) {
        p.error(QStringLiteral("$"),
            QStringLiteral("expected an object at the top level, got %1")
                .arg(document.isArray() ? QStringLiteral("an array") : QStringLiteral("a single value")));
        return std::nullopt;
    }
    return document.object();
}

/// The top-level keys besides "config", "timeline" and "expect": name, description, view, duration_s, needs,
/// max_speed, recording.
void readHeader(Parser &p, const QJsonObject &root, Scenario &scenario)
{
    static const QStringList keys{QStringLiteral("$schema"), QStringLiteral("name"), QStringLiteral("description"),
        QStringLiteral("duration_s"), QStringLiteral("config"), QStringLiteral("timeline"), QStringLiteral("expect"),
        QStringLiteral("view"), QStringLiteral("max_speed"), QStringLiteral("needs"), QStringLiteral("recording")};
    for (const auto &key : root.keys()) {
        if (!keys.contains(key))
            p.error(QStringLiteral("$.") + escapeControl(key),
                QStringLiteral("unknown key (allowed: %1)").arg(keys.mid(1).join(QStringLiteral(", "))));
    }
    if (root.contains(QStringLiteral("$schema")) && !root.value(QStringLiteral("$schema")).isString())
        p.expected(QStringLiteral("$.$schema"), QStringLiteral("a string (the schema's path or URL)"),
            root.value(QStringLiteral("$schema")));
    const auto name = root.value(QStringLiteral("name"));
    if (!name.isString() || name.toString().trimmed().isEmpty())
        p.expected(QStringLiteral("$.name"), QStringLiteral("a non-empty string"), name);
    scenario.name = name.toString();
    const auto description = root.value(QStringLiteral("description"));
    if (!description.isUndefined() && !description.isString())
        p.expected(QStringLiteral("$.description"), QStringLiteral("a string"), description);
    scenario.description = description.toString();
    const auto view = root.value(QStringLiteral("view"));
    if (!view.isUndefined() && view != QJsonValue(QStringLiteral("topology"))
        && view != QJsonValue(QStringLiteral("schedulers")) && view != QJsonValue(QStringLiteral("theory")))
        p.expected(QStringLiteral("$.view"), QStringLiteral("\"topology\", \"schedulers\" or \"theory\""), view);
    scenario.view = view.toString();
    scenario.durationS
        = p.seconds(root.value(QStringLiteral("duration_s")), QStringLiteral("$.duration_s"), 0.1, kMaxDurationS)
              .value_or(kMaxDurationS);
    if (const auto needs = root.value(QStringLiteral("needs")); !needs.isUndefined()) {
        if (!needs.isString() || needs.toString().trimmed().isEmpty())
            p.expected(QStringLiteral("$.needs"), QStringLiteral("a sentence saying what the lesson needs"), needs);
        scenario.needs = needs.toString();
    }
    if (const auto recording = root.value(QStringLiteral("recording")); !recording.isUndefined()) {
        const QString file = recording.toString();
        if (!recording.isString() || file.trimmed().isEmpty() || file.contains(QLatin1Char('\0')))
            p.expected(QStringLiteral("$.recording"), QStringLiteral("a recording's file name, beside the scenario"),
                recording);
        else
            scenario.recording = file;
    }
    if (const auto maxSpeed = root.value(QStringLiteral("max_speed")); !maxSpeed.isUndefined()) {
        if (!maxSpeed.isDouble() || maxSpeed.toDouble() < 1 || maxSpeed.toDouble() > 100)
            p.expected(QStringLiteral("$.max_speed"), QStringLiteral("a number 1..100"), maxSpeed);
        else
            scenario.maxSpeed = maxSpeed.toDouble();
    }
}

/// A caption is on screen until the next one replaces it; its checks are judged within that time.
void timeCaptionChecks(Parser &p, Scenario &scenario)
{
    for (qsizetype i = 0; i < scenario.timeline.size(); ++i) {
        auto &step = scenario.timeline[i];
        if (step.kind != ScenarioStep::Kind::Caption)
            continue;
        // Until the next caption due at a time; one waiting for a condition may come sooner, and the player
        // judges the checks when it does. A caption that waits itself may stay until the end.
        double until = scenario.durationS;
        for (qsizetype j = i + 1; j < scenario.timeline.size() && !step.conditional(); ++j) {
            if (scenario.timeline[j].kind == ScenarioStep::Kind::Caption && !scenario.timeline[j].conditional()) {
                until = scenario.timeline[j].atS;
                break;
            }
        }
        for (auto &check : step.checks) {
            if (check.overStretch()) {
                // Judged at every snapshot from the settle time (by default one window of the figures, so
                // that a change made with the caption has reached them) until the caption leaves.
                check.atS = until;
                check.captionS = step.atS;
                check.fromS = step.atS + check.settleS.value_or(kDefaultSettleS);
                if (check.fromS >= until) {
                    p.error(QStringLiteral("$.timeline (caption at %1 s)").arg(numberText(step.atS)),
                        QStringLiteral("check \"%1\" is judged from %2 s, but the caption leaves the screen at "
                                       "%3 s; give it a shorter \"after <s>s:\" or the caption more time")
                            .arg(escapeControl(check.text))
                            .arg(numberText(check.fromS), numberText(until)));
                }
            } else if (!check.atS) {
                check.atS = until;
            } else if (*check.atS > until) {
                p.error(QStringLiteral("$.timeline (caption at %1 s)").arg(numberText(step.atS)),
                    QStringLiteral("check \"%1\" is judged at %2 s, after the caption left the screen at %3 s")
                        .arg(escapeControl(check.text))
                        .arg(numberText(*check.atS), numberText(until)));
            }
        }
    }
}

/// "timeline": the steps, in time order, and when their captions' checks are judged.
void readTimeline(Parser &p, const QJsonValue &timeline, Scenario &scenario)
{
    if (timeline.isArray()) {
        // Steps are applied in time order; validate each "set" against the configuration as it will be then.
        QList<std::pair<double, int>> order;
        const auto steps = timeline.toArray();
        for (int i = 0; i < steps.size(); ++i)
            order.append({steps[i].toObject().value(QStringLiteral("at_s")).toDouble(0), i});
        std::stable_sort(order.begin(), order.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        PipelineConfig running = scenario.config;
        for (const auto &[at, i] : order)
            p.step(steps[i], QStringLiteral("$.timeline[%1]").arg(i), scenario, running);
        timeCaptionChecks(p, scenario);
    } else if (!timeline.isUndefined()) {
        p.expected(QStringLiteral("$.timeline"), QStringLiteral("an array of steps"), timeline);
    }
}

/// "expect": the assertions judged on the run as a whole.
void readExpect(Parser &p, const QJsonValue &expect, Scenario &scenario)
{
    if (expect.isArray()) {
        const auto lines = expect.toArray();
        for (int i = 0; i < lines.size(); ++i) {
            const QString path = QStringLiteral("$.expect[%1]").arg(i);
            if (!lines[i].isString()) {
                p.expected(path, QStringLiteral("an assertion string such as \"lost == 0\""), lines[i]);
                continue;
            }
            if (auto a = p.assertion(lines[i].toString(), path, scenario))
                scenario.expect.append(*a);
        }
    } else if (!expect.isUndefined()) {
        p.expected(QStringLiteral("$.expect"), QStringLiteral("an array of assertion strings"), expect);
    }
}

} // namespace

std::variant<Scenario, QStringList> parseScenario(const QByteArray &json, const QString &fileName)
{
    Parser p{escapeControl(fileName), {}};
    const auto root = readRoot(p, json);
    if (!root)
        return p.errors;
    Scenario scenario;
    readHeader(p, *root, scenario);

    const auto config = root->value(QStringLiteral("config"));
    if (config.isObject()) {
        for (const auto &e : applyConfigJson(config.toObject(), scenario.config, QStringLiteral("$.config")))
            p.errors << QStringLiteral("%1: %2").arg(fileName, e);
    } else if (!config.isUndefined()) {
        p.expected(QStringLiteral("$.config"), QStringLiteral("an object of configuration fields"), config);
    }

    readTimeline(p, root->value(QStringLiteral("timeline")), scenario);
    readExpect(p, root->value(QStringLiteral("expect")), scenario);
    if (!p.errors.isEmpty())
        return p.errors;
    return scenario;
}

std::variant<QByteArray, QString> readScenarioFile(const QString &path)
{
    const QString shown = escapeControl(path);
    if (path.isEmpty())
        return QStringLiteral("'' is not a file name");
    const QFileInfo info(path);
    if (info.isDir())
        return QStringLiteral("'%1' is a directory, not a scenario file").arg(shown);
    if (!info.exists())
        return QStringLiteral("'%1' does not exist").arg(shown);
    const auto tooLarge = [&shown](const QString &size) {
        return QStringLiteral("'%1' is %2; a scenario file may have at most %3 bytes (1 MiB)")
            .arg(shown, size)
            .arg(kMaxScenarioBytes);
    };
    if (info.isFile() && info.size() > kMaxScenarioBytes)
        return tooLarge(QStringLiteral("%1 bytes").arg(info.size()));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read '%1': %2").arg(shown, file.errorString());
    // A device or a pipe has no size to check: read one byte past the limit, and no further.
    QByteArray bytes = file.read(kMaxScenarioBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return QStringLiteral("cannot read '%1': %2").arg(shown, file.errorString());
    if (bytes.size() > kMaxScenarioBytes)
        return tooLarge(QStringLiteral("more than %1 bytes").arg(kMaxScenarioBytes));
    return bytes;
}

std::variant<Scenario, QStringList> loadScenario(const QString &path)
{
    auto bytes = readScenarioFile(path);
    if (const auto *error = std::get_if<QString>(&bytes))
        return QStringList{*error};
    auto parsed = parseScenario(std::get<QByteArray>(bytes), path);
    // A recording is named beside the scenario file: from here on it is found from anywhere.
    if (auto *scenario = std::get_if<Scenario>(&parsed); scenario && !scenario->recording.isEmpty())
        scenario->recording = QFileInfo(path).dir().filePath(scenario->recording);
    return parsed;
}

} // namespace beam
