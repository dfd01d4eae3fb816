// SPDX-License-Identifier: MIT
#pragma once

#include "enginebridge.h"
#include "scenario/scenario.h"
#include "scenario/scenarioplayer.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <deque>
#include <optional>

QT_BEGIN_NAMESPACE
class QLabel;
class QListWidget;
class QPushButton;
class QProgressBar;
class QToolButton;
QT_END_NAMESPACE

namespace beam {

class ChartPanel;
class ControlPanel;

/// Plays a scenario as a lesson: drives the controls at each step (so the class sees what changed), shows
/// each caption in large type, marks each step on the charts, and checks the scenario's assertions as their
/// time comes. Also shows, for any run, the live utilisation (rho) per stage.
///
/// The lesson's clock is its own: Pause stops the timeline (the engine runs on, so the picture stays live
/// while the teacher talks), Step jumps to the next step, Restart resets the engine and starts over.
/// Threads: GUI thread only; it reaches the engine only through the bridge and the control panel.
class LessonPanel : public QWidget, private ScenarioStage
{
    Q_OBJECT

public:
    LessonPanel(EngineBridge *bridge, ControlPanel *controls, ChartPanel *charts, QWidget *parent = nullptr);

    /// Plays `scenario` from the start, `speed` times faster than written (--speed).
    void play(const Scenario &scenario, double speed = 1.0);
    [[nodiscard]] bool playing() const { return m_player && m_player->playing(); }
    [[nodiscard]] bool loaded() const { return m_player.has_value(); }
    /// Shows `text` as the caption, whole: the label is as tall as the text needs at its width.
    void setCaptionText(const QString &text);
    /// The time cursor's moment `atS`: the caption that was on screen then (`text`: empty when none was), under
    /// "At 4.8 s:"; nullopt: live again, the lesson's own caption back.
    void showMoment(const std::optional<QString> &text, double atS = 0);
    /// True while a past moment's caption is shown.
    [[nodiscard]] bool showingMoment() const { return m_moment; }
    /// Whether pause_lesson steps stop the lesson clock (a teacher resumes it); off for unattended runs.
    void setHonourLessonPauses(bool honour);
    [[nodiscard]] double position() const { return m_player ? m_player->position() : 0.0; }
    /// The text under the charts now: the caption, or why the lesson ended.
    [[nodiscard]] QString caption() const;
    [[nodiscard]] int stepsDone() const { return m_player ? m_player->nextStep() : 0; }
    /// Assertions and caption checks decided so far: (passed, failed).
    [[nodiscard]] std::pair<int, int> verdicts() const;
    /// Every claim of the lesson with its verdict so far (empty when none is loaded).
    [[nodiscard]] std::vector<Verdict> claims() const
    {
        return m_player ? m_player->verdicts() : std::vector<Verdict>{};
    }

public slots:
    void pause();
    void resume();
    void step();
    void restart();
    /// Ends the lesson early (the engine was reset or stopped from the controls), saying why.
    void abandon(const QString &why);
    /// The number of warnings raised so far in this run (the report's `warnings`).
    void setWarningCount(int count) { m_warnings = count; }
    /// Every snapshot, for the assertions (their recent figures).
    void showSnapshot(const beam::SnapshotPtr &snapshot);
    /// A recorded run is shown (`title`: what it was, empty: back to no lesson): the title says so, and the
    /// lesson's own buttons rest (the time cursor moves through it).
    void showRecorded(const QString &title);

signals:
    /// The lesson starts over: the engine was reset, the history should be too.
    void restarted();
    void finished();
    /// Caption `number` (as the screen numbers them) is about to leave the screen: the next one comes, or the
    /// lesson ends. The screen still shows it, with everything its checks were judged on.
    void captionLeaving(int number);

private:
    void tick();
    // ScenarioStage: the player carries out steps through the controls and the bridge, as a teacher would.
    void apply(const ScenarioStep &step, int index) override;
    QJsonObject report() override;
    std::uint64_t latestSequence() override;
    void judged(int index, const Verdict &verdict) override;
    void showClaim(int index, const Verdict &verdict);
    void fitCaption();
    void resizeEvent(QResizeEvent *event) override;
    /// Failed claims first, then those still to be judged, then those that held; the one-line summary.
    void sortClaims();
    void updateTransport();

    EngineBridge *m_bridge;
    ControlPanel *m_controls;
    ChartPanel *m_charts;
    QElapsedTimer m_clock; ///< the player's clock
    std::optional<ScenarioPlayer> m_player;
    QTimer m_tick;
    std::deque<SnapshotPtr> m_recent; ///< the last 3.5 s: the readouts and Little's law (its trend)
    int m_warnings = 0;

    QLabel *m_title = nullptr;
    QLabel *m_description = nullptr;
    QLabel *m_caption = nullptr;
    QProgressBar *m_progress = nullptr;
    QListWidget *m_steps = nullptr;
    QListWidget *m_expect = nullptr;
    QPushButton *m_playPause = nullptr;
    QPushButton *m_stepButton = nullptr;
    QPushButton *m_restartButton = nullptr;
    QToolButton *m_stepsFold = nullptr; ///< one line that opens the list under it
    QToolButton *m_expectFold = nullptr;
    bool m_honourLessonPauses = true;
    bool m_moment = false; ///< a past moment's caption is shown (showMoment())
    QString m_liveCaption; ///< the lesson's own caption, shown again when the cursor goes live
    int m_shownCaption = 0; ///< the number of the caption on screen, 0 for none
    QStringList m_markerLabels; ///< by timeline index: the number of the caption a step's marker belongs to
};

} // namespace beam
