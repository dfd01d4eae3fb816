// SPDX-License-Identifier: MIT
#include "scenarioplayer.h"

#include <algorithm>

namespace beam {

ScenarioPlayer::ScenarioPlayer(const Scenario &scenario, ScenarioStage &stage, Clock clock, double speed)
    : m_scenario(speed > 1.0 ? scenario.fasterBy(speed) : scenario)
    , m_stage(stage)
    , m_clock(std::move(clock))
{
    for (const auto &claim : m_scenario.claims()) {
        Verdict v;
        v.assertion = claim.assertion;
        v.caption = claim.caption;
        v.captionNumber = m_scenario.captionNumber(claim.caption);
        m_verdicts.push_back(v);
    }
}

void ScenarioPlayer::start()
{
    for (auto &v : m_verdicts) {
        v.state = Verdict::State::Pending;
        v.message.clear();
        v.atS = 0;
    }
    m_next = 0;
    m_caption = -1;
    m_readings.clear();
    for (const auto &v : m_verdicts) {
        if (v.assertion.overStretch())
            m_readings[v.assertion.path];
    }
    m_lastSequence = 0;
    m_latestReport = {};
    const auto steps = static_cast<std::size_t>(m_scenario.timeline.size());
    m_shownAt.assign(steps, -1.0);
    m_shownAfter.assign(steps, -1);
    m_conditionFired.assign(steps, false);
    m_started = true;
    m_finished = false;
    m_playing = true;
    m_offsetS = 0;
    m_runStart = m_clock();
    mark(LessonMark::Kind::Start, 0, -1, m_scenario.name);
    advance();
}

double ScenarioPlayer::position() const
{
    const double running = m_playing ? m_clock() - m_runStart : 0.0;
    return std::min(m_offsetS + running, m_scenario.durationS);
}

void ScenarioPlayer::pause()
{
    if (!m_playing)
        return;
    m_offsetS = position();
    m_playing = false;
}

void ScenarioPlayer::resume()
{
    if (m_playing || !m_started || m_finished)
        return;
    m_playing = true;
    m_runStart = m_clock();
}

void ScenarioPlayer::step()
{
    if (!m_started || m_finished || m_next >= m_scenario.timeline.size())
        return;
    const double to = std::max(position(), m_scenario.timeline[m_next].atS);
    for (std::size_t i = 0; i < m_verdicts.size(); ++i) {
        auto &v = m_verdicts[i];
        const bool onScreen = v.caption >= 0 && v.caption == m_caption;
        if (v.decided() || !v.assertion.atS || *v.assertion.atS > to
            || (v.assertion.overStretch() && !onScreen && m_shownAt[static_cast<std::size_t>(v.caption)] < 0))
            continue;
        v.state = Verdict::State::Skipped;
        v.message = QStringLiteral("%1: not judged (jumped past it)").arg(v.assertion.text);
        v.atS = to;
        mark(LessonMark::Kind::Verdict, to, v.caption, describe(v.assertion), QStringLiteral("skipped"), v.message);
        m_stage.judged(static_cast<int>(i), v);
    }
    m_offsetS = to;
    m_runStart = m_clock();
    advance();
}

void ScenarioPlayer::advance()
{
    if (!m_started || m_finished)
        return;
    observe();
    const double now = position();
    // Assertions due before a step are judged before it changes anything: a check of the caption on screen
    // is judged as the next caption replaces it.
    while (m_next < m_scenario.timeline.size() && m_scenario.timeline[m_next].atS <= now) {
        judgeDue(m_scenario.timeline[m_next].atS);
        fireDue(m_scenario.timeline[m_next].atS);
    }
    fireConditions();
    judgeDue(now);
}

void ScenarioPlayer::fireDue(double upTo)
{
    while (m_next < m_scenario.timeline.size() && m_scenario.timeline[m_next].atS <= upTo) {
        const int index = m_next++;
        if (!m_scenario.timeline[index].conditional()) // one that waits for its condition fires in fireConditions
            fire(index, m_scenario.timeline[index].atS);
    }
}

void ScenarioPlayer::fireConditions()
{
    const double now = position();
    for (int i = 0; i < m_scenario.timeline.size(); ++i) {
        const auto &step = m_scenario.timeline[i];
        if (!step.conditional() || m_conditionFired[static_cast<std::size_t>(i)] || step.atS > now)
            continue;
        if (m_latestReport.isEmpty() || !evaluate(*step.condition, m_latestReport).passed)
            continue;
        m_conditionFired[static_cast<std::size_t>(i)] = true;
        // At the time of the reading that showed it: that reading is the new caption's, not the old one's.
        fire(i, std::max(m_latestReportAt, step.atS));
    }
}

void ScenarioPlayer::fire(int index, double atS)
{
    const auto &s = m_scenario.timeline[index];
    if (s.kind == ScenarioStep::Kind::Caption) {
        closeCaption(atS);
        m_shownAfter[static_cast<std::size_t>(index)] = m_caption;
        m_caption = index;
        m_shownAt[static_cast<std::size_t>(index)] = atS;
    }
    mark(s.kind == ScenarioStep::Kind::Caption ? LessonMark::Kind::Caption : LessonMark::Kind::Step, atS, index,
        s.kind == ScenarioStep::Kind::Caption ? s.caption : s.describe());
    m_stage.apply(s, index);
    if (s.kind == ScenarioStep::Kind::Action && s.action == ScenarioStep::Action::PauseLesson && m_honourLessonPauses)
        pause();
}

void ScenarioPlayer::closeCaption(double atS)
{
    if (m_caption < 0)
        return;
    for (std::size_t i = 0; i < m_verdicts.size(); ++i) {
        const auto &v = m_verdicts[i];
        if (v.caption == m_caption && v.assertion.overStretch() && !v.decided())
            decide(i, judgeStretch(v, atS), std::max(atS, position())); // judged now, over the stretch to atS
    }
}

void ScenarioPlayer::observe()
{
    const bool waiting = std::any_of(m_scenario.timeline.begin(), m_scenario.timeline.end(),
        [](const ScenarioStep &step) { return step.conditional(); });
    if (!m_playing || (m_readings.empty() && !waiting))
        return;
    const std::uint64_t sequence = m_stage.latestSequence();
    if (sequence != 0 && sequence == m_lastSequence)
        return;
    const QJsonObject report = m_stage.latestReport();
    if (report.isEmpty())
        return;
    m_lastSequence = sequence;
    m_latestReport = report;
    const double t = position();
    m_latestReportAt = t;
    for (auto &[path, series] : m_readings) {
        const QJsonValue value = valueAt(report, path);
        if (!value.isUndefined())
            series.emplace_back(t, value);
    }
}

std::vector<Reading> ScenarioPlayer::readings(
    const QString &path, double from, double to, const Assertion *truthOf) const
{
    std::vector<Reading> out;
    const auto found = m_readings.find(path);
    if (found == m_readings.end())
        return out;
    for (const auto &[t, value] : found->second) {
        if (t < from - 1e-9 || t > to + 1e-9)
            continue;
        if (!truthOf && value.isNull())
            continue; // no value then (the model predicts no W while saturated): not a zero to average
        if (truthOf && !value.isDouble()) {
            QJsonObject one;
            Assertion a = *truthOf;
            a.path = QStringLiteral("v");
            a.over = Assertion::Over::Instant;
            one[a.path] = value;
            out.push_back({t, evaluate(a, one).passed ? 1.0 : 0.0});
        } else {
            out.push_back({t, value.toDouble()});
        }
    }
    return out;
}

AssertionResult ScenarioPlayer::judgeStretch(const Verdict &v, double until) const
{
    // The stretch runs from when the caption actually appeared (a caption may wait for a condition), plus its
    // settle time, to when it left the screen.
    Assertion a = v.assertion;
    const double shown = m_shownAt[static_cast<std::size_t>(v.caption)];
    const double settle = a.fromS - a.captionS;
    a.captionS = shown;
    a.fromS = shown + settle;
    if (a.fromS >= until) {
        AssertionResult r;
        r.message = QStringLiteral("%1: the caption was on screen %2 s, less than the %3 s its figures need to settle")
                        .arg(describe(a))
                        .arg(until - shown, 0, 'f', 1)
                        .arg(settle, 0, 'g', 3);
        return r;
    }
    // The reading taken as the next caption appears belongs to the next caption's time on screen.
    until -= 1e-6;
    if (!a.expected.isDouble() && !a.isTrend() && !a.againstPrevious) {
        // A string or a truth: it holds at every snapshot of the stretch, or it does not.
        const auto truths = readings(a.path, a.fromS, until, &a);
        AssertionResult r;
        const auto broken = std::find_if(truths.begin(), truths.end(), [](const Reading &x) { return x.value == 0.0; });
        r.passed = !truths.empty() && broken == truths.end();
        r.message = truths.empty()
            ? describe(a) + QStringLiteral(": no snapshot was read while the caption was on screen")
            : r.passed ? QStringLiteral("%1 (%2–%3 s)")
                             .arg(describe(a))
                             .arg(truths.front().t, 0, 'f', 1)
                             .arg(truths.back().t, 0, 'f', 1)
                       : QStringLiteral("%1: not at %2 s").arg(describe(a)).arg(broken->t, 0, 'f', 1);
        return r;
    }
    // The previous caption's stretch (the one on screen before this one): from its settle time to this caption.
    std::vector<Reading> previous;
    if (const int before = m_shownAfter[static_cast<std::size_t>(v.caption)]; a.againstPrevious && before >= 0) {
        const double from = m_shownAt[static_cast<std::size_t>(before)] + settle;
        previous = readings(a.path, std::min(from, a.captionS), a.captionS - 1e-6);
    }
    return evaluateStretch(a, readings(a.path, a.fromS, until), readings(a.path, a.captionS, until), previous);
}

void ScenarioPlayer::judgeDue(double upTo)
{
    QJsonObject report;
    for (std::size_t i = 0; i < m_verdicts.size(); ++i) {
        const auto &v = m_verdicts[i];
        // Due strictly before upTo when a step is at upTo, so that a check at a caption's last instant is
        // judged before the next caption; at the end of the run everything at the duration is left to finish().
        const bool due
            = v.assertion.atS && (*v.assertion.atS < upTo || (*v.assertion.atS == upTo && upTo < m_scenario.durationS));
        if (v.decided() || !due || v.assertion.overStretch()) // a stretch is judged as its caption leaves
            continue;
        if (report.isEmpty())
            report = m_stage.report();
        if (report.isEmpty())
            return; // no report yet: asked again on the next advance
        decide(i, evaluate(v.assertion, report), position());
    }
}

void ScenarioPlayer::decide(std::size_t index, const AssertionResult &result, double atS)
{
    auto &v = m_verdicts[index];
    v.state = result.passed ? Verdict::State::Passed : Verdict::State::Failed;
    v.message = result.message;
    v.actual = result.actual;
    v.atS = atS;
    mark(LessonMark::Kind::Verdict, atS, v.caption, describe(v.assertion),
        result.passed ? QStringLiteral("passed") : QStringLiteral("failed"), v.message);
    m_stage.judged(static_cast<int>(index), v);
}

void ScenarioPlayer::mark(LessonMark::Kind kind, double lessonS, int step, const QString &text, const QString &verdict,
    const QString &detail) const
{
    if (m_markSink)
        m_markSink({0, lessonS, kind, step, text.toStdString(), verdict.toStdString(), detail.toStdString()});
}

void ScenarioPlayer::finish(const QJsonObject &final, const QString &why)
{
    if (!m_started || m_finished)
        return;
    const double end = position();
    for (std::size_t i = 0; i < m_verdicts.size(); ++i) {
        auto &v = m_verdicts[i];
        if (v.decided())
            continue;
        // An end-of-run assertion is judged on any end; one timed at the end, only if the run got there.
        const bool timedAtEnd = v.assertion.atS && *v.assertion.atS >= m_scenario.durationS;
        const bool shown = v.caption >= 0 && m_shownAt[static_cast<std::size_t>(v.caption)] >= 0;
        if (v.assertion.overStretch() && shown && v.caption == m_caption && (why.isEmpty() || reachedEnd())) {
            decide(i, judgeStretch(v, end), end);
        } else if (v.assertion.overStretch() && !shown && m_scenario.timeline[v.caption].conditional()) {
            decide(i,
                {false, {},
                    QStringLiteral("%1: its caption never appeared (it waits for %2, which never held)")
                        .arg(describe(v.assertion), describe(*m_scenario.timeline[v.caption].condition))},
                end);
        } else if (!v.assertion.atS || (timedAtEnd && (why.isEmpty() || reachedEnd()))) {
            decide(i, evaluate(v.assertion, final), end);
        } else {
            decide(i,
                {false, {},
                    QStringLiteral("%1: not reached, the run ended at %2 s%3")
                        .arg(v.assertion.text)
                        .arg(end, 0, 'f', 1)
                        .arg(why.isEmpty() ? QString() : QStringLiteral(" (") + why + QLatin1Char(')'))},
                end);
        }
    }
    m_finished = true;
    m_playing = false;
    m_offsetS = end;
    mark(LessonMark::Kind::End, end, -1, {}, {}, why);
}

void ScenarioPlayer::abandon()
{
    if (!m_started || m_finished)
        return;
    m_offsetS = position();
    m_finished = true;
    m_playing = false;
    mark(LessonMark::Kind::End, m_offsetS, -1, {}, {}, QStringLiteral("stopped"));
}

int ScenarioPlayer::passed() const
{
    return static_cast<int>(std::count_if(
        m_verdicts.begin(), m_verdicts.end(), [](const Verdict &v) { return v.state == Verdict::State::Passed; }));
}

int ScenarioPlayer::failed() const
{
    return static_cast<int>(std::count_if(
        m_verdicts.begin(), m_verdicts.end(), [](const Verdict &v) { return v.state == Verdict::State::Failed; }));
}

bool ScenarioPlayer::judgesGivingUp() const
{
    return std::any_of(m_verdicts.begin(), m_verdicts.end(), [](const Verdict &v) {
        return v.assertion.path == QLatin1String("gave_up") && !v.assertion.atS && v.caption < 0;
    });
}

QList<JUnitCase> ScenarioPlayer::junitCases() const
{
    QList<JUnitCase> cases;
    for (const auto &v : m_verdicts) {
        const QString name = v.caption < 0
            ? v.assertion.text
            : QStringLiteral("caption %1: %2").arg(v.captionNumber).arg(v.assertion.text);
        JUnitCase c{name, v.state == Verdict::State::Passed || v.state == Verdict::State::Skipped, v.message, v.atS};
        c.skipped = v.state == Verdict::State::Skipped;
        cases.append(c);
    }
    return cases;
}

} // namespace beam
