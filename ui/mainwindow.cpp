// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "chartpanel.h"
#include "controlpanel.h"
#include "lessonpanel.h"
#include "topologyview.h"

#include <QActionGroup>
#include <QApplication>
#include <QChartView>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QScopeGuard>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
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

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_bridge(new EngineBridge(this))
{
    initResources();
    setWindowTitle(tr("BEAM Me Up — see concurrency happen"));
    m_baseFont = QApplication::font();

    m_charts = new ChartPanel;
    m_topology = new TopologyView;
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_charts);
    split->addWidget(m_topology);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    m_warnings = new QLabel;
    m_warnings->setObjectName(QStringLiteral("warnings"));
    m_warnings->setWordWrap(true);
    m_warnings->hide();
    auto *central = new QWidget;
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(2);
    centralLayout->addWidget(m_warnings);
    centralLayout->addWidget(split, 1);
    setCentralWidget(central);

    m_controls = new ControlPanel;
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(m_controls->sizeHint().width() + 24);
    auto *dock = new QDockWidget(tr("Controls"), this);
    dock->setObjectName(QStringLiteral("controls"));
    dock->setWidget(scroll);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    m_lessons = new LessonPanel(m_bridge, m_controls, m_charts);
    m_lessonDock = new QDockWidget(tr("Lesson and readouts"), this);
    m_lessonDock->setObjectName(QStringLiteral("lessons"));
    m_lessonDock->setWidget(m_lessons);
    m_lessonDock->setMinimumWidth(340);
    addDockWidget(Qt::RightDockWidgetArea, m_lessonDock);
    m_lessonDock->hide();

    m_state = new QLabel;
    m_totals = new QLabel;
    m_badge = new QLabel;
    m_process = new QLabel;
    m_badge->setObjectName(QStringLiteral("conservationBadge"));
    m_badge->setToolTip(tr("Conservation: produced = processed + dead-lettered + dropped + in flight. Anything "
                           "else is a lost event, and would show here in red."));
    statusBar()->addWidget(m_state);
    statusBar()->addWidget(m_totals, 1);
    statusBar()->addPermanentWidget(m_badge);
    statusBar()->addPermanentWidget(m_process);

    buildMenus();

    QFile style(QStringLiteral(":/style/style.qss"));
    if (style.open(QIODevice::ReadOnly))
        qApp->setStyleSheet(QString::fromUtf8(style.readAll()));
    // Dark mode follows the system until the user chooses: a dark system palette has a dark window colour.
    const bool systemDark = QApplication::palette().color(QPalette::Window).lightness() < 128;

    QSettings settings;
    m_controls->load(settings);
    m_charts->setWindowSeconds(settings.value(QStringLiteral("view/window_s"), 60).toInt());
    setDarkMode(settings.value(QStringLiteral("view/dark"), systemDark).toBool());
    setPresentationMode(settings.value(QStringLiteral("view/presentation"), false).toBool());
    resize(settings.value(QStringLiteral("view/size"), QSize(1500, 900)).toSize());

    m_bridge->setConfig(m_controls->config());
    connect(m_controls, &ControlPanel::configChanged, m_bridge, &EngineBridge::setConfig);
    connect(m_controls, &ControlPanel::startRequested, this, [this] {
        m_history.clear();
        m_everLost = 0;
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
        m_monitor.reset();
        m_charts->clearMarkers();
        m_charts->redraw(m_history);
    });
    connect(m_topology, &TopologyView::killRequested, m_bridge, &EngineBridge::killConsumer);
    connect(m_bridge, &EngineBridge::snapshotReady, this, &MainWindow::showSnapshot);
    connect(m_bridge, &EngineBridge::snapshotReady, m_lessons, &LessonPanel::showSnapshot);
    connect(m_lessons, &LessonPanel::restarted, this, [this] {
        m_history.clear();
        m_monitor.reset();
        m_warningCount = 0;
        m_everLost = 0;
    });
    connect(m_bridge, &EngineBridge::stateChanged, this, &MainWindow::showState);
    connect(m_bridge, &EngineBridge::configRejected, this,
        [this](const QString &message) { statusBar()->showMessage(message, 8000); });

    m_heartbeat = new QTimer(this);
    m_heartbeat->setInterval(10);
    m_heartbeat->setTimerType(Qt::PreciseTimer);
    connect(m_heartbeat, &QTimer::timeout, this, [this] {
        const qint64 late = m_beat.restart() - m_heartbeat->interval();
        m_maxStallMs = std::max(m_maxStallMs, late);
    });
    m_beat.start();
    m_heartbeat->start();

    showState(EngineState::Idle);
    // A newcomer sees it move at once: the window starts the pipeline with the current settings.
    QTimer::singleShot(0, this, [this] { m_bridge->start(); });
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
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
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_freezeAction = view->addAction(tr("&Freeze charts"));
    m_freezeAction->setCheckable(true);
    m_freezeAction->setShortcut(QKeySequence(Qt::Key_F));
    m_freezeAction->setToolTip(tr("Freeze the charts; the engine runs on and the history keeps growing."));
    connect(m_freezeAction, &QAction::toggled, this, [this](bool on) {
        m_charts->setFrozen(on);
        if (!on)
            m_charts->redraw(m_history);
    });
    QMenu *window = view->addMenu(tr("Time &window"));
    auto *windows = new QActionGroup(this);
    for (int seconds : {10, 30, 60, 120, 300, 600}) {
        QAction *a = window->addAction(seconds < 60 ? tr("%1 s").arg(seconds) : tr("%1 min").arg(seconds / 60));
        a->setCheckable(true);
        a->setChecked(seconds == 60);
        windows->addAction(a);
        connect(a, &QAction::triggered, this, [this, seconds] {
            m_charts->setWindowSeconds(seconds);
            m_charts->redraw(m_history);
        });
    }
    view->addSeparator();
    m_darkAction = view->addAction(tr("&Dark mode"));
    m_darkAction->setCheckable(true);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkMode);
    m_presentationAction = view->addAction(tr("&Presentation mode (large fonts)"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F11));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);

    QMenu *lessons = menuBar()->addMenu(tr("&Lessons"));
    const std::pair<const char *, QString> builtIn[] = {{"steady-state", tr("&1 Steady state")},
        {"slow-consumer", tr("&2 Slow consumer")}, {"overload-three-ways", tr("&3 Overload three ways")},
        {"let-it-crash", tr("&4 Let it crash")}, {"crash-storm", tr("&5 Crash storm")},
        {"scaling-out", tr("&6 Scaling out")}, {"littles-law", tr("&7 Little's law")}};
    for (const auto &[id, title] : builtIn) {
        const QString resource = QStringLiteral(":/lessons/%1.json").arg(QLatin1String(id));
        lessons->addAction(title, this, [this, resource] { playLesson(resource); });
    }
    lessons->addSeparator();
    lessons->addAction(tr("&Open scenario file…"), QKeySequence::Open, this, &MainWindow::openScenarioFile);
    lessons->addAction(m_lessonDock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&What am I looking at?"), QKeySequence::HelpContents, this, &MainWindow::showHelp);
    help->addAction(tr("&About BEAM Me Up"), this, &MainWindow::showAbout);
}

void MainWindow::showSnapshot(const SnapshotPtr &snapshot)
{
    if (!snapshot)
        return;
    const Snapshot &s = *snapshot;
    QElapsedTimer redraw;
    redraw.start();
    const auto measured = qScopeGuard([&] { m_maxRedrawMs = std::max(m_maxRedrawMs, redraw.elapsed()); });
    m_history.add(s);
    for (const auto &w : m_monitor.observe(s)) {
        ++m_warningCount;
        statusBar()->showMessage(tr("Warning: %1").arg(QString::fromStdString(w.message)), 8000);
    }
    m_lessons->setWarningCount(m_warningCount);
    const QStringList warnings = activeWarnings();
    m_warnings->setVisible(!warnings.isEmpty());
    if (!warnings.isEmpty())
        m_warnings->setText(QStringLiteral("⚠ ") + warnings.join(QStringLiteral("\n⚠ ")));
    m_charts->redraw(m_history);
    m_topology->showSnapshot(s);
    m_everLost = std::max(m_everLost, s.lost);
    if (s.gaveUp)
        m_state->setText(tr("engine: supervision gave up — nothing is processed; Reset to start again"));
    m_totals->setText(tr("produced %L1 · processed %L2 · dead-lettered %L3 · dropped %L4 · in flight %L5 · "
                         "restarts %L6 · %7 ev/s")
                          .arg(s.produced)
                          .arg(s.processed)
                          .arg(s.deadLettered)
                          .arg(s.dropped)
                          .arg(s.inFlight + static_cast<std::int64_t>(s.abandoned))
                          .arg(s.restarts)
                          .arg(s.processedPerSec, 0, 'f', 0));
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
    for (const auto &w : m_monitor.active())
        lines << QString::fromStdString(w.message);
    return lines;
}

void MainWindow::playScenario(const Scenario &scenario)
{
    m_lessonDock->show();
    m_lessons->play(scenario);
}

void MainWindow::playLesson(const QString &resource)
{
    auto loaded = loadScenario(resource);
    if (const auto *errors = std::get_if<QStringList>(&loaded)) {
        QMessageBox::warning(this, tr("Lesson"), errors->join(QLatin1Char('\n')));
        return;
    }
    playScenario(std::get<Scenario>(loaded));
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
        std::printf("window: %.0f events/s processed (mean of the last 10 s), longest event-loop stall %lld ms "
                    "(longest redraw %lld ms), RSS %.1f MB, lost %lld\n",
            recent.isEmpty() ? 0.0 : sum / static_cast<double>(recent.size()), static_cast<long long>(m_maxStallMs),
            static_cast<long long>(m_maxRedrawMs), latest ? static_cast<double>(latest->rssBytes) / (1 << 20) : 0.0,
            latest ? static_cast<long long>(latest->lost) : 0LL);
        std::fflush(stdout);
        if (!ok)
            qWarning("beam-me-up: cannot write the screenshot to %s", qPrintable(path));
        QCoreApplication::exit(ok ? 0 : 1);
    });
}

void MainWindow::setDarkMode(bool dark)
{
    if (m_darkAction && m_darkAction->isChecked() != dark)
        m_darkAction->setChecked(dark);
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette palette = QApplication::style()->standardPalette();
    if (dark) {
        palette.setColor(QPalette::Window, QColor(37, 37, 40));
        palette.setColor(QPalette::WindowText, QColor(230, 230, 230));
        palette.setColor(QPalette::Base, QColor(28, 28, 30));
        palette.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
        palette.setColor(QPalette::Text, QColor(230, 230, 230));
        palette.setColor(QPalette::Button, QColor(50, 50, 54));
        palette.setColor(QPalette::ButtonText, QColor(230, 230, 230));
        palette.setColor(QPalette::Highlight, QColor(64, 128, 200));
        palette.setColor(QPalette::ToolTipBase, QColor(50, 50, 54));
        palette.setColor(QPalette::ToolTipText, QColor(230, 230, 230));
    }
    QApplication::setPalette(palette);
    if (m_topology)
        m_topology->refreshColours();
    if (m_charts) {
        for (QChartView *view : m_charts->views())
            view->chart()->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    }
}

void MainWindow::setPresentationMode(bool on)
{
    if (m_presentationAction && m_presentationAction->isChecked() != on)
        m_presentationAction->setChecked(on);
    QFont font = m_baseFont;
    if (on)
        font.setPointSizeF(font.pointSizeF() * 1.6);
    QApplication::setFont(font);
    qApp->setStyleSheet(qApp->styleSheet()); // widgets styled by the sheet pick up the new font only when re-polished
    if (m_charts) {
        for (QChartView *view : m_charts->views()) {
            QFont title = font;
            title.setBold(true);
            view->chart()->setTitleFont(title);
            view->chart()->legend()->setFont(font);
        }
    }
}

void MainWindow::showHelp()
{
    auto *box = new QTextBrowser;
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("What am I looking at?"));
    QFile page(QStringLiteral(":/help/help.html"));
    box->setHtml(
        page.open(QIODevice::ReadOnly) ? QString::fromUtf8(page.readAll()) : tr("Help is missing from this build."));
    box->resize(720, 640);
    box->show();
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
    settings.setValue(QStringLiteral("view/dark"), m_darkAction->isChecked());
    settings.setValue(QStringLiteral("view/presentation"), m_presentationAction->isChecked());
    settings.setValue(QStringLiteral("view/size"), size());
    event->accept();
}

} // namespace beam
