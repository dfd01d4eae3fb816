// SPDX-License-Identifier: MIT
#pragma once

#include "enginebridge.h"
#include "scenario/scenario.h"

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
class LessonPanel : public QWidget
{
    Q_OBJECT

public:
    LessonPanel(EngineBridge *bridge, ControlPanel *controls, ChartPanel *charts, QWidget *parent = nullptr);

    void play(const Scenario &scenario);
    [[nodiscard]] bool playing() const { return m_playing; }
    [[nodiscard]] bool loaded() const { return m_scenario.has_value(); }
    [[nodiscard]] double position() const;
    [[nodiscard]] QString caption() const;
    [[nodiscard]] int stepsDone() const { return m_next; }
    /// Assertions decided so far: (passed, failed).
    [[nodiscard]] std::pair<int, int> verdicts() const;

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
    /// The utilisation readouts for `snapshot`; the window calls it when it draws the rest of the screen, so
    /// every figure shown at one instant comes from one snapshot.
    void showReadouts(const beam::Snapshot &snapshot);

signals:
    /// The lesson starts over: the engine was reset, the history should be too.
    void restarted();
    void finished();

private:
    void tick();
    void fire(const ScenarioStep &step);
    void judge(bool atEnd);
    [[nodiscard]] QJsonObject report() const;
    void updateTransport();

    EngineBridge *m_bridge;
    ControlPanel *m_controls;
    ChartPanel *m_charts;
    std::optional<Scenario> m_scenario;
    int m_next = 0;
    bool m_playing = false;
    bool m_finished = false;
    double m_offsetS = 0; ///< lesson time accumulated before the current run of the clock
    QElapsedTimer m_clock;
    QTimer m_tick;
    std::deque<SnapshotPtr> m_recent; ///< about the last two seconds, for the readouts
    struct Verdict {
        bool decided = false;
        bool passed = false;
        bool skipped = false; ///< jumped over by Next step: neither passed nor failed
        QString message;
    };
    std::vector<Verdict> m_verdicts;
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
    QLabel *m_rho = nullptr;
};

} // namespace beam
