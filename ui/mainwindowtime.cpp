// SPDX-License-Identifier: MIT
// The window's time cursor: the timeline under the charts, the keys that move it, Freeze view and Pause engine,
// and every view drawn at the cursor's moment (docs/recording.md).
#include "mainwindow.h"

#include "chartpanel.h"
#include "eventlogmodel.h"
#include "lessonpanel.h"
#include "timecursor.h"
#include "timelinebar.h"

#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QShortcut>
#include <QSignalBlocker>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

#include <map>

namespace beam {

namespace {

QString seconds(double s)
{
    return QStringLiteral("%1 s").arg(s, 0, 'f', 1);
}

/// A tool button for `action` showing its text, for the row beside the timeline.
QToolButton *buttonFor(QAction *action)
{
    auto *button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setAutoRaise(true); // as flat as the status bar's labels: the bar stays one line
    button->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored); // as tall as the labels beside it
    button->setFocusPolicy(Qt::NoFocus); // the keys stay with the timeline
    return button;
}

/// The timeline's marks for what the recorder kept: engine events and a lesson's captions and verdicts, at most
/// one of a kind per 1/2,000 of the span (a crash storm logs thousands a second; the bar has some 1,500 pixels).
QList<TimelineBar::Mark> marksOf(const FlightRecorder &recorder)
{
    using Kind = TimelineBar::Mark::Kind;
    QList<TimelineBar::Mark> marks;
    const double first = recorder.firstS();
    const double bucketS = std::max(1e-6, (recorder.lastS() - first) / 2000.0);
    std::map<std::pair<int, long long>, bool> seen;
    const auto add = [&](double atS, Kind kind, const QString &label = {}) {
        const auto key = std::make_pair(static_cast<int>(kind), static_cast<long long>((atS - first) / bucketS));
        if (label.isEmpty() && !seen.emplace(key, true).second)
            return;
        marks.push_back({atS, kind, label});
    };
    for (const auto &event : recorder.eventMarks()) {
        switch (event.kind) {
        case EngineEvent::Kind::Crash:
            add(event.atS, event.hang ? Kind::Hang : Kind::Crash);
            break;
        case EngineEvent::Kind::Escalation:
        case EngineEvent::Kind::PipelineRestart:
        case EngineEvent::Kind::GaveUp:
            add(event.atS, Kind::Escalation);
            break;
        case EngineEvent::Kind::Configuration:
            add(event.atS, Kind::Setting);
            break;
        case EngineEvent::Kind::Restart:
        case EngineEvent::Kind::ThreadFailed:
            break; // a restart follows its crash within microseconds; a thread's failure is a warning line
        }
    }
    int caption = 0;
    for (const auto &mark : recorder.marks()) {
        if (mark.kind == LessonMark::Kind::Start)
            caption = 0;
        else if (mark.kind == LessonMark::Kind::Caption)
            add(mark.atS, Kind::Caption, QString::number(++caption));
        else if (mark.kind == LessonMark::Kind::Verdict && mark.verdict != "skipped")
            add(mark.atS, mark.verdict == "passed" ? Kind::Passed : Kind::Failed);
    }
    return marks;
}

bool movesTheCursor(const QKeyEvent *key)
{
    switch (key->key()) {
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Home:
    case Qt::Key_End:
        return true;
    default:
        return false;
    }
}

/// A control that uses the arrow keys itself while it has the focus (a slider, a number, a list).
bool usesArrows(const QObject *widget)
{
    return qobject_cast<const QAbstractSlider *>(widget) || qobject_cast<const QAbstractSpinBox *>(widget)
        || qobject_cast<const QLineEdit *>(widget) || qobject_cast<const QComboBox *>(widget)
        || qobject_cast<const QAbstractItemView *>(widget);
}

} // namespace

/// The row under the charts: Freeze view, Pause engine, the timeline and Live; and the banner over the tiles.
void MainWindow::createTimeline()
{
    m_cursor = new TimeCursor(this);
    m_timeline = new TimelineBar;
    m_timeline->setFocusPolicy(Qt::StrongFocus);

    createTimeActions();

    // The buttons and the key go in the status bar (createStatusBar()): the charts and the topology keep their
    // height, which is their text's size on a projector.
    m_timelineRow = new QWidget;
    m_timelineRow->setObjectName(QStringLiteral("timelineRow"));
    auto *row = new QHBoxLayout(m_timelineRow);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(buttonFor(m_freezeAction));
    row->addWidget(buttonFor(m_pauseEngineAction));
    row->addWidget(buttonFor(m_liveAction));
    auto *key = new QLabel(TimelineBar::keyHtml());
    key->setObjectName(QStringLiteral("timelineKey"));
    key->setTextFormat(Qt::RichText);
    row->addSpacing(8);
    row->addWidget(key);

    m_pastBanner = new QLabel;
    m_pastBanner->setObjectName(QStringLiteral("pastBanner"));
    m_pastBanner->setWordWrap(true);
    m_pastBanner->hide();

    connect(m_timeline, &TimelineBar::cursorRequested, m_cursor, &TimeCursor::moveTo);
    m_replayTimer = new QTimer(this);
    m_replayTimer->setInterval(50);
    connect(m_replayTimer, &QTimer::timeout, this, &MainWindow::advanceReplay);
    connect(m_cursor, &TimeCursor::moved, this, &MainWindow::cursorMoved);
    createTimeKeys();
}

/// Freeze view, Pause engine, Live: in the View menu and as buttons in the status bar.
void MainWindow::createTimeActions()
{
    m_freezeAction = new QAction(tr("&Freeze view"), this);
    m_freezeAction->setCheckable(true);
    m_freezeAction->setShortcut(QKeySequence(Qt::Key_F));
    m_freezeAction->setToolTip(tr("Freeze every view at this moment (F); the engine runs on and the recorder keeps "
                                  "recording. End returns to live."));
    connect(m_freezeAction, &QAction::toggled, this, [this](bool on) {
        if (on && m_cursor->live())
            m_cursor->freeze();
        else if (!on)
            m_cursor->goLive();
    });
    m_pauseEngineAction = new QAction(tr("Pause &engine"), this);
    m_pauseEngineAction->setCheckable(true);
    m_pauseEngineAction->setShortcut(QKeySequence(Qt::Key_P));
    m_pauseEngineAction->setToolTip(tr("Pause the engine (P): producers hold, a lesson's clock stops, the view "
                                       "freezes at this moment. Again: they resume and the view goes live."));
    connect(m_pauseEngineAction, &QAction::toggled, this, [this](bool on) {
        if (!m_replayPath.isEmpty()) {
            // A replay: paused, the cursor rests; playing again, it goes on from the cursor (from the start at the
            // end).
            if (!on && m_cursor->live())
                m_cursor->toStart();
            m_replayHeadS = m_cursor->at().value_or(m_replayHeadS);
            m_replayClock.restart();
            return;
        }
        // A lesson playing pauses with the engine: its checks would otherwise judge a paused engine.
        if (on) {
            m_lessonHeld = m_lessons->playing();
            if (m_lessonHeld)
                m_lessons->pause();
            m_bridge->pause();
            m_enginePausedHere = true;
            m_cursor->freeze();
        } else {
            resumeWhatPausedHere();
            m_cursor->goLive();
        }
    });
    m_liveAction = new QAction(tr("L&ive"), this);
    m_liveAction->setCheckable(true); // pressed while live
    m_liveAction->setChecked(true);
    m_liveAction->setToolTip(tr("Back to live (End): every view follows the engine again."));
    connect(m_liveAction, &QAction::triggered, this, [this] {
        m_cursor->goLive();
        m_liveAction->setChecked(m_cursor->live());
    });
}

/// ← → one sample, Shift+← → one second, Home the oldest kept, End live. A slider, a number field or a list
/// with the focus keeps its arrows (the timeline has the focus until one is clicked).
void MainWindow::createTimeKeys()
{
    const auto key = [this](const QKeySequence &sequence, auto slot) {
        auto *shortcut = new QShortcut(sequence, this);
        shortcut->setContext(Qt::WindowShortcut);
        connect(shortcut, &QShortcut::activated, m_cursor, slot);
    };
    key(QKeySequence(Qt::Key_Left), [this] { m_cursor->stepSamples(-1); });
    key(QKeySequence(Qt::Key_Right), [this] { m_cursor->stepSamples(1); });
    key(QKeySequence(Qt::SHIFT | Qt::Key_Left), [this] { m_cursor->stepSeconds(-1); });
    key(QKeySequence(Qt::SHIFT | Qt::Key_Right), [this] { m_cursor->stepSeconds(1); });
    key(QKeySequence(Qt::Key_Home), [this] { m_cursor->toStart(); });
    key(QKeySequence(Qt::Key_End), [this] { m_cursor->goLive(); });
    qApp->installEventFilter(this);
}

/// From eventFilter(): a control that uses the arrow keys keeps them while it has the focus.
bool MainWindow::keepsArrowKeys(QObject *watched, QEvent *event) const
{
    if (event->type() != QEvent::ShortcutOverride || !usesArrows(watched))
        return false;
    const auto *key = static_cast<QKeyEvent *>(event);
    if (!movesTheCursor(key))
        return false;
    event->accept(); // the key goes to the control, not to the shortcut
    return true;
}

/// Pause engine paused the engine (and maybe the lesson): both go on.
void MainWindow::resumeWhatPausedHere()
{
    if (m_enginePausedHere && m_replayPath.isEmpty())
        m_bridge->resume();
    if (m_lessonHeld)
        m_lessons->resume();
    m_enginePausedHere = false;
    m_lessonHeld = false;
}

SnapshotPtr MainWindow::shownSnapshot() const
{
    return m_cursor->live() ? m_shown : m_cursor->snapshot();
}

QString MainWindow::pastBannerText() const
{
    return m_pastBanner->isVisible() ? m_pastBanner->text() : QString();
}

void MainWindow::cursorMoved()
{
    if (!m_replayMoving && m_cursor->at())
        m_replayHeadS = *m_cursor->at(); // the user moved it: a replay goes on from there
    {
        const QSignalBlocker quiet(m_freezeAction);
        m_freezeAction->setChecked(!m_cursor->live());
        m_liveAction->setChecked(m_cursor->live());
    }
    if (m_cursor->live()) {
        const QSignalBlocker quiet(m_pauseEngineAction);
        m_pauseEngineAction->setChecked(false);
        resumeWhatPausedHere(); // live again; an engine paused from the controls stays paused
    }
    m_events->setCursorAt(m_cursor->at());
    if (m_eventTable) {
        const int row = m_events->rowAtCursor();
        if (row >= 0)
            m_eventTable->scrollTo(m_events->index(row, 0), QAbstractItemView::PositionAtCenter);
    }
    if (m_cursor->live()) {
        m_lessons->showMoment(std::nullopt);
    } else {
        const auto caption = m_cursor->recorder()->captionAt(*m_cursor->at());
        m_lessons->showMoment(caption ? QString::fromStdString(caption->text) : QString(), *m_cursor->at());
    }
    m_timeline->setCursorAt(m_cursor->at());
    showPastBanner();
    refreshTimeline(false);
    drawPanels();
}

void MainWindow::showPastBanner()
{
    if (m_cursor->live() && m_replayPath.isEmpty()) {
        m_pastBanner->hide();
        return;
    }
    const double last = m_cursor->recorder() ? m_cursor->recorder()->lastS() : 0.0;
    const double at = m_cursor->at().value_or(last);
    QString text;
    if (!m_replayPath.isEmpty())
        text = tr("Replay of %1 — %2 of %3").arg(QFileInfo(m_replayPath).fileName(), seconds(at), seconds(last));
    else if (m_bridge->state() == EngineState::Paused)
        text = tr("Viewing %1 — the engine is paused at %2").arg(seconds(at), seconds(last));
    else
        text = tr("Viewing %1 — the engine runs on, now at %2").arg(seconds(at), seconds(last));
    m_pastBanner->setText(text
        + (m_replayPath.isEmpty() ? tr(" · ← → a sample, Shift+← → a second, End: live")
                                  : tr(" · ← → a sample, Shift+← → a second, P: play or pause")));
    m_pastBanner->show();
}

/// The timeline's span every time; its marks at most once a second unless `force` (gathering them reads every
/// event the recorder keeps).
void MainWindow::refreshTimeline(bool force)
{
    const auto &recorder = m_cursor->recorder();
    if (!recorder)
        return;
    m_timeline->setSpan(recorder->firstS(), recorder->lastS());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (force || now - m_timelineMarksAt >= 1000) {
        m_timelineMarksAt = now;
        m_timeline->setMarks(marksOf(*recorder));
    }
    if (!m_cursor->live())
        showPastBanner(); // "now at" moves on
}

} // namespace beam
