// SPDX-License-Identifier: MIT
#pragma once

#include "assertion.h"
#include "junit.h"
#include "scenario.h"

#include "core/recording.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace beam {

/// The verdict on one claim of a scenario: an `expect` line or a caption's check.
struct Verdict {
    enum class State { Pending, Passed, Failed, Skipped };
    Assertion assertion;
    int caption = -1; ///< the timeline index of the caption it checks; -1 for the `expect` list
    State state = State::Pending;
    QString message; ///< what was found
    double atS = 0; ///< the lesson time it was decided at
    int captionNumber = 0; ///< the caption's number as the screen shows it (Scenario::captionNumber), 0 for `expect`
    QJsonValue actual; ///< what was read (for a check over a stretch: the reading that decided it)
    [[nodiscard]] bool decided() const { return state != State::Pending; }
};

/// What a scenario is played on: the engine itself (headless) or the window's controls (the Lessons panel).
class ScenarioStage
{
public:
    virtual ~ScenarioStage() = default;
    /// Carries out step `index` of the timeline: a configuration change, an action or a caption.
    virtual void apply(const ScenarioStep &step, int index) = 0;
    /// The report as of now, for the assertions that are due; empty if there is none yet (asked again later).
    virtual QJsonObject report() = 0;
    /// The sequence number of the newest snapshot; the player reads latestReport() once per new one, for the
    /// checks judged over a caption's time. 0: unknown (read on every advance()).
    virtual std::uint64_t latestSequence() { return 0; }
    /// The report of the newest snapshot, as the screen shows it (no new sample is taken for it).
    virtual QJsonObject latestReport() { return report(); }
    /// An assertion was decided (passed, failed or skipped); `index` is its place in ScenarioPlayer::verdicts().
    virtual void judged(int index, const Verdict &verdict)
    {
        (void)index;
        (void)verdict;
    }
};

/// Plays a scenario: owns the lesson clock, carries out each step at its time, judges the timed assertions
/// and the captions' checks as their time comes and the rest at the end. The headless run and the Lessons
/// panel both drive one; neither keeps timing or judging logic of its own.
///
/// The clock is injected (seconds, never decreasing), so tests run a lesson on a fake one. Pause stops the
/// lesson's clock (the engine runs on); step() jumps to the next step; start() plays from the beginning.
/// `speed` > 1 plays every time divided by it (Scenario::fasterBy).
/// Threads: one thread calls everything, and the stage is called back on it.
class ScenarioPlayer
{
public:
    using Clock = std::function<double()>;

    ScenarioPlayer(const Scenario &scenario, ScenarioStage &stage, Clock clock, double speed = 1.0);

    [[nodiscard]] const Scenario &scenario() const { return m_scenario; }
    /// Starts (or starts over) from the beginning: nothing fired, nothing judged.
    void start();
    void pause();
    void resume();
    /// Jumps the lesson clock to the next step's time and carries out what is due by then. Timed assertions
    /// jumped over are skipped: the engine has not run that long, so their verdict would mean nothing.
    void step();
    /// Carries out the steps and judges the assertions that are due; call it often (every 5-50 ms).
    void advance();
    /// Ends the run: judges what is left against `final`. A timed assertion that was due before the end and
    /// could not be judged fails, saying why (`why`: "interrupted", "the top-level supervisor gave up").
    void finish(const QJsonObject &final, const QString &why = {});
    /// Stops the lesson where it is without judging the rest (the engine was reset under it).
    void abandon();
    /// Told of each thing the lesson does or decides as it happens (start, steps, captions, verdicts, end), for
    /// a flight recorder; the sink sets LessonMark::atS from the engine's clock.
    void setMarkSink(std::function<void(LessonMark)> sink) { m_markSink = std::move(sink); }
    /// pause_lesson steps stop the lesson clock (the window: the teacher resumes); otherwise they are only
    /// reported (headless: nobody is there to resume).
    void setHonourLessonPauses(bool honour) { m_honourLessonPauses = honour; }

    [[nodiscard]] double position() const;
    [[nodiscard]] bool playing() const { return m_playing; }
    [[nodiscard]] bool started() const { return m_started; }
    /// The lesson clock reached the scenario's duration; finish() is due.
    [[nodiscard]] bool reachedEnd() const { return m_started && position() >= m_scenario.durationS; }
    [[nodiscard]] bool finished() const { return m_finished; }
    /// The index of the next step to carry out (= steps done).
    [[nodiscard]] int nextStep() const { return m_next; }
    /// The caption on screen now, or empty.
    [[nodiscard]] QString caption() const { return m_caption < 0 ? QString() : m_scenario.timeline[m_caption].caption; }

    [[nodiscard]] const std::vector<Verdict> &verdicts() const { return m_verdicts; }
    [[nodiscard]] int passed() const;
    [[nodiscard]] int failed() const;
    /// The scenario asserts at the end whether the top gave up, so giving up is its expected outcome.
    [[nodiscard]] bool judgesGivingUp() const;
    [[nodiscard]] QList<JUnitCase> junitCases() const;

private:
    void fireDue(double upTo);
    void fireConditions();
    void fire(int index, double atS);
    /// The caption on screen leaves it at `atS`: its checks over a stretch are judged.
    void closeCaption(double atS);
    void judgeDue(double upTo);
    void observe();
    /// The readings of `path` between two lesson times (inclusive); for a figure that is not a number, 1 where
    /// `truthOf` holds and 0 where it does not.
    [[nodiscard]] std::vector<Reading> readings(
        const QString &path, double from, double to, const Assertion *truthOf = nullptr) const;
    [[nodiscard]] AssertionResult judgeStretch(const Verdict &verdict, double until) const;
    void decide(std::size_t index, const AssertionResult &result, double atS);
    void mark(LessonMark::Kind kind, double lessonS, int step, const QString &text, const QString &verdict = {},
        const QString &detail = {}) const;

    Scenario m_scenario;
    ScenarioStage &m_stage;
    Clock m_clock;
    std::vector<Verdict> m_verdicts;
    int m_next = 0;
    int m_caption = -1;
    bool m_started = false;
    bool m_playing = false;
    bool m_finished = false;
    double m_offsetS = 0; ///< lesson time accumulated before the clock's current run
    double m_runStart = 0; ///< the clock's reading when it last started running
    /// Every reading of each field a check judges over a stretch, in lesson time: {time, value}.
    std::map<QString, std::vector<std::pair<double, QJsonValue>>> m_readings;
    std::uint64_t m_lastSequence = 0;
    QJsonObject m_latestReport; ///< the newest snapshot's report, for conditions
    double m_latestReportAt = 0; ///< the lesson time it was read at
    std::vector<double> m_shownAt; ///< by timeline index: when a caption appeared, -1 if it has not
    std::vector<int> m_shownAfter; ///< by timeline index: the caption on screen before it, -1 if none
    std::vector<bool> m_conditionFired; ///< by timeline index: a conditional step that fired
    bool m_honourLessonPauses = false;
    std::function<void(LessonMark)> m_markSink;
};

} // namespace beam
