// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "chartpanel.h"
#include "controlpanel.h"
#include "eventlogmodel.h"
#include "lessonpanel.h"
#include "schedulersview.h"
#include "statelegend.h"
#include "stattiles.h"
#include "theoryview.h"
#include "timecursor.h"
#include "timelinebar.h"
#include "topologyview.h"
#include "visualstyle.h"

#include <QActionGroup>
#include <QApplication>
#include <QChartView>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QScopeGuard>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <cstdio>

// Resources compiled into a static library are registered explicitly (outside any namespace).
static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace beam {

namespace {
/// Scrolls its panel up and down only: as wide as the panel needs at the current type size, and never taller
/// than the window lets it be, so a panel with more to say than the screen has room for scrolls instead of
/// stretching the window past the screen.
class VerticalScrollArea : public QScrollArea
{
public:
    explicit VerticalScrollArea(QWidget *panel)
    {
        setWidget(panel);
        setWidgetResizable(true);
        setFrameShape(QFrame::NoFrame);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    }
    [[nodiscard]] QSize minimumSizeHint() const override
    {
        return {besideBar(widget()->minimumSizeHint().width()), QScrollArea::minimumSizeHint().height()};
    }
    [[nodiscard]] QSize sizeHint() const override
    {
        return {besideBar(widget()->sizeHint().width()), QScrollArea::sizeHint().height()};
    }

private:
    [[nodiscard]] int besideBar(int width) const
    {
        return width + verticalScrollBar()->sizeHint().width() + 2 * frameWidth();
    }
};
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_bridge(new EngineBridge(this))
{
    initResources();
    setWindowTitle(tr("BEAM Me Up — see concurrency happen"));
    m_baseFont = QApplication::font();

    createViews();
    createCentralWidget();
    createDockWindows();
    createStatusBar();
    buildMenus();
    loadSettings();
    connectControls();
    createTimers();

    showState(EngineState::Idle);
    // A newcomer sees it move at once: the window starts the pipeline with the current settings.
    // Unless a recording is shown instead (--replay): then no engine starts at all.
    QTimer::singleShot(0, this, [this] {
        if (m_replayPath.isEmpty())
            m_bridge->start();
    });
}

MainWindow::~MainWindow() = default;

/// The charts, and the tabs beside them: the topology (with its legend), the schedulers' lanes, the event log.
void MainWindow::createViews()
{
    m_charts = new ChartPanel;
    m_topology = new TopologyView;
    auto *topologyPane = new QWidget;
    auto *topologyLayout = new QVBoxLayout(topologyPane);
    topologyLayout->setContentsMargins(0, 0, 0, 0);
    topologyLayout->setSpacing(2);
    topologyLayout->addWidget(m_topology, 1);
    topologyLayout->addWidget(new StateLegend);
    // The schedulers' lanes get a tab of their own: under the topology they took the height its text needs to
    // stay readable from the back row.
    m_schedulers = new SchedulersView;
    auto *schedulersLanes = new QWidget;
    auto *schedulersLayout = new QVBoxLayout(schedulersLanes);
    schedulersLayout->addWidget(m_schedulers);
    schedulersLayout->addStretch(1);
    // A lane per thread: 64 producers and the executors are taller than any screen, and a tab is as tall as
    // its tallest page, so the lanes scroll rather than stretch the window past the screen.
    auto *schedulersPane = new VerticalScrollArea(schedulersLanes);
    m_views = new QTabWidget;
    m_views->setObjectName(QStringLiteral("views"));
    m_views->setDocumentMode(true);
    m_views->addTab(topologyPane, tr("Topology"));
    m_views->addTab(schedulersPane, tr("Schedulers"));
    // Theory beside measurement: the queueing model's curve with the run's operating point on it.
    // Its text grows with the run (and with presentation type): it scrolls rather than stretch the window.
    m_theory = new TheoryView;
    m_views->addTab(new VerticalScrollArea(m_theory), tr("Theory"));
    createSweep();
    connect(m_charts, &ChartPanel::modelInfoRequested, this, [this] {
        m_views->setCurrentIndex(2);
        m_theory->showAssumptions();
    });
    // What happened, when and to whom: a crash's badge is gone in microseconds, its row stays.
    m_events = new EventLogModel(this);
    auto *eventTable = new QTableView;
    eventTable->setObjectName(QStringLiteral("eventLog"));
    eventTable->setModel(m_events);
    eventTable->verticalHeader()->hide();
    eventTable->horizontalHeader()->setStretchLastSection(true);
    eventTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    eventTable->setWordWrap(true);
    connect(m_events, &QAbstractItemModel::rowsInserted, eventTable, [this, eventTable] {
        if (m_cursor->live())
            eventTable->scrollToBottom();
    });
    m_views->addTab(eventTable, tr("Events"));
    m_eventTable = eventTable;
}

/// The tiles, the warnings line, and the charts beside the tabs in a splitter.
void MainWindow::createCentralWidget()
{
    m_split = new QSplitter(Qt::Horizontal);
    m_tiles = new StatTiles;
    createTimeline();
    // The timeline under the charts, as wide as they are.
    auto *chartsColumn = new QWidget;
    auto *chartsLayout = new QVBoxLayout(chartsColumn);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(2);
    chartsLayout->addWidget(m_charts, 1);
    chartsLayout->addWidget(m_timeline);
    m_split->addWidget(chartsColumn);
    m_split->addWidget(m_views);
    m_split->setStretchFactor(0, 5);
    m_split->setStretchFactor(1, 4);
    m_split->setChildrenCollapsible(false);
    // In presentation mode the topology gets the width its text needs (see fitSplit()), until the user drags.
    m_splitTimer = new QTimer(this);
    m_splitTimer->setSingleShot(true);
    m_splitTimer->setInterval(0);
    connect(m_splitTimer, &QTimer::timeout, this, &MainWindow::fitSplit);
    m_split->installEventFilter(this);
    connect(m_split, &QSplitter::splitterMoved, this, [this] { m_splitChosen = true; });
    connect(m_topology, &TopologyView::shapeChanged, m_splitTimer, qOverload<>(&QTimer::start));
    m_warnings = new QLabel;
    m_warnings->setObjectName(QStringLiteral("warnings"));
    m_warnings->setWordWrap(true);
    m_warnings->hide();
    // Clicking an event (or moving through the list) takes every view to its moment.
    connect(m_eventTable, &QAbstractItemView::clicked, this,
        [this](const QModelIndex &index) { m_cursor->moveTo(m_events->timeAt(index.row())); });
    auto *central = new QWidget;
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(4, 4, 4, 0);
    centralLayout->setSpacing(4);
    centralLayout->addWidget(m_pastBanner);
    centralLayout->addWidget(m_tiles);
    centralLayout->addWidget(m_warnings);
    centralLayout->addWidget(m_split, 1);
    setCentralWidget(central);
}

/// The Controls panel (left) and the Lesson panel (right, hidden until a lesson plays).
void MainWindow::createDockWindows()
{
    m_controls = new ControlPanel;
    m_controlsDock = new QDockWidget(tr("Controls"), this);
    m_controlsDock->setObjectName(QStringLiteral("controls"));
    m_controlsDock->setWidget(new VerticalScrollArea(m_controls));
    m_controlsDock->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::LeftDockWidgetArea, m_controlsDock);

    m_lessons = new LessonPanel(m_bridge, m_controls, m_charts);
    m_lessonDock = new QDockWidget(tr("Lesson and readouts"), this);
    m_lessonDock->setObjectName(QStringLiteral("lessons"));
    m_lessonDock->setWidget(new VerticalScrollArea(m_lessons));
    m_lessonDock->setMinimumWidth(360);
    addDockWidget(Qt::RightDockWidgetArea, m_lessonDock);
    m_lessonDock->hide();
    // A panel opened another way than the menu (its own float button, a saved state) is placed once the
    // event loop runs again: never from inside its own show.
    for (QDockWidget *dock : {m_controlsDock, m_lessonDock}) {
        connect(dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
            if (visible)
                QTimer::singleShot(0, this, &MainWindow::keepOnScreen);
        });
    }
}

/// The engine's state, the totals, the conservation badge and the process's cost.
void MainWindow::createStatusBar()
{
    m_state = new QLabel;
    m_totals = new QLabel;
    m_badge = new QLabel;
    m_process = new QLabel;
    m_badge->setObjectName(QStringLiteral("conservationBadge"));
    m_badge->setToolTip(tr("Conservation: produced = processed + dead-lettered + dropped + in flight. Anything "
                           "else is a lost event, and would show here in red."));
    statusBar()->addWidget(m_state);
    statusBar()->addWidget(m_timelineRow);
    statusBar()->addWidget(m_totals, 1);
    statusBar()->addPermanentWidget(m_badge);
    statusBar()->addPermanentWidget(m_process);
}

/// The style sheet, and the settings saved by the last session: controls, chart options, look, size.
void MainWindow::loadSettings()
{
    QFile style(QStringLiteral(":/style/style.qss"));
    if (style.open(QIODevice::ReadOnly))
        m_styleTemplate = QString::fromUtf8(style.readAll());
    // Dark mode follows the system until the user chooses: a dark system palette has a dark window colour.
    const bool systemDark = QApplication::palette().color(QPalette::Window).lightness() < 128;

    QSettings settings;
    m_controls->load(settings);
    m_charts->setWindowSeconds(settings.value(QStringLiteral("view/window_s"), 60).toInt());
    // Smoothing is on unless turned off: a rate counted per 100 ms interval jumps between bursts (a held-back
    // producer emits when credits come back; I/O completions arrive in clumps) and paints a solid block.
    m_smoothAction->setChecked(settings.value(QStringLiteral("view/smooth"), true).toBool());
    m_darkChosen = settings.contains(QStringLiteral("view/dark"));
    m_dark = settings.value(QStringLiteral("view/dark"), systemDark).toBool();
    {
        const QSignalBlocker quiet(m_darkAction); // showing the saved or the system's choice is not a new choice
        m_darkAction->setChecked(m_dark);
    }
    applyLook();
    setPresentationMode(settings.value(QStringLiteral("view/presentation"), false).toBool());
    resize(settings.value(QStringLiteral("view/size"), QSize(1500, 900)).toSize());
}

/// The Controls panel, the topology and the lessons drive the engine; its snapshots and states come back.
void MainWindow::connectControls()
{
    m_bridge->setConfig(m_controls->config());
    connect(m_controls, &ControlPanel::configChanged, m_bridge, &EngineBridge::setConfig);
    connect(m_controls, &ControlPanel::startRequested, this, [this] {
        m_history.clear();
        m_everLost = 0;
        m_threadError.clear();
        m_bridge->start();
    });
    connect(m_controls, &ControlPanel::pauseToggled, this, [this] {
        if (m_bridge->state() == EngineState::Paused)
            m_bridge->resume();
        else
            m_bridge->pause();
    });
    connect(m_controls, &ControlPanel::stopRequested, this, [this] {
        m_lessons->abandon(tr("the engine was stopped"));
        m_bridge->stop();
    });
    connect(m_controls, &ControlPanel::resetRequested, this, [this] {
        m_lessons->abandon(tr("the engine was reset"));
        m_bridge->reset();
        m_history.clear();
        m_events->clear();
        m_monitor.reset();
        m_threadError.clear();
        m_charts->clearMarkers();
        m_charts->redraw(m_history);
    });
    connect(m_topology, &TopologyView::killRequested, m_bridge, &EngineBridge::killConsumer);
    connect(m_bridge, &EngineBridge::snapshotReady, this, &MainWindow::showSnapshot);
    connect(m_bridge, &EngineBridge::snapshotReady, m_lessons, &LessonPanel::showSnapshot);
    connect(m_lessons, &LessonPanel::restarted, this, [this] {
        m_history.clear();
        m_events->clear();
        m_monitor.reset();
        m_warningCount = 0;
        m_everLost = 0;
        m_threadError.clear();
    });
    connect(m_bridge, &EngineBridge::stateChanged, this, &MainWindow::showState);
    connect(m_bridge, &EngineBridge::configRejected, this,
        [this](const QString &message) { statusBar()->showMessage(message, 8000); });
}

/// The panels' redraw timer, and the heartbeat that measures how long the GUI thread stalls.
void MainWindow::createTimers()
{
    m_panelTimer = new QTimer(this);
    m_panelTimer->setSingleShot(true);
    m_panelTimer->setInterval(kPanelRedrawMs);
    connect(m_panelTimer, &QTimer::timeout, this, [this] {
        // At the time cursor the views show its moment, redrawn when it moves: a frozen picture stays frozen.
        if (!m_panelsDirty || !m_cursor->live())
            return;
        m_panelsDirty = false;
        drawPanels();
        m_panelTimer->start();
    });

    m_heartbeat = new QTimer(this);
    m_heartbeat->setInterval(10);
    m_heartbeat->setTimerType(Qt::PreciseTimer);
    connect(m_heartbeat, &QTimer::timeout, this, [this] {
        const qint64 late = m_beat.restart() - m_heartbeat->interval();
        m_maxStallMs = std::max(m_maxStallMs, late);
    });
    // The heartbeat starts a second after the first snapshot: what it measures is the window during a run, not
    // the start-up (styles, fonts, the first layout and the first paint with data, which fills the glyph caches:
    // about 40 ms once at 1920x1080).
    connect(m_bridge, &EngineBridge::snapshotReady, this, [this] {
        if (!m_heartbeat->isActive() && !m_heartbeatPending) {
            m_heartbeatPending = true;
            QTimer::singleShot(1000, this, [this] {
                m_beat.start();
                m_heartbeat->start();
            });
        }
    });
}

void MainWindow::buildMenus()
{
    // Mnemonics are unique within the window (menu titles, buttons and labels) and within each menu; a test
    // walks them all.
    buildFileMenu();
    buildViewMenu();
    buildLessonsMenu();
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&What am I looking at?"), QKeySequence::HelpContents, this, &MainWindow::showHelp);
    help->addAction(tr("&About BEAM Me Up"), this, &MainWindow::showAbout);
}

/// Export, save, quit.
void MainWindow::buildFileMenu()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    buildRecordingMenu(file);
    file->addSeparator();
    file->addAction(tr("Export telemetry as &CSV…"), this, [this] {
        const QString path
            = QFileDialog::getSaveFileName(this, tr("Export CSV"), QStringLiteral("telemetry.csv"), tr("CSV (*.csv)"));
        if (!path.isEmpty() && !exportCsv(path))
            QMessageBox::warning(this, tr("Export"), tr("Cannot write %1").arg(path));
    });
    file->addAction(tr("Export telemetry as &JSON…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export JSON"), QStringLiteral("telemetry.json"), tr("JSON (*.json)"));
        if (!path.isEmpty() && !exportJson(path))
            QMessageBox::warning(this, tr("Export"), tr("Cannot write %1").arg(path));
    });
    file->addAction(tr("Save charts as &PNG…"), this, [this] {
        const QString path
            = QFileDialog::getSaveFileName(this, tr("Save charts"), QStringLiteral("charts.png"), tr("PNG (*.png)"));
        if (!path.isEmpty() && !saveChartsPng(path))
            QMessageBox::warning(this, tr("Save"), tr("Cannot write %1").arg(path));
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    // Ctrl+Q everywhere, plus the platform's own binding where it has one (some platforms define none).
    QList<QKeySequence> quitKeys{QKeySequence(Qt::CTRL | Qt::Key_Q)};
    for (const QKeySequence &key : QKeySequence::keyBindings(QKeySequence::Quit)) {
        if (!quitKeys.contains(key))
            quitKeys << key;
    }
    quit->setShortcuts(quitKeys);
    quit->setShortcutContext(Qt::ApplicationShortcut); // from the help window too
    quit->setMenuRole(QAction::QuitRole);
}

/// Chart options, the panels, dark mode, full screen, presentation mode.
void MainWindow::buildViewMenu()
{
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_freezeAction);
    view->addAction(m_pauseEngineAction);
    view->addAction(m_liveAction);
    view->addSeparator();
    m_modelAction = view->addAction(tr("&Model lines on the charts"));
    m_modelAction->setCheckable(true);
    m_modelAction->setChecked(true);
    m_modelAction->setToolTip(tr("Draw the queueing model's capacity, W and L over the measured lines (the Theory "
                                 "tab says what it assumes)."));
    connect(m_modelAction, &QAction::toggled, this, [this](bool on) {
        m_charts->setModelShown(on);
        m_charts->redraw(m_history, m_cursor->at());
    });
    m_smoothAction = view->addAction(tr("&Smooth noisy series"));
    m_smoothAction->setCheckable(true);
    m_smoothAction->setToolTip(tr("Draw rates and latency as a one-second moving average."));
    connect(m_smoothAction, &QAction::toggled, this, [this](bool on) {
        m_charts->setSmoothing(on);
        m_charts->redraw(m_history);
    });
    QMenu *window = view->addMenu(tr("Time &window"));
    auto *windows = new QActionGroup(this);
    int index = 1;
    for (int seconds : {10, 30, 60, 120, 300, 600}) {
        const QString span = seconds < 60 ? tr("%1 s").arg(seconds) : tr("%1 min").arg(seconds / 60);
        QAction *a = window->addAction(QStringLiteral("&%1  %2").arg(index++).arg(span));
        a->setCheckable(true);
        a->setChecked(seconds == 60);
        windows->addAction(a);
        connect(a, &QAction::triggered, this, [this, seconds] {
            m_charts->setWindowSeconds(seconds);
            m_charts->redraw(m_history);
        });
    }
    view->addSeparator();
    m_controlsAction = view->addAction(tr("&Controls panel"));
    m_controlsAction->setCheckable(true);
    m_controlsAction->setShortcut(QKeySequence(Qt::Key_F9));
    connect(m_controlsAction, &QAction::triggered, this, &MainWindow::setControlsVisible);
    // Closed or opened another way (its close button, presentation mode): the menu item follows.
    connect(m_controlsDock->toggleViewAction(), &QAction::toggled, m_controlsAction, &QAction::setChecked);
    m_darkAction = view->addAction(tr("&Dark mode"));
    m_darkAction->setCheckable(true);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkMode);
    // Full screen is the platform's key, as in every other program (F11 on Linux and Windows, Ctrl+Cmd+F on
    // macOS); F11 where the platform names none.
    m_fullScreenAction = view->addAction(tr("F&ull screen"));
    m_fullScreenAction->setCheckable(true);
    QList<QKeySequence> fullScreenKeys = QKeySequence::keyBindings(QKeySequence::FullScreen);
    if (fullScreenKeys.isEmpty())
        fullScreenKeys << QKeySequence(Qt::Key_F11);
    m_fullScreenAction->setShortcuts(fullScreenKeys);
    connect(m_fullScreenAction, &QAction::toggled, this, &MainWindow::setFullScreen);
    // F5 starts a slide show in the presentation programs a lecturer knows.
    m_presentationAction = view->addAction(tr("&Presentation mode (large type, full screen)"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F5));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
}

/// The built-in lessons, a scenario file, the Lesson panel.
void MainWindow::buildLessonsMenu()
{
    QMenu *lessons = menuBar()->addMenu(tr("&Lessons"));
    const std::pair<const char *, QString> builtIn[]
        = {{"steady-state", tr("&1 Steady state")}, {"slow-consumer", tr("&2 Slow consumer")},
            {"overload-three-ways", tr("&3 Overload three ways")}, {"let-it-crash", tr("&4 Let it crash")},
            {"crash-storm", tr("&5 Crash storm")}, {"scaling-out", tr("&6 Scaling out")},
            {"littles-law", tr("&7 Little's law")}, {"schedulers", tr("&8 Schedulers: many actors, few threads")},
            {"queueing-theory", tr("&9 Queueing theory: the model beside the run")},
            {"batching", tr("1&0 Batching: CPU against pacing lag")}};
    for (const auto &[id, title] : builtIn) {
        const QString resource = QStringLiteral(":/lessons/%1.json").arg(QLatin1String(id));
        lessons->addAction(title, this, [this, resource] { playLesson(resource); });
    }
    lessons->addSeparator();
    lessons->addAction(tr("&Open scenario file…"), QKeySequence::Open, this, &MainWindow::openScenarioFile);
    QAction *panel = m_lessonDock->toggleViewAction();
    panel->setText(tr("Lesson &panel"));
    lessons->addAction(panel);
}

void MainWindow::showSnapshot(const SnapshotPtr &snapshot)
{
    if (!snapshot)
        return;
    const Snapshot &s = *snapshot;
    m_history.add(s);
    if (!m_recent.empty() && s.elapsedS < m_recent.back()->elapsedS) {
        m_recent.clear(); // a new run
        m_events->clear();
    }
    m_events->add(s);
    m_recent.push_back(snapshot);
    // Little's law fits the trend of L over the last LittlesRule::trendS (3 s): that and a little.
    while (m_recent.size() > 2 && m_recent.front()->elapsedS < s.elapsedS - LittlesRule{}.trendS - 0.5)
        m_recent.pop_front();
    m_cpu.push_back(s.cpuPercent);
    while (m_cpu.size() > 100) // 10 s of snapshots at the default 100 ms
        m_cpu.pop_front();
    // Warnings show in the strip above the charts while they hold (not in the status bar, where they would
    // run under the badge).
    m_warningCount += static_cast<int>(m_monitor.observe(s).size());
    m_lessons->setWarningCount(m_warningCount);
    if (m_replayPath.isEmpty() && m_bridge->recorder() && m_bridge->recorder() != m_cursor->recorder())
        m_cursor->setRecorder(m_bridge->recorder()); // a new run: live, on its recorder
    const QStringList warnings = activeWarnings();
    m_warnings->setVisible(!warnings.isEmpty());
    if (!warnings.isEmpty())
        m_warnings->setText(QStringLiteral("⚠ ") + warnings.join(QStringLiteral("\n⚠ ")));
    // A thread outside the graph caught an exception: the run goes on, and the warning strip says so for the
    // rest of the run (the Events tab lists each one).
    for (const auto &event : s.events) {
        if (event.kind == EngineEvent::Kind::ThreadFailed && m_threadError.isEmpty())
            m_threadError = tr("error: %1").arg(QString::fromStdString(event.what));
    }
    if (std::abs(s.lost) > std::abs(m_everLost))
        m_everLost = s.lost; // never clamped: a negative count is as wrong as a positive one
    m_shown = snapshot;
    if (!m_cursor->live()) {
        refreshTimeline(false); // the views stay at the cursor's moment; the timeline grows
        return;
    }
    // The charts, tiles and status bar redraw at most five times a second: redrawing six charts (new points and
    // a scrolled time axis) is most of the window's CPU, a number that changes ten times a second is harder to
    // read, and at 5 Hz a chart still moves as the eye follows it. The topology is drawn with them, from the same
    // snapshot, so every figure on screen at one instant agrees; the warnings and the lesson see every snapshot.
    if (m_panelTimer->isActive()) {
        m_panelsDirty = true; // drawn when the timer fires, so the last snapshot of a run is never left out
    } else {
        drawPanels();
        m_panelTimer->start();
    }
}

void MainWindow::drawPanels()
{
    const SnapshotPtr shown = shownSnapshot();
    if (!shown)
        return;
    const Snapshot &s = *shown;
    QElapsedTimer redraw;
    redraw.start();
    const auto measured = qScopeGuard([&] { m_maxRedrawMs = std::max(m_maxRedrawMs, redraw.elapsed()); });
    // The seconds before the snapshot shown: Little's law's trend and the readouts' figures.
    const std::vector<SnapshotPtr> recent = m_cursor->live()
        ? std::vector<SnapshotPtr>(m_recent.begin(), m_recent.end())
        : m_cursor->recent(LittlesRule{}.trendS + 0.5);
    m_tiles->showSnapshot(s, littlesLaw(recent));
    m_charts->redraw(m_history, m_cursor->at());
    refreshTimeline(false);
    m_topology->showSnapshot(s);
    m_schedulers->showSnapshot(s);
    m_theory->showSnapshot(s, recent);
    const QueueingModel &model = m_theory->model();
    m_charts->setModelNote(model.drawsW() || model.fit == ModelFit::NoService ? QString()
            : model.fit == ModelFit::Saturated                                ? tr("model: saturated, no W")
                                                                              : tr("model: crashes dominate, no W"));
    if (s.gaveUp)
        m_state->setText(tr("engine: supervision gave up — nothing is processed; Reset to start again"));
    m_totals->setText(tr("produced %L1 · processed %L2 · dead-lettered %L3 · dropped %L4 · in flight now %L5")
                          .arg(s.produced)
                          .arg(s.processed)
                          .arg(s.deadLettered)
                          .arg(s.dropped)
                          .arg(s.inFlight + static_cast<std::int64_t>(s.abandoned)));
    m_badge->setText(conservationText());
    if (m_badge->property("lost").toBool() != (m_everLost != 0)) {
        m_badge->setProperty("lost", m_everLost != 0);
        m_badge->style()->unpolish(m_badge);
        m_badge->style()->polish(m_badge);
    }
    m_process->setToolTip(tr("Longest event-loop stall of the window so far: %1 ms").arg(m_maxStallMs));
    m_process->setText(tr("CPU %1% · RSS %2 MB")
                           .arg(s.cpuPercent, 0, 'f', 0)
                           .arg(static_cast<double>(s.rssBytes) / (1 << 20), 0, 'f', 1));
}

QStringList MainWindow::activeWarnings() const
{
    QStringList lines;
    if (!m_threadError.isEmpty())
        lines << m_threadError;
    for (const auto &w : m_monitor.active())
        lines << QString::fromStdString(w.message);
    return lines;
}

void MainWindow::playScenario(const Scenario &scenario, double speed, const QString &source)
{
    if (!scenario.recording.isEmpty()) {
        openRecording(scenario.recording); // played from its recording: a busy machine cannot spoil it
        return;
    }
    closeRecording(); // a lesson runs live
    m_lessonSource = source;
    m_lessonSpeed = speed;
    placeDocks(m_controlsDock->toggleViewAction()->isChecked(), true);
    m_lessonDock->show();
    m_views->setCurrentIndex(scenario.view == QLatin1String("schedulers") ? 1
            : scenario.view == QLatin1String("theory")                    ? 2
                                                                          : 0);
    m_lessons->play(scenario, speed);
    fitLessonDock();
}

void MainWindow::fitLessonDock()
{
    // The panel's width is the window's choice, not the lesson's: left to the panel's contents, a lesson with
    // long words (report paths) took 800 of 1920 pixels and squeezed the charts until their ticks elided.
    QTimer::singleShot(0, this, [this] {
        resizeDocks(
            {m_lessonDock}, {std::max(m_lessonDock->minimumSizeHint().width(), width() * 27 / 100)}, Qt::Horizontal);
    });
}

void MainWindow::playLesson(const QString &resource)
{
    auto loaded = loadScenario(resource);
    if (const auto *errors = std::get_if<QStringList>(&loaded)) {
        QMessageBox::warning(this, tr("Lesson"), errors->join(QLatin1Char('\n')));
        return;
    }
    playScenario(std::get<Scenario>(loaded), 1.0, resource);
}

void MainWindow::openScenarioFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(), tr("Scenario (*.json)"));
    if (!path.isEmpty())
        playLesson(path);
}

QString MainWindow::conservationText() const
{
    return m_everLost == 0 ? tr("lost 0") : tr("LOST %L1").arg(m_everLost);
}

void MainWindow::showState(EngineState state)
{
    static const char *names[] = {"idle", "running", "paused", "draining", "stopped"};
    m_state->setText(tr("engine: %1").arg(QLatin1String(names[static_cast<int>(state)])));
    m_controls->setRunning(state == EngineState::Running || state == EngineState::Paused, state == EngineState::Paused);
    if (m_replayPath.isEmpty()) {
        const QSignalBlocker quiet(m_pauseEngineAction);
        m_pauseEngineAction->setChecked(state == EngineState::Paused);
        m_pauseEngineAction->setEnabled(state == EngineState::Running || state == EngineState::Paused);
    }
    if (!m_cursor->live())
        showPastBanner();
}

bool MainWindow::exportCsv(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(m_history.toCsv().toUtf8()) >= 0;
}

bool MainWindow::exportJson(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(m_history.toJson().toJson(QJsonDocument::Indented)) >= 0;
}

bool MainWindow::saveChartsPng(const QString &path)
{
    return m_charts->grab().save(path, "PNG");
}

void MainWindow::scheduleScreenshot(const QString &path, double seconds)
{
    QTimer::singleShot(static_cast<int>(seconds * 1000), this, [this, path] {
        const bool ok = grab().save(path, "PNG");
        // What the window cost, for the record: throughput over the last 10 s, the worst stall, memory.
        const auto recent = m_history.points(Series::Processed, 10.0);
        double sum = 0;
        for (const QPointF &p : recent)
            sum += p.y();
        const auto latest = m_bridge->latest();
        double cpu = 0;
        for (double c : m_cpu)
            cpu += c;
        std::printf("window: %.0f events/s processed (mean of the last 10 s), CPU %.1f%% of a core (same 10 s), "
                    "longest event-loop stall %lld ms (longest redraw %lld ms), RSS %.1f MB, lost %lld\n",
            recent.isEmpty() ? 0.0 : sum / static_cast<double>(recent.size()),
            m_cpu.empty() ? 0.0 : cpu / static_cast<double>(m_cpu.size()), static_cast<long long>(m_maxStallMs),
            static_cast<long long>(m_maxRedrawMs), latest ? static_cast<double>(latest->rssBytes) / (1 << 20) : 0.0,
            latest ? static_cast<long long>(latest->lost) : 0LL);
        std::fflush(stdout);
        if (!ok)
            qWarning("beam-me-up: cannot write the screenshot to %s", qPrintable(path));
        QCoreApplication::exit(ok ? 0 : 1);
    });
}

void MainWindow::screenshotCaptions(const QString &folder, const QString &prefix)
{
    m_lessons->setHonourLessonPauses(false); // nobody is there to resume a pause_lesson
    connect(m_lessons, &LessonPanel::captionLeaving, this, [this, folder, prefix](int number) {
        // The screen as the class saw it last: not redrawn first, for the newest snapshot may be the one that
        // brought the next caption (the give-up that ends "one more and it gives up").
        const QString path = QDir(folder).filePath(QStringLiteral("%1-caption-%2.png").arg(prefix).arg(number));
        if (grab().save(path, "PNG"))
            std::printf("window: caption %d on screen at its end: %s\n", number, qPrintable(path));
        else
            qWarning("beam-me-up: cannot write the screenshot to %s", qPrintable(path));
        // Its checks, judged as it leaves: what failed, so the picture can be read against it.
        for (const auto &v : m_lessons->claims()) {
            if (v.captionNumber == number && v.state == Verdict::State::Failed)
                std::printf("window: caption %d FAIL %s\n", number, qPrintable(v.message));
        }
        std::fflush(stdout);
    });
    connect(m_lessons, &LessonPanel::finished, this, [] { QCoreApplication::exit(0); });
}

void MainWindow::setDarkMode(bool dark)
{
    m_darkChosen = true;
    if (m_darkAction && m_darkAction->isChecked() != dark)
        m_darkAction->setChecked(dark);
    if (m_dark == dark)
        return;
    m_dark = dark;
    applyLook();
}

void MainWindow::setPresentationMode(bool on)
{
    if (m_presentationAction && m_presentationAction->isChecked() != on)
        m_presentationAction->setChecked(on);
    if (m_presentation == on)
        return;
    m_presentation = on;
    // The controls fold away to give the charts the room; F9 (View > Controls panel) brings them back.
    if (on) {
        m_controlsWereVisible = m_controlsDock->isVisible() || !isVisible();
        m_controlsDock->hide();
    } else if (m_controlsWereVisible) {
        m_controlsDock->show();
    }
    applyLook();
    // Full screen on the display the window is on; leaving gives back the window as it was.
    if (on) {
        m_fullScreenBefore = m_shownOnce ? isFullScreen() : m_fullScreenAtShow;
        setFullScreen(true);
    } else if (!m_fullScreenBefore) {
        setFullScreen(false);
    }
}

void MainWindow::setFullScreen(bool on)
{
    if (m_fullScreenAction && m_fullScreenAction->isChecked() != on)
        m_fullScreenAction->setChecked(on); // comes back here, and changes nothing the second time
    // Before the window is shown, only remembered: setVisible() opens it so. A window state set now and undone
    // before show() (the saved presentation mode, then --window-size) is not undone on every platform: leaving
    // full screen gives the window back the size the platform saved on entering it (the default size, or the
    // window manager's idea of it), a geometry change that arrives after the size asked for and overrides it.
    if (!m_shownOnce) {
        m_fullScreenAtShow = on;
        return;
    }
    if (isFullScreen() == on)
        return;
    // On the screen the window is on now (a window keeps its screen). Leaving keeps the rest of the state: a
    // maximised window is maximised again.
    setWindowState(on ? windowState() | Qt::WindowFullScreen : windowState() & ~Qt::WindowFullScreen);
}

void MainWindow::setVisible(bool visible)
{
    if (visible && !m_shownOnce) {
        m_shownOnce = true;
        if (m_fullScreenAtShow)
            setWindowState(windowState() | Qt::WindowFullScreen); // opens full screen on the screen it is on
    }
    QMainWindow::setVisible(visible);
}

bool MainWindow::docksFitSideBySide() const
{
    const QScreen *on = screen();
    if (!on)
        return true;
    // A panel not shown yet has not had the stylesheet's type: its size would be the desk's.
    m_controlsDock->ensurePolished();
    m_lessonDock->ensurePolished();
    const int separator = style()->pixelMetric(QStyle::PM_DockWidgetSeparatorExtent, nullptr, this);
    const int needed = m_controlsDock->minimumSizeHint().width() + m_lessonDock->minimumSizeHint().width()
        + centralWidget()->minimumSizeHint().width() + 2 * separator;
    // The screen's room, or the window's where it was made wider than its screen (a screenshot of a projector's
    // size on a smaller display): decided before a panel opens, so never from a width the panel caused.
    return needed <= std::max(on->availableGeometry().width(), width());
}

void MainWindow::setControlsVisible(bool on)
{
    // Placed before it shows: shown first, it would stretch the window before it could be moved.
    if (on)
        placeDocks(true, m_lessonDock->toggleViewAction()->isChecked());
    m_controlsDock->setVisible(on);
    if (on)
        m_controlsDock->raise(); // in front, if it is a tab
}

void MainWindow::keepOnScreen()
{
    // "Open" is the panel's menu item: a panel behind another's tab is open, though not visible.
    placeDocks(m_controlsDock->toggleViewAction()->isChecked(), m_lessonDock->toggleViewAction()->isChecked());
}

void MainWindow::placeDocks(bool controlsOpen, bool lessonOpen)
{
    if (m_placingDocks || !screen())
        return;
    m_placingDocks = true;
    const auto placed = qScopeGuard([this] { m_placingDocks = false; });
    const bool tabbed = tabifiedDockWidgets(m_lessonDock).contains(m_controlsDock);
    if (controlsOpen && lessonOpen && !tabbed && !m_controlsDock->isFloating() && !docksFitSideBySide()) {
        tabifyDockWidget(m_lessonDock, m_controlsDock);
        m_controlsDock->raise(); // the panel just opened is the one in front
    } else if (tabbed && (!controlsOpen || !lessonOpen || docksFitSideBySide())) {
        addDockWidget(Qt::LeftDockWidgetArea, m_controlsDock);
    }
}

void MainWindow::fitSplit()
{
    if (!m_presentation || m_splitChosen || !m_topology->isVisible())
        return;
    const int total = m_split->width() - m_split->handleWidth();
    if (total <= 0)
        return;
    // The topology as wide as its text needs to reach full size at the height it has; the charts keep at least
    // two columns whose axis labels fit (23 text heights: at 22 "100 ms" was elided) and a third of the room,
    // and take what the diagram does not need.
    const int around = m_views->width() - m_topology->width();
    const int wanted = m_topology->widthForFullSize(m_topology->height()) + around;
    const int charts = std::max(total / 3, 23 * m_textPx);
    const int topology = std::max(std::min(wanted, total - charts), total / 3);
    if (m_split->sizes().value(1) != topology)
        m_split->setSizes({total - topology, topology});
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_split && event->type() == QEvent::Resize)
        m_splitTimer->start(); // after the layout that resized it has run
    if (keepsArrowKeys(watched, event))
        return true;
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    // The window manager can change it too (its own key, a double click on the title): the menu follows.
    if (event->type() == QEvent::WindowStateChange && m_fullScreenAction
        && m_fullScreenAction->isChecked() != isFullScreen()) {
        const QSignalBlocker quiet(m_fullScreenAction);
        m_fullScreenAction->setChecked(isFullScreen());
    }
}

void MainWindow::applyLook()
{
    // One switch for both modes: a palette for the whole window, the stylesheet's sizes, the charts' and the
    // topology's colours and type.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette palette = QApplication::style()->standardPalette();
    if (m_dark) {
        const QColor window(0x26, 0x26, 0x2A);
        const QColor text(0xEE, 0xEE, 0xEE);
        palette.setColor(QPalette::Window, window);
        palette.setColor(QPalette::WindowText, text);
        palette.setColor(QPalette::Base, QColor(0x1E, 0x1E, 0x22));
        palette.setColor(QPalette::AlternateBase, QColor(0x33, 0x33, 0x38));
        palette.setColor(QPalette::Text, text);
        palette.setColor(QPalette::Button, QColor(0x36, 0x36, 0x3B));
        palette.setColor(QPalette::ButtonText, text);
        palette.setColor(QPalette::BrightText, Qt::white);
        palette.setColor(QPalette::Highlight, QColor(0x56, 0xB4, 0xE9));
        palette.setColor(QPalette::HighlightedText, Qt::black);
        palette.setColor(QPalette::ToolTipBase, QColor(0x36, 0x36, 0x3B));
        palette.setColor(QPalette::ToolTipText, text);
        palette.setColor(QPalette::PlaceholderText, QColor(0xB0, 0xB0, 0xB0));
        palette.setColor(QPalette::Mid, QColor(0x60, 0x60, 0x66));
        palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0xA0, 0xA0, 0xA0));
        palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0xA0, 0xA0, 0xA0));
        palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0xA0, 0xA0, 0xA0));
    } else {
        palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6E, 0x6E, 0x6E));
        palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6E, 0x6E, 0x6E));
        palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6E, 0x6E, 0x6E));
    }
    QApplication::setPalette(palette);

    const int desk = std::max(visual::kDeskTextPx, QFontInfo(m_baseFont).pixelSize());
    m_textPx = m_presentation ? visual::kPresentationTextPx : desk;
    QFont font = m_baseFont;
    font.setPixelSize(m_textPx);
    QApplication::setFont(font);
    QString sheet = m_styleTemplate;
    sheet.replace(QLatin1String("@text@"), QString::number(m_textPx));
    sheet.replace(QLatin1String("@title@"), QString::number(std::lround(m_textPx * 1.2)));
    sheet.replace(QLatin1String("@caption@"), QString::number(std::lround(m_textPx * 1.5)));
    sheet.replace(QLatin1String("@value@"), QString::number(std::lround(m_textPx * 2.2)));
    sheet.replace(QLatin1String("@valuetight@"),
        QString::number(m_presentation ? visual::kPresentationValuePx : std::lround(m_textPx * 2.2)));
    qApp->setStyleSheet(sheet);
    m_charts->setLook(m_dark, m_textPx);
    m_topology->setLook(m_dark, m_textPx, m_presentation ? visual::kPresentationTextPx : 0);
    // Larger type makes the panels wider: they may no longer fit side by side (decided now, before the layout
    // that would stretch the window runs).
    keepOnScreen();
    m_schedulers->setLook(m_dark, m_textPx);
    m_theory->setLook(m_dark, m_textPx);
    m_timeline->setLook(m_dark, m_textPx);
    // On a projector the tiles carry the totals and the topology takes the larger share: it is the hero.
    m_totals->setVisible(!m_presentation);
    const int width = std::max(m_split->width(), 800);
    m_split->setSizes(
        m_presentation ? QList<int>{width * 9 / 20, width * 11 / 20} : QList<int>{width * 5 / 9, width * 4 / 9});
    m_splitChosen = false;
    m_splitTimer->start();
    m_charts->redraw(m_history);
}

void MainWindow::showHelp()
{
    if (m_help) {
        m_help->raise();
        m_help->activateWindow();
        return;
    }
    // A child window: it closes with Escape, goes with the main window, and Ctrl+Q still quits from it.
    m_help = new QDialog(this);
    m_help->setAttribute(Qt::WA_DeleteOnClose);
    m_help->setWindowTitle(tr("What am I looking at?"));
    auto *layout = new QVBoxLayout(m_help);
    auto *text = new QTextBrowser;
    QFile page(QStringLiteral(":/help/help.html"));
    text->setHtml(
        page.open(QIODevice::ReadOnly) ? QString::fromUtf8(page.readAll()) : tr("Help is missing from this build."));
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, m_help, &QDialog::reject);
    layout->addWidget(buttons);
    m_help->resize(m_presentation ? QSize(1100, 900) : QSize(760, 680));
    m_help->show();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About BEAM Me Up"),
        tr("<h3>BEAM Me Up %1</h3><p>See concurrency happen: back-pressure, partitioning and "
           "supervision, live.</p><p>Qt %2 · oneTBB %3</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion()),
                QString::fromStdString(oneTbbVersion())));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    m_controls->save(settings);
    settings.setValue(QStringLiteral("view/window_s"), m_charts->windowSeconds());
    settings.setValue(QStringLiteral("view/smooth"), m_smoothAction->isChecked());
    if (m_darkChosen)
        settings.setValue(QStringLiteral("view/dark"), m_dark);
    settings.setValue(QStringLiteral("view/presentation"), m_presentation);
    // The size it has as a window, not the screen's it fills now.
    const QSize windowed = normalGeometry().isValid() ? normalGeometry().size() : size();
    settings.setValue(QStringLiteral("view/size"), isFullScreen() || isMaximized() ? windowed : size());
    event->accept();
    // Closing the main window ends the program, whatever else is open (help, a floating dock). The engine
    // stops now (on a helper thread, so the window never waits on it; the bridge joins it when it goes); a drain
    // in progress is told to stop now too, so that join takes milliseconds, not the drain.
    // The counts as the window closes, for the summary main() prints (reading counters: no wait on the engine).
    m_closedWith = m_bridge->engine() ? m_bridge->engine()->sampleNow() : nullptr;
    if (!m_closedWith)
        m_closedWith = m_bridge->latest();
    m_bridge->reset();
    QCoreApplication::quit();
}

} // namespace beam
