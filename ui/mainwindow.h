// SPDX-License-Identifier: MIT
#pragma once

#include "core/recording.h"
#include "core/warnings.h"
#include "enginebridge.h"
#include "scenario/scenario.h"
#include "telemetryhistory.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>

#include <deque>

QT_BEGIN_NAMESPACE
class QTabWidget;
class QLabel;
class QAction;
class QSplitter;
class QTimer;
class QDockWidget;
class QMenu;
class QTableView;
QT_END_NAMESPACE

namespace beam {

class ChartPanel;
class ControlPanel;
class LessonPanel;
class StatTiles;
class SchedulersView;
class TheoryView;
class SweepRunner;
struct SweepMark;
class EventLogModel;
class TopologyView;
class TimeCursor;
class TimelineBar;

/// The window: controls on the left, live charts and the topology in the middle, totals and a conservation
/// badge in the status bar. Holds no logic worth testing on its own: that lives in the bridge, the history,
/// the panels and core/. Threads: GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    [[nodiscard]] EngineBridge *bridge() const { return m_bridge; }
    [[nodiscard]] ControlPanel *controls() const { return m_controls; }
    [[nodiscard]] ChartPanel *charts() const { return m_charts; }
    [[nodiscard]] TopologyView *topology() const { return m_topology; }
    [[nodiscard]] LessonPanel *lessons() const { return m_lessons; }
    [[nodiscard]] StatTiles *tiles() const { return m_tiles; }
    [[nodiscard]] SchedulersView *schedulers() const { return m_schedulers; }
    [[nodiscard]] TheoryView *theory() const { return m_theory; }
    [[nodiscard]] EventLogModel *eventLog() const { return m_events; }
    /// The one time cursor every view follows (docs/recording.md).
    [[nodiscard]] TimeCursor *timeCursor() const { return m_cursor; }
    [[nodiscard]] TimelineBar *timeline() const { return m_timeline; }
    /// The snapshot the screen shows now: the newest, or the one under the time cursor.
    [[nodiscard]] SnapshotPtr shownSnapshot() const;
    /// The banner over the tiles while the view is not live ("viewing 5.0 s ..."); empty when live.
    [[nodiscard]] QString pastBannerText() const;
    [[nodiscard]] QDockWidget *controlsDock() const { return m_controlsDock; }
    /// The help window, while it is open.
    [[nodiscard]] QDialog *helpWindow() const { return m_help; }
    [[nodiscard]] bool darkMode() const { return m_dark; }
    /// The warnings holding now, one line each (also shown above the charts).
    [[nodiscard]] QStringList activeWarnings() const;
    /// Opens the Lessons panel and plays `scenario` from the start, `speed` times faster than written.
    /// `source`: its file or ":/lessons/NAME.json", named in a recording of the run. A lesson that ships a
    /// recording ("recording" in the scenario) is replayed from it instead.
    void playScenario(const Scenario &scenario, double speed = 1.0, const QString &source = {});
    /// Opens the recording at `path` and shows it (showRecording()); a file that is not one: a message box with
    /// one line naming it and the problem, and nothing else changes. False then.
    bool openRecording(const QString &path);
    /// The window on `recording` (read from `path`): no engine runs, every view follows the time cursor, which
    /// plays it from the start; P pauses, the keys and the timeline move it; Close recording returns to the engine.
    void showRecording(const Recording &recording, const QString &path);
    /// Saves what the recorder keeps (or the replay shown) as a recording file; a message box when it cannot.
    bool saveRecordingAs(const QString &path);
    /// Exports it: CSV tables into the folder `target`, or a Chrome trace to the file `target`.
    bool exportRecording(const QString &target, bool trace);
    /// The recording shown, in a replay; empty while the engine runs.
    [[nodiscard]] QString replayPath() const { return m_replayPath; }
    [[nodiscard]] const TelemetryHistory &history() const { return m_history; }
    [[nodiscard]] QString conservationText() const;
    /// The run's newest snapshot, also after the window closed (closing stops the engine and forgets the run);
    /// null before the first one. For the summary printed when the window quits.
    [[nodiscard]] SnapshotPtr lastSnapshot() const { return m_closedWith ? m_closedWith : m_bridge->latest(); }
    /// The longest the GUI event loop went without running, in milliseconds (measured by a 10 ms heartbeat).
    [[nodiscard]] qint64 maxStallMs() const { return m_maxStallMs; }

    /// Saves a PNG of the window `seconds` after now, then quits the application with 0 (or 1 on failure).
    void scheduleScreenshot(const QString &path, double seconds);
    /// Saves a PNG of the window as each caption of the lesson playing is about to leave the screen, to
    /// `folder/<prefix>-caption-<n>.png`, and quits when the lesson ends: one picture a caption, as a class saw it.
    void screenshotCaptions(const QString &folder, const QString &prefix);
    bool exportCsv(const QString &path) const;
    bool exportJson(const QString &path) const;
    bool saveChartsPng(const QString &path);
    void setDarkMode(bool dark);
    /// Presentation mode, for a projector: large type (every text at least visual::kPresentationTextPx, the
    /// tiles' numbers 2.2 times that), full screen on the display the window is on, the controls folded away
    /// (F9 or View > Controls brings them back). Leaving it restores the window as it was.
    void setPresentationMode(bool on);
    [[nodiscard]] bool presentationMode() const { return m_presentation; }
    /// Full screen on the display the window is on (View > Full screen, the platform's key for it: F11 on
    /// Linux and Windows). Before the window is shown, it opens that way: only remembered until show(), so that
    /// a size asked for after the saved settings (--window-size) is the size it opens at.
    void setFullScreen(bool on);
    /// Shows the window full screen if that was asked for before it was shown.
    void setVisible(bool visible) override;
    [[nodiscard]] QAction *fullScreenAction() const { return m_fullScreenAction; }
    [[nodiscard]] QAction *presentationAction() const { return m_presentationAction; }
    /// View > Controls panel (F9).
    [[nodiscard]] QAction *controlsAction() const { return m_controlsAction; }
    /// Opens the controls where they fit: on the left, or as a tab beside the lesson where the screen is too
    /// narrow for both beside the charts.
    void setControlsVisible(bool on);
    void showHelp();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createViews();
    void createCentralWidget();
    void createDockWindows();
    void createStatusBar();
    void buildMenus();
    void buildFileMenu();
    void buildViewMenu();
    void buildLessonsMenu();
    void loadSettings();
    void connectControls();
    void createTimers();
    void showSnapshot(const SnapshotPtr &snapshot);
    void drawPanels();
    // The time cursor (mainwindowtime.cpp).
    void createTimeline();
    /// The Theory tab's sweep (mainwindowsweep.cpp).
    void createSweep();
    void startSweep();
    void createTimeActions();
    void createTimeKeys();
    void cursorMoved();
    void refreshTimeline(bool force);
    void showPastBanner();
    bool keepsArrowKeys(QObject *watched, QEvent *event) const;
    void resumeWhatPausedHere();
    // Recordings (mainwindowrecording.cpp).
    void buildRecordingMenu(QMenu *file);
    [[nodiscard]] RecordingInfo recordingInfo() const;
    void advanceReplay();
    void closeRecording();
    /// A problem with a recording, in a message box that does not wait (nothing else changes).
    void complain(const QString &title, const QString &text);
    /// The lesson panel at its share of the window's width (after the layout has run).
    void fitLessonDock();
    void showState(EngineState state);
    void showAbout();
    void applyLook();
    void openScenarioFile();
    void playLesson(const QString &resource);
    /// Keeps the window on its screen when a panel opens or the type grows: where the controls and the lesson
    /// panel do not fit side by side with the charts, the controls become a tab beside the lesson (and go back
    /// to the left where they fit again). A size asked for (--window-size, a screenshot larger than this
    /// screen) is left as it is.
    void keepOnScreen();
    void placeDocks(bool controlsOpen, bool lessonOpen);
    /// Presentation mode: divides the width between the charts and the topology so the topology's text reaches
    /// full size where it can (the charts keep at least a third).
    void fitSplit();
    [[nodiscard]] bool docksFitSideBySide() const;

    EngineBridge *m_bridge = nullptr;
    ControlPanel *m_controls = nullptr;
    ChartPanel *m_charts = nullptr;
    TopologyView *m_topology = nullptr;
    SchedulersView *m_schedulers = nullptr;
    TheoryView *m_theory = nullptr;
    SweepRunner *m_sweep = nullptr;
    std::vector<SweepMark> m_sweepMarks; ///< the points of the sweep shown
    int m_sweepPoints = 0; ///< points the sweep in progress will measure
    bool m_sweepPausedEngine = false; ///< the sweep paused the live engine: resume it afterwards
    QAction *m_modelAction = nullptr;
    QTabWidget *m_views = nullptr; ///< Topology | Schedulers | Events
    EventLogModel *m_events = nullptr; ///< crashes, restarts, escalations, settings: time, who, what
    LessonPanel *m_lessons = nullptr;
    QDockWidget *m_lessonDock = nullptr;
    StatTiles *m_tiles = nullptr;
    QSplitter *m_split = nullptr;
    QDockWidget *m_controlsDock = nullptr;
    QPointer<QDialog> m_help;
    QLabel *m_warnings = nullptr; ///< the warnings strip above the charts
    std::deque<SnapshotPtr> m_recent; ///< about the last 3.5 s of snapshots, for Little's law
    static constexpr int kPanelRedrawMs = 190; ///< about every other snapshot at the default 100 ms
    QTimer *m_panelTimer = nullptr; ///< runs for kPanelRedrawMs after each redraw of charts, tiles and status
    bool m_panelsDirty = false; ///< a snapshot arrived that they have not drawn yet
    SnapshotPtr m_shown; ///< the newest snapshot shown
    SnapshotPtr m_closedWith; ///< the engine's counts when the window closed
    std::deque<double> m_cpu; ///< the process's CPU % of one core per snapshot, the last 10 s, for the record
    WarningMonitor m_monitor;
    int m_warningCount = 0; ///< warnings raised in this run
    TelemetryHistory m_history;
    QLabel *m_state = nullptr;
    QLabel *m_totals = nullptr;
    QLabel *m_badge = nullptr;
    QLabel *m_process = nullptr;
    QAction *m_darkAction = nullptr;
    QAction *m_presentationAction = nullptr;
    QAction *m_fullScreenAction = nullptr;
    QAction *m_controlsAction = nullptr;
    QAction *m_freezeAction = nullptr; ///< Freeze view: the cursor stays, the engine runs on
    QAction *m_pauseEngineAction = nullptr; ///< Pause engine: the engine pauses and the view freezes
    QAction *m_liveAction = nullptr;
    TimeCursor *m_cursor = nullptr;
    TimelineBar *m_timeline = nullptr;
    QWidget *m_timelineRow = nullptr;
    QLabel *m_pastBanner = nullptr;
    QTableView *m_eventTable = nullptr;
    QString m_replayPath; ///< the recording shown, in replay (no engine runs); empty otherwise
    RecordingInfo m_replayInfo; ///< what the recording shown says of its run
    QTimer *m_replayTimer = nullptr; ///< moves a replay's cursor on, 20 times a second
    QElapsedTimer m_replayClock;
    double m_replayHeadS = 0; ///< where the replay has got to (the cursor is the snapshot at or before it)
    bool m_replayMoving = false; ///< the replay itself is moving the cursor (not the user)
    QAction *m_closeRecordingAction = nullptr;
    QString m_lessonSource; ///< the lesson playing (its file), for a recording of the run
    double m_lessonSpeed = 1.0;
    qint64 m_timelineMarksAt = 0; ///< when the timeline's marks were last gathered (ms since the epoch)
    bool m_lessonHeld = false; ///< Pause engine paused the lesson playing too (and resumes it)
    bool m_enginePausedHere = false; ///< Pause engine paused the engine (the controls' Pause is theirs to undo)
    QAction *m_smoothAction = nullptr;
    bool m_dark = false;
    bool m_darkChosen = false; ///< the user picked light or dark; otherwise the system's palette decides
    bool m_presentation = false;
    bool m_controlsWereVisible = true;
    bool m_fullScreenBefore = false; ///< whether the window was full screen when presentation mode began
    bool m_shownOnce = false; ///< show() has run: full screen is a window state, no longer only a wish
    bool m_fullScreenAtShow = false; ///< asked for full screen before the window was shown
    bool m_placingDocks = false; ///< keepOnScreen() is moving a dock (which reports its visibility)
    QTimer *m_splitTimer = nullptr; ///< fitSplit() once the layout has run
    bool m_splitChosen = false; ///< the user dragged the splitter: fitSplit() leaves it alone
    int m_textPx = 13;
    QString m_styleTemplate;
    std::int64_t m_everLost = 0;
    QString m_threadError; ///< the first exception a thread outside the graph caught this run (shown as a warning)
    QFont m_baseFont;
    QTimer *m_heartbeat = nullptr; ///< fires every 10 ms; how late it fires is how long the event loop stalled
    QElapsedTimer m_beat;
    bool m_heartbeatPending = false;
    qint64 m_maxStallMs = 0;
    qint64 m_maxRedrawMs = 0; ///< the longest drawPanels() took (charts, tiles, topology, readouts, status)
};

} // namespace beam
