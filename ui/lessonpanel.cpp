// SPDX-License-Identifier: MIT
#include "lessonpanel.h"

#include "chartpanel.h"
#include "controlpanel.h"
#include "core/processstats.h"
#include "scenario/report.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace beam {

namespace {
constexpr int kTickMs = 50;
constexpr double kRecentS = 1.0; // the same window as the report's recent.* and littles_law.* fields
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
    m_description = new QLabel(tr("Choose one from the Lessons menu. The readouts below work for any run."));
    m_description->setWordWrap(true);
    m_caption = new QLabel;
    m_caption->setObjectName(QStringLiteral("lessonCaption"));
    m_caption->setWordWrap(true);
    m_caption->setMinimumHeight(120);
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
    auto *transport = new QHBoxLayout;
    transport->addWidget(m_playPause);
    transport->addWidget(m_stepButton);
    transport->addWidget(m_restartButton);

    m_steps = new QListWidget;
    m_steps->setObjectName(QStringLiteral("lessonSteps"));
    m_steps->setWordWrap(true);
    m_expect = new QListWidget;
    m_expect->setObjectName(QStringLiteral("lessonExpect"));
    m_expect->setMaximumHeight(150);
    m_expect->setWordWrap(true);
    m_expect->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_rho = new QLabel;
    m_rho->setObjectName(QStringLiteral("rhoReadout"));
    m_rho->setWordWrap(true);
    m_rho->setToolTip(tr("Utilisation rho = arrival rate / service capacity, per stage. Above 1 a queue grows "
                         "without end (or back-pressure holds the producers)."));

    layout->addWidget(m_title);
    layout->addWidget(m_description);
    layout->addWidget(m_caption, 2);
    layout->addWidget(m_progress);
    layout->addLayout(transport);
    layout->addWidget(new QLabel(tr("Steps")));
    layout->addWidget(m_steps, 1);
    layout->addWidget(new QLabel(tr("Expected")));
    layout->addWidget(m_expect);
    layout->addWidget(new QLabel(tr("Utilisation (Little's law is a tile above the charts)")));
    layout->addWidget(m_rho);

    connect(m_playPause, &QPushButton::clicked, this, [this] { m_playing ? pause() : resume(); });
    connect(m_stepButton, &QPushButton::clicked, this, &LessonPanel::step);
    connect(m_restartButton, &QPushButton::clicked, this, &LessonPanel::restart);
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &LessonPanel::tick);
    updateTransport();
}

void LessonPanel::play(const Scenario &scenario)
{
    m_scenario = scenario;
    m_title->setText(scenario.name);
    m_description->setText(scenario.description);
    m_steps->clear();
    for (const auto &s : scenario.timeline) {
        const QString text
            = s.kind == ScenarioStep::Kind::Caption ? QStringLiteral("“%1”").arg(s.caption) : s.describe();
        // Numbered as the markers on the charts are.
        m_steps->addItem(QStringLiteral("%1.  %2 s  %3").arg(m_steps->count() + 1).arg(s.atS, 0, 'g', 4).arg(text));
    }
    m_expect->clear();
    m_verdicts.assign(static_cast<std::size_t>(scenario.expect.size()), {});
    for (const auto &a : scenario.expect)
        m_expect->addItem(QStringLiteral("○  %1").arg(a.text));
    restart();
}

void LessonPanel::restart()
{
    if (!m_scenario)
        return;
    m_bridge->reset();
    emit restarted();
    m_charts->clearMarkers();
    m_controls->setConfig(m_scenario->config); // the controls show the lesson's settings...
    m_bridge->setConfig(m_scenario->config); // ...and the engine starts with them, not after the debounce
    m_recent.clear();
    m_next = 0;
    m_finished = false;
    m_offsetS = 0;
    m_warnings = 0;
    std::fill(m_verdicts.begin(), m_verdicts.end(), Verdict{});
    for (int i = 0; i < m_expect->count(); ++i) {
        m_expect->item(i)->setText(QStringLiteral("○  %1").arg(m_scenario->expect[i].text));
        m_expect->item(i)->setForeground(palette().color(QPalette::Text));
    }
    for (int i = 0; i < m_steps->count(); ++i)
        m_steps->item(i)->setCheckState(Qt::Unchecked);
    m_caption->clear();
    m_bridge->start();
    m_playing = true;
    m_clock.start();
    m_tick.start();
    tick();
}

double LessonPanel::position() const
{
    return m_offsetS + (m_playing ? static_cast<double>(m_clock.elapsed()) / 1000.0 : 0.0);
}

QString LessonPanel::caption() const
{
    return m_caption->text();
}

std::pair<int, int> LessonPanel::verdicts() const
{
    int passed = 0;
    int failed = 0;
    for (const auto &v : m_verdicts) {
        if (v.decided && !v.skipped)
            (v.passed ? passed : failed) += 1;
    }
    return {passed, failed};
}

void LessonPanel::abandon(const QString &why)
{
    if (!m_scenario || m_finished)
        return;
    m_finished = true;
    m_playing = false;
    m_tick.stop();
    m_caption->setText(tr("The lesson stopped: %1. Restart lesson plays it again.").arg(why));
    updateTransport();
}

void LessonPanel::pause()
{
    if (!m_playing)
        return;
    m_offsetS = position();
    m_playing = false;
    updateTransport();
}

void LessonPanel::resume()
{
    if (m_playing || !m_scenario || m_finished)
        return;
    m_playing = true;
    m_clock.start();
    updateTransport();
}

void LessonPanel::step()
{
    if (!m_scenario || m_next >= m_scenario->timeline.size())
        return;
    // Jump the clock to the next step's time; everything due by then fires now. Timed assertions jumped over
    // are not judged: the engine has not run that long, so their verdict would mean nothing.
    const double to = std::max(position(), m_scenario->timeline[m_next].atS);
    for (qsizetype i = 0; i < m_scenario->expect.size(); ++i) {
        auto &v = m_verdicts[static_cast<std::size_t>(i)];
        const auto &a = m_scenario->expect[i];
        if (v.decided || !a.atS || *a.atS > to)
            continue;
        v = {true, false, true, tr("%1: not judged (Next step jumped past it)").arg(a.text)};
        m_expect->item(static_cast<int>(i))->setText(QStringLiteral("–  ") + v.message);
    }
    m_offsetS = to;
    if (m_playing)
        m_clock.start();
    tick();
}

void LessonPanel::tick()
{
    if (!m_scenario)
        return;
    const double now = std::min(position(), m_scenario->durationS);
    while (m_next < m_scenario->timeline.size() && m_scenario->timeline[m_next].atS <= now)
        fire(m_scenario->timeline[m_next++]);
    judge(false);
    m_progress->setMaximum(static_cast<int>(m_scenario->durationS * 10));
    m_progress->setValue(static_cast<int>(now * 10));
    m_progress->setFormat(QStringLiteral("%1 / %2 s").arg(now, 0, 'f', 1).arg(m_scenario->durationS, 0, 'f', 0));
    if (now >= m_scenario->durationS && !m_finished) {
        m_finished = true;
        m_playing = false;
        m_offsetS = m_scenario->durationS;
        m_tick.stop();
        judge(true);
        const auto [passed, failed] = verdicts();
        m_caption->setText(m_caption->text() + QStringLiteral("\n\n")
            + tr("End of the lesson: %1 of %2 expectations held. The pipeline keeps running; Restart plays it "
                 "again.")
                  .arg(passed)
                  .arg(passed + failed));
        emit finished();
    }
    updateTransport();
}

void LessonPanel::fire(const ScenarioStep &s)
{
    const int index = m_next - 1;
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
        m_charts->addMarker(at, QString::number(index + 1));
        break;
    case ScenarioStep::Kind::Action:
        switch (s.action) {
        case ScenarioStep::Action::KillConsumer:
            m_bridge->killConsumer(s.target);
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
        }
        m_charts->addMarker(at, QString::number(index + 1));
        break;
    case ScenarioStep::Kind::Caption:
        m_caption->setText(s.caption);
        break;
    }
}

QJsonObject LessonPanel::report() const
{
    const auto latest = m_bridge->latest();
    if (!latest || !m_bridge->engine())
        return {};
    ReportInputs in;
    in.durationS = latest->elapsedS;
    in.latency = m_bridge->engine()->latencyHistogram();
    in.notice = m_bridge->engine()->notice();
    in.deadLetters = m_bridge->engine()->deadLetters();
    const auto process = ProcessStats::read();
    in.peakRssBytes = process.peakRssBytes;
    in.cpuPercentAvg = latest->cpuPercent; // the window has no run-long average: the last interval's
    in.warnings = m_warnings;
    in.recent = recentFigures({m_recent.begin(), m_recent.end()});
    return reportJson(*latest, in);
}

void LessonPanel::judge(bool atEnd)
{
    if (!m_scenario)
        return;
    const double now = position();
    QJsonObject current;
    for (qsizetype i = 0; i < m_scenario->expect.size(); ++i) {
        auto &v = m_verdicts[static_cast<std::size_t>(i)];
        const auto &a = m_scenario->expect[i];
        const bool due = a.atS ? *a.atS <= now : atEnd;
        if (v.decided || !due)
            continue;
        if (current.isEmpty())
            current = report();
        if (current.isEmpty())
            continue;
        const auto result = evaluate(a, current);
        v = {true, result.passed, false, result.message};
        auto *item = m_expect->item(static_cast<int>(i));
        item->setText(
            QStringLiteral("%1  %2").arg(result.passed ? QStringLiteral("✓") : QStringLiteral("✗"), result.message));
        item->setForeground(result.passed ? QColor(40, 150, 60) : QColor(200, 40, 40));
    }
}

void LessonPanel::showSnapshot(const SnapshotPtr &snapshot)
{
    if (!snapshot)
        return;
    if (!m_recent.empty() && snapshot->elapsedS < m_recent.back()->elapsedS)
        m_recent.clear(); // a new run
    m_recent.push_back(snapshot);
    while (m_recent.size() > 2 && m_recent.front()->elapsedS < snapshot->elapsedS - kRecentS)
        m_recent.pop_front();
}

void LessonPanel::showReadouts(const Snapshot &s)
{
    const auto r = recentFigures({m_recent.begin(), m_recent.end()}, kRecentS);
    const PipelineConfig &c = s.config;
    QStringList parts;
    parts << tr("<b>limiter</b> %1% full now")
                 .arg(s.limit > 0 ? 100.0 * static_cast<double>(s.inFlight) / static_cast<double>(s.limit) : 0.0, 0,
                     'f', 0);
    const auto model = consumerRhoModel(c, r.producedPerSec);
    parts << (model ? tr("<b>consumers</b> ρ = %1").arg(*model, 0, 'f', 2)
                    : tr("<b>consumers</b> busy %1% (no work set: capacity is the CPU's)")
                          .arg(r.consumerBusyMean * 100.0, 0, 'f', 0));
    const double serviceUs = c.workUs + c.ioUs;
    if (serviceUs > 0 && c.consumers <= 16) {
        QStringList each;
        for (int i = 0; i < c.consumers; ++i) {
            const double factor = c.slowConsumer && c.slowConsumer->index == i ? c.slowConsumer->factor : 1.0;
            const double rho = r.producedPerSec / c.consumers * serviceUs * factor / 1e6;
            each << (rho >= 1.0 ? QStringLiteral("<span style='color:#c62828'>#%1 %2</span>")
                                : QStringLiteral("#%1 %2"))
                        .arg(i)
                        .arg(rho, 0, 'f', 2);
        }
        parts << tr("per consumer: %1").arg(each.join(QStringLiteral(" · ")));
    }
    m_rho->setText(tr("Utilisation ρ = arrival / capacity — %1").arg(parts.join(QStringLiteral(" · "))));
}

void LessonPanel::updateTransport()
{
    const bool loaded = m_scenario.has_value();
    m_playPause->setEnabled(loaded && !m_finished);
    m_playPause->setText(m_playing ? tr("Pause lesso&n") : tr("Play lesso&n"));
    m_stepButton->setEnabled(loaded && m_next < (loaded ? m_scenario->timeline.size() : 0));
    m_restartButton->setEnabled(loaded);
}

} // namespace beam
