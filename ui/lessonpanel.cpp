// SPDX-License-Identifier: MIT
#include "lessonpanel.h"

#include "chartpanel.h"
#include "controlpanel.h"
#include "core/processstats.h"
#include "scenario/report.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace beam {

namespace {
constexpr int kTickMs = 50;
constexpr int kCaptionMinHeight = 120;
constexpr double kRecentS = 1.0; // the same window as the report's recent.* and littles_law.* fields
constexpr int kVerdictRole = Qt::UserRole; // an Expected item's index in ScenarioPlayer::verdicts()
constexpr int kRankRole = Qt::UserRole + 1; // where it sorts: failed, pending, held, skipped

/// A one-line header that opens and closes the part under it: a projector shows the summary, a click the rest.
/// A fold header's one line, whole in its tooltip where the panel cuts it.
void setFoldText(QToolButton *header, const QString &text)
{
    header->setText(text);
    header->setToolTip(text + QStringLiteral("\n") + QObject::tr("Click to open or fold"));
}

QToolButton *foldHeader(QWidget *body, const QString &name)
{
    auto *header = new QToolButton;
    header->setObjectName(name);
    header->setCheckable(true);
    header->setChecked(false);
    header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    header->setArrowType(Qt::RightArrow);
    header->setAutoRaise(true);
    // Its text may be long ("Expected: ✓ 12 of 14 — failed: caption 3, caption 5"): it must not widen the panel
    // (and squeeze the charts); what does not fit is cut, and the tooltip has it whole.
    header->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    header->setMinimumWidth(0);
    header->setToolTip(QObject::tr("Click to open or fold"));
    body->setVisible(false);
    QObject::connect(header, &QToolButton::toggled, body, [header, body](bool open) {
        body->setVisible(open);
        header->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });
    return header;
}
} // namespace

LessonPanel::LessonPanel(EngineBridge *bridge, ControlPanel *controls, ChartPanel *charts, QWidget *parent)
    : QWidget(parent)
    , m_bridge(bridge)
    , m_controls(controls)
    , m_charts(charts)
{
    setObjectName(QStringLiteral("lessonPanel"));
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(tr("No lesson playing"));
    m_title->setObjectName(QStringLiteral("lessonTitle"));
    m_title->setWordWrap(true); // a long lesson name must not widen the panel and squeeze the charts
    m_description = new QLabel(tr("Choose one from the Lessons menu. The readouts below work for any run."));
    m_description->setWordWrap(true);
    m_caption = new QLabel;
    m_caption->setObjectName(QStringLiteral("lessonCaption"));
    m_caption->setWordWrap(true);
    m_caption->setMinimumHeight(kCaptionMinHeight);
    m_caption->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setTextVisible(true);
    m_progress->setFormat(QStringLiteral("—"));

    m_playPause = new QPushButton(tr("Pause lesso&n"));
    m_stepButton = new QPushButton(tr("&Jump to next step"));
    m_restartButton = new QPushButton(tr("Repla&y lesson"));
    m_playPause->setToolTip(tr("Stops the lesson's clock; the engine runs on, so the picture stays live."));
    m_stepButton->setToolTip(tr("Jump to the next step now."));
    m_restartButton->setToolTip(tr("Reset the engine and play the lesson from the start."));
    // Two rows: three buttons in one row of 24 px type made the panel wider than its dock, which cut its text.
    auto *transport = new QGridLayout;
    transport->addWidget(m_playPause, 0, 0);
    transport->addWidget(m_restartButton, 0, 1);
    transport->addWidget(m_stepButton, 1, 0, 1, 2);

    m_steps = new QListWidget;
    m_steps->setObjectName(QStringLiteral("lessonSteps"));
    m_steps->setWordWrap(true);
    m_expect = new QListWidget;
    m_expect->setObjectName(QStringLiteral("lessonExpect"));
    m_expect->setMaximumHeight(150);
    m_expect->setWordWrap(true);
    m_expect->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    layout->addWidget(m_title);
    layout->addWidget(m_description);
    layout->addWidget(m_caption, 2);
    layout->addWidget(m_progress);
    m_stepsFold = foldHeader(m_steps, QStringLiteral("lessonStepsFold"));
    m_expectFold = foldHeader(m_expect, QStringLiteral("lessonExpectFold"));
    setFoldText(m_stepsFold, tr("Steps"));
    setFoldText(m_expectFold, tr("Expected"));
    // What the class reads first: the caption, then whether its claims held; the buttons are the teacher's.
    layout->addWidget(m_expectFold);
    layout->addWidget(m_expect);
    layout->addLayout(transport);
    layout->addWidget(m_stepsFold);
    layout->addWidget(m_steps, 1);
    layout->addStretch(0);

    connect(m_playPause, &QPushButton::clicked, this, [this] { playing() ? pause() : resume(); });
    m_clock.start();
    connect(m_stepButton, &QPushButton::clicked, this, &LessonPanel::step);
    connect(m_restartButton, &QPushButton::clicked, this, &LessonPanel::restart);
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &LessonPanel::tick);
    updateTransport();
}

void LessonPanel::play(const Scenario &scenario, double speed)
{
    m_player.reset(); // it refers to this stage; a new one for the new lesson
    m_player.emplace(
        scenario, static_cast<ScenarioStage &>(*this),
        [this] { return static_cast<double>(m_clock.nsecsElapsed()) / 1e9; }, speed);
    m_player->setHonourLessonPauses(m_honourLessonPauses); // a teacher is there to press Play lesson
    // What the lesson shows and decides goes beside the run's snapshots, for the time cursor and a recording.
    m_player->setMarkSink([this](LessonMark mark) {
        if (const auto recorder = m_bridge->recorder()) {
            mark.atS = m_bridge->elapsedS();
            recorder->addMark(std::move(mark));
        }
    });
    const Scenario &played = m_player->scenario();
    // Played faster, the figures' window shrinks with every other time, so a check sees what it would at speed 1.
    m_bridge->setRateWindow(Snapshot::kWindowS / std::max(1.0, speed));
    m_title->setText(played.name);
    // The caption is what the class reads: the description stays one click away (the title's tooltip and the
    // Steps list), so that a long caption has the panel's height.
    m_description->hide();
    m_title->setToolTip(played.needs.isEmpty()
            ? played.description
            : played.description + QStringLiteral("\n") + tr("Needs: %1").arg(played.needs));
    m_description->setText(played.needs.isEmpty()
            ? played.description
            : played.description + QStringLiteral("\n") + tr("Needs: %1").arg(played.needs));
    m_steps->clear();
    m_markerLabels.clear();
    for (int i = 0; i < played.timeline.size(); ++i) {
        const auto &s = played.timeline[i];
        // Captions are numbered as the checks and the markers on the charts are; a change belongs to the caption
        // on screen once it is made (one at the same time comes with its caption).
        const int number = played.captionNumber(i);
        int under = 0;
        for (int j = 0; j < played.timeline.size() && played.timeline[j].atS <= s.atS; ++j) {
            if (!played.timeline[j].conditional()) // one that waits for a condition is not on screen at its at_s
                under = std::max(under, played.captionNumber(j));
        }
        m_markerLabels.append(under > 0 ? QString::number(under) : QStringLiteral("·"));
        m_steps->addItem(number > 0 ? QStringLiteral("%1.  %2  “%3”").arg(number).arg(s.whenText(), s.caption)
                                    : QStringLiteral("      %1  %2").arg(s.whenText(), s.describe()));
    }
    m_expect->clear();
    for (std::size_t i = 0; i < m_player->verdicts().size(); ++i) {
        auto *item = new QListWidgetItem(m_expect);
        item->setData(kVerdictRole, static_cast<int>(i));
        showClaim(static_cast<int>(i), m_player->verdicts()[i]);
    }
    sortClaims();
    restart();
}

void LessonPanel::restart()
{
    if (!m_player)
        return;
    m_bridge->reset();
    emit restarted();
    m_charts->clearMarkers();
    const PipelineConfig &config = m_player->scenario().config;
    m_controls->setConfig(config); // the controls show the lesson's settings...
    m_bridge->setConfig(config); // ...and the engine starts with them, not after the debounce
    m_recent.clear();
    m_warnings = 0;
    m_caption->clear();
    m_shownCaption = 0;
    for (int i = 0; i < m_steps->count(); ++i)
        m_steps->item(i)->setCheckState(Qt::Unchecked);
    m_bridge->start();
    m_player->start();
    for (std::size_t i = 0; i < m_player->verdicts().size(); ++i)
        showClaim(static_cast<int>(i), m_player->verdicts()[i]);
    sortClaims();
    m_tick.start();
    tick();
}

void LessonPanel::setCaptionText(const QString &text)
{
    m_liveCaption = text;
    if (m_moment)
        return; // the cursor's moment stays on screen; this comes back with live
    m_caption->setText(text);
    fitCaption();
}

void LessonPanel::showMoment(const std::optional<QString> &text, double atS)
{
    m_moment = text.has_value();
    const QString at = tr("At %1 s:").arg(atS, 0, 'f', 1);
    m_caption->setText(!text  ? m_liveCaption
            : text->isEmpty() ? tr("%1 no caption on screen then.").arg(at)
                              : at + QLatin1Char('\n') + *text);
    fitCaption();
}

void LessonPanel::fitCaption()
{
    // Its whole text, however long: the layout would otherwise give it a share of the panel and cut it.
    const int needed = m_caption->heightForWidth(m_caption->width());
    m_caption->setMinimumHeight(std::max(kCaptionMinHeight, needed));
}

void LessonPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitCaption();
}

void LessonPanel::setHonourLessonPauses(bool honour)
{
    m_honourLessonPauses = honour;
    if (m_player)
        m_player->setHonourLessonPauses(honour);
}

QString LessonPanel::caption() const
{
    return m_caption->text();
}

std::pair<int, int> LessonPanel::verdicts() const
{
    return m_player ? std::pair{m_player->passed(), m_player->failed()} : std::pair{0, 0};
}

void LessonPanel::abandon(const QString &why)
{
    if (!m_player || m_player->finished())
        return;
    m_player->abandon();
    m_tick.stop();
    setCaptionText(tr("The lesson stopped: %1. Replay lesson plays it again.").arg(why));
    updateTransport();
}

void LessonPanel::pause()
{
    if (m_player)
        m_player->pause();
    updateTransport();
}

void LessonPanel::resume()
{
    if (m_player)
        m_player->resume();
    updateTransport();
}

void LessonPanel::step()
{
    if (!m_player)
        return;
    m_player->step();
    tick();
}

void LessonPanel::tick()
{
    if (!m_player)
        return;
    m_player->advance();
    const double now = m_player->position();
    const double duration = m_player->scenario().durationS;
    m_progress->setMaximum(static_cast<int>(duration * 10));
    m_progress->setValue(static_cast<int>(now * 10));
    m_progress->setFormat(QStringLiteral("%1 / %2 s").arg(now, 0, 'f', 1).arg(duration, 0, 'f', 0));
    if (m_player->reachedEnd() && !m_player->finished()) {
        const QJsonObject final = report();
        if (final.isEmpty())
            return; // no snapshot yet: judged on the next tick
        if (m_shownCaption > 0)
            emit captionLeaving(m_shownCaption);
        m_player->finish(final);
        m_tick.stop();
        const auto [passed, failed] = verdicts();
        setCaptionText(m_liveCaption + QStringLiteral("\n\n")
            + tr("End of the lesson: %1 of %2 expectations held. The pipeline keeps running; Replay lesson plays "
                 "it again.")
                  .arg(passed)
                  .arg(passed + failed));
        emit finished();
    }
    updateTransport();
}

void LessonPanel::apply(const ScenarioStep &s, int index)
{
    const int captions = m_player->scenario().captionNumber(index);
    if (captions > 0 && m_shownCaption > 0)
        emit captionLeaving(m_shownCaption); // before anything on screen changes for the next one
    if (captions > 0) {
        int total = 0;
        for (int i = 0; i < m_player->scenario().timeline.size(); ++i)
            total = std::max(total, m_player->scenario().captionNumber(i));
        setFoldText(m_stepsFold, tr("Steps: caption %1 of %2").arg(captions).arg(total));
    }
    if (auto *item = m_steps->item(index)) {
        item->setCheckState(Qt::Checked);
        m_steps->setCurrentItem(item);
        m_steps->scrollToItem(item);
    }
    const auto latest = m_bridge->latest();
    const double at = latest ? latest->elapsedS : 0.0;
    switch (s.kind) {
    case ScenarioStep::Kind::Set:
        m_controls->setConfig(s.configAfter); // moves the sliders, so the class sees what changed...
        m_bridge->applyNow(s.configAfter); // ...and the engine has it now, before any action at the same time
        m_charts->addMarker(at, m_markerLabels.value(index));
        break;
    case ScenarioStep::Kind::Action:
        switch (s.action) {
        case ScenarioStep::Action::KillConsumer:
            m_bridge->killConsumer(s.target);
            break;
        case ScenarioStep::Action::HangConsumer:
            m_bridge->hangConsumer(s.target);
            break;
        case ScenarioStep::Action::Pause:
            m_bridge->pause();
            break;
        case ScenarioStep::Action::Resume:
            m_bridge->resume();
            break;
        case ScenarioStep::Action::AddProducer:
        case ScenarioStep::Action::RemoveProducer:
            m_controls->setConfig(s.configAfter);
            m_bridge->applyNow(s.configAfter);
            break;
        case ScenarioStep::Action::PauseLesson:
            // The player stops the lesson's clock; the engine runs on, and Play lesson goes on.
            updateTransport();
            return;
        }
        m_charts->addMarker(at, m_markerLabels.value(index));
        break;
    case ScenarioStep::Kind::Caption:
        m_shownCaption = m_player->scenario().captionNumber(index);
        setCaptionText(s.caption);
        break;
    }
}

QJsonObject LessonPanel::report()
{
    const auto latest = m_bridge->latest();
    if (!latest || !m_bridge->engine())
        return {};
    ReportInputs in;
    in.durationS = latest->elapsedS;
    // The snapshot's own histogram: the report is of that one snapshot, and the GUI thread, which now asks for
    // a report at every snapshot (checks over a caption's time), does not merge the consumers' recorders.
    in.latency = latest->latencyHistogram ? *latest->latencyHistogram : m_bridge->engine()->latencyHistogram();
    in.notice = m_bridge->engine()->notice();
    in.deadLetters = m_bridge->engine()->deadLetters();
    const auto process = ProcessStats::read();
    in.peakRssBytes = process.peakRssBytes;
    in.cpuPercentAvg = latest->cpuPercent; // the window has no run-long average: the last interval's
    in.warnings = m_warnings;
    const std::vector<SnapshotPtr> recent(m_recent.begin(), m_recent.end());
    in.recent = recentFigures(recent, kRecentS);
    in.littles = littlesLaw(recent, kRecentS);
    return reportJson(*latest, in);
}

std::uint64_t LessonPanel::latestSequence()
{
    const auto latest = m_bridge->latest();
    return latest ? latest->sequence : 0;
}

void LessonPanel::judged(int index, const Verdict &verdict)
{
    showClaim(index, verdict);
    sortClaims();
}

namespace {
/// A report path such as "utilisation.executors_busy_cores" is one long word: a list that wraps words would
/// widen the whole panel for it (and squeeze the charts). A zero-width space after each dot and underscore lets
/// it wrap there.
QString breakable(QString text)
{
    static const QRegularExpression joints(QStringLiteral("([._])(?=[A-Za-z])"));
    return text.replace(joints, QStringLiteral("\\1\u200B"));
}
} // namespace

void LessonPanel::showClaim(int index, const Verdict &v)
{
    QListWidgetItem *item = nullptr;
    for (int row = 0; row < m_expect->count() && !item; ++row) {
        if (m_expect->item(row)->data(kVerdictRole).toInt() == index)
            item = m_expect->item(row);
    }
    if (!item)
        return;
    const auto done = qScopeGuard([item] { item->setText(breakable(item->text())); });
    // A sentence a student can read; the expression as written is the tooltip.
    const QString where = v.captionNumber > 0 ? tr("caption %1: ").arg(v.captionNumber) : QString();
    QString said = v.message;
    if (!v.assertion.overStretch() && v.decided() && !v.actual.isUndefined()) {
        said = describe(v.assertion)
            + tr(": read %1")
                  .arg(v.actual.isDouble() ? QString::number(v.actual.toDouble(), 'g', 4)
                                           : v.actual.toVariant().toString());
    }
    item->setToolTip(v.assertion.text);
    switch (v.state) {
    case Verdict::State::Pending:
        item->setText(QStringLiteral("○  %1%2").arg(where, describe(v.assertion)));
        item->setForeground(palette().color(QPalette::Text));
        item->setData(kRankRole, 1);
        break;
    case Verdict::State::Passed:
    case Verdict::State::Failed:
        item->setText(
            QStringLiteral("%1  %2%3")
                .arg(v.state == Verdict::State::Passed ? QStringLiteral("✓") : QStringLiteral("✗"), where, said));
        item->setForeground(v.state == Verdict::State::Passed ? QColor(40, 150, 60) : QColor(200, 40, 40));
        item->setData(kRankRole, v.state == Verdict::State::Passed ? 2 : 0);
        break;
    case Verdict::State::Skipped:
        item->setText(QStringLiteral("–  %1%2").arg(where, v.message));
        item->setForeground(palette().color(QPalette::Text));
        item->setData(kRankRole, 3);
        break;
    }
}

void LessonPanel::sortClaims()
{
    QList<QListWidgetItem *> items;
    while (m_expect->count() > 0)
        items.append(m_expect->takeItem(0));
    std::stable_sort(items.begin(), items.end(), [](QListWidgetItem *a, QListWidgetItem *b) {
        const auto key
            = [](QListWidgetItem *i) { return std::pair(i->data(kRankRole).toInt(), i->data(kVerdictRole).toInt()); };
        return key(a) < key(b);
    });
    for (auto *item : items)
        m_expect->addItem(item);
    // The one-line summary: what a class reads without opening the list.
    int passed = 0;
    int failed = 0;
    QStringList failures;
    const auto all = m_player ? m_player->verdicts() : std::vector<Verdict>{};
    for (const auto &v : all) {
        passed += v.state == Verdict::State::Passed ? 1 : 0;
        if (v.state == Verdict::State::Failed) {
            ++failed;
            failures << (v.captionNumber > 0 ? tr("caption %1").arg(v.captionNumber) : tr("the end"));
        }
    }
    failures.removeDuplicates();
    const int decided = passed + failed;
    setFoldText(m_expectFold,
        failed > 0
            ? tr("Expected: ✓ %1 of %2 — failed: %3").arg(passed).arg(decided).arg(failures.join(QStringLiteral(", ")))
            : decided > 0 ? tr("Expected: ✓ %1 of %2 held").arg(passed).arg(decided)
                          : tr("Expected: %1 checks, none judged yet").arg(all.size()));
    m_expectFold->setProperty("tone", failed > 0 ? QStringLiteral("bad") : QString());
}

void LessonPanel::showSnapshot(const SnapshotPtr &snapshot)
{
    if (!snapshot)
        return;
    if (!m_recent.empty() && snapshot->elapsedS < m_recent.back()->elapsedS)
        m_recent.clear(); // a new run
    m_recent.push_back(snapshot);
    // Little's law fits the trend of L over the last LittlesRule::trendS (3 s): that and half a window.
    const double keepS = LittlesRule{}.trendS + 0.5 * kRecentS;
    while (m_recent.size() > 2 && m_recent.front()->elapsedS < snapshot->elapsedS - keepS)
        m_recent.pop_front();
}

void LessonPanel::showRecorded(const QString &title)
{
    if (title.isEmpty()) {
        m_title->setText(tr("No lesson playing"));
        m_description->show();
        updateTransport();
        return;
    }
    m_title->setText(title);
    m_description->hide();
    for (auto *button : {m_playPause, m_stepButton, m_restartButton})
        button->setEnabled(false);
}

void LessonPanel::updateTransport()
{
    const bool loaded = m_player.has_value();
    const bool finished = loaded && m_player->finished();
    m_playPause->setEnabled(loaded && !finished);
    m_playPause->setText(playing() ? tr("Pause lesso&n") : tr("Play lesso&n"));
    m_stepButton->setEnabled(loaded && !finished && m_player->nextStep() < m_player->scenario().timeline.size());
    m_restartButton->setEnabled(loaded);
}

} // namespace beam
