// SPDX-License-Identifier: MIT
#include "controlpanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace beam {

namespace {
constexpr int kSliderSteps = 1000;

/// Slider position <-> value. Logarithmic sliders keep 0 at the far left when the range starts at 0.
int toSlider(double value, double low, double high, bool logarithmic)
{
    if (!logarithmic)
        return static_cast<int>(std::lround((value - low) / (high - low) * kSliderSteps));
    const double floor = std::max(low, 1.0);
    if (value <= 0 && low <= 0)
        return 0;
    const double t = std::log(std::max(value, floor) / floor) / std::log(high / floor);
    return (low <= 0 ? 1 : 0) + static_cast<int>(std::lround(t * (kSliderSteps - (low <= 0 ? 1 : 0))));
}

double fromSlider(int position, double low, double high, bool logarithmic)
{
    if (!logarithmic)
        return low + (high - low) * position / kSliderSteps;
    if (low <= 0 && position == 0)
        return 0;
    const double floor = std::max(low, 1.0);
    const int offset = low <= 0 ? 1 : 0;
    const double t = static_cast<double>(position - offset) / (kSliderSteps - offset);
    return std::round(floor * std::pow(high / floor, t));
}
} // namespace

ControlPanel::ControlPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(createButtons());
    connect(m_start, &QPushButton::clicked, this, &ControlPanel::startRequested);
    connect(m_pause, &QPushButton::clicked, this, &ControlPanel::pauseToggled);
    connect(m_stop, &QPushButton::clicked, this, &ControlPanel::stopRequested);
    connect(m_reset, &QPushButton::clicked, this, &ControlPanel::resetRequested);

    layout->addWidget(createFlowGroup());
    layout->addWidget(createFaultGroup());
    layout->addStretch(1);

    for (auto *box : {m_unlimitedRate, m_slowEnabled, m_poisonEnabled})
        connect(box, &QCheckBox::toggled, this, &ControlPanel::emitChanged);
    for (auto *combo : {m_overload, m_strategy})
        connect(combo, &QComboBox::currentIndexChanged, this, &ControlPanel::emitChanged);
    setConfig(PipelineConfig{});
    setRunning(false, false);
}

/// Start, Pause, Stop and Reset, in a row.
QHBoxLayout *ControlPanel::createButtons()
{
    auto *buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("&Start"));
    m_pause = new QPushButton(tr("&Pause"));
    m_stop = new QPushButton(tr("St&op"));
    m_reset = new QPushButton(tr("&Reset"));
    m_start->setToolTip(tr("Start the pipeline with these settings."));
    m_pause->setToolTip(tr("Producers stop emitting; consumers finish what is in flight. Press again to resume."));
    m_stop->setToolTip(tr("Stop with drain: producers stop, every event in flight finishes, counts stay exact."));
    m_reset->setToolTip(tr("Stop at once and clear the charts."));
    for (auto *button : {m_start, m_pause, m_stop, m_reset})
        buttons->addWidget(button);
    return buttons;
}

/// The pipeline's flow: rate, producers, consumers, the bound on events in flight, work per event, overload.
QGroupBox *ControlPanel::createFlowGroup()
{
    auto *flow = new QGroupBox(tr("Flow"));
    auto *flowForm = new QFormLayout(flow);
    addControl(flowForm, QStringLiteral("rate"), tr("R&ate / producer"),
        tr("Events each producer offers per second; the bound on events in flight may hold it back."), 1, 10'000'000, 0,
        true);
    m_unlimitedRate = new QCheckBox(tr("unthrottled (max)"));
    m_unlimitedRate->setToolTip(tr("Producers emit as fast as the pipeline admits: the throughput ceiling."));
    flowForm->addRow(QString(), m_unlimitedRate);
    addControl(flowForm, QStringLiteral("producers"), tr("Pro&ducers"),
        tr("Paced producers, each on its own thread, like GenStage producers."), 1, 64, 0, false);
    addControl(flowForm, QStringLiteral("consumers"), tr("&Consumers"),
        tr("Serial consumers; the router sends each key to the same one, so per-key order holds."), 1, 256, 0, false);
    addControl(flowForm, QStringLiteral("max_in_flight"), tr("Ma&x in flight"),
        tr("Back-pressure: at most this many events admitted and unfinished (GenStage's max_demand)."), 1, 1'000'000, 0,
        true);
    addControl(flowForm, QStringLiteral("work_us"), tr("CPU wor&k µs"),
        tr("Busy CPU time per event: the consumers' cores are really used."), 0, 100'000, 0, true);
    addControl(flowForm, QStringLiteral("io_us"), tr("&I/O wait µs"),
        tr("Simulated I/O per event: the consumer waits, the worker thread does not."), 0, 1'000'000, 0, true);
    addControl(flowForm, QStringLiteral("pacing_us"), tr("Pacing &budget µs"),
        tr("How long an event may wait past its due time so that the events due together share one wake-up: CPU "
           "against pacing lag. 0 is exact pacing (each producer on its own thread, every 100 µs slot). It applies "
           "while "
           "events cost no service time (no CPU work, no I/O): otherwise a batch's events would queue behind each "
           "other, and producers pace exactly."),
        0, PipelineConfig::kMaxPacingUs, 0, true);
    m_overload = new QComboBox;
    m_overload->addItem(tr("back-pressure"), QStringLiteral("backpressure"));
    m_overload->addItem(tr("drop"), QStringLiteral("drop"));
    m_overload->addItem(tr("unbounded"), QStringLiteral("unbounded"));
    m_overload->setToolTip(
        tr("Overload: hold producers back (nothing lost), drop what does not fit (counted), or let queues grow."));
    auto *overloadLabel = new QLabel(tr("Ov&erload"));
    overloadLabel->setBuddy(m_overload);
    flowForm->addRow(overloadLabel, m_overload);
    return flow;
}

/// Fault injection and the consumers' supervision.
QGroupBox *ControlPanel::createFaultGroup()
{
    auto *faults = new QGroupBox(tr("Faults and supervision"));
    auto *faultForm = new QFormLayout(faults);
    addControl(faultForm, QStringLiteral("fault_rate"), tr("Fa&ult rate"),
        tr("Probability that processing an event fails; it is retried, then dead-lettered."), 0, 1, 3, false);
    addControl(faultForm, QStringLiteral("crash_rate"), tr("Crash ra&te"),
        tr("Probability that an event crashes its consumer; the supervisor restarts it, no event is lost."), 0, 1, 4,
        false);
    m_slowEnabled = new QCheckBox(tr("slow consumer"));
    m_slowEnabled->setToolTip(tr("Make one consumer slower and watch it push back on the producers."));
    faultForm->addRow(QString(), m_slowEnabled);
    addControl(faultForm, QStringLiteral("slow_index"), tr("Slow consumer #"), tr("Which consumer is slow."), 0, 255, 0,
        false);
    addControl(faultForm, QStringLiteral("slow_factor"), tr("Slow factor"), tr("How many times slower it is."), 1, 1000,
        0, true);
    m_poisonEnabled = new QCheckBox(tr("poison key"));
    m_poisonEnabled->setToolTip(tr("Events with this key always fail and end in the dead-letter queue."));
    faultForm->addRow(QString(), m_poisonEnabled);
    addControl(
        faultForm, QStringLiteral("poison_key"), tr("Poison key"), tr("The key that always fails."), 0, 4095, 0, false);
    m_strategy = new QComboBox;
    m_strategy->addItem(tr("one_for_one"), QStringLiteral("one_for_one"));
    m_strategy->addItem(tr("one_for_all"), QStringLiteral("one_for_all"));
    m_strategy->addItem(tr("rest_for_one"), QStringLiteral("rest_for_one"));
    m_strategy->setToolTip(tr("Who the supervisor restarts when a consumer crashes: it, everyone, or it and the "
                              "ones started after it."));
    auto *strategyLabel = new QLabel(tr("Strate&gy"));
    strategyLabel->setBuddy(m_strategy);
    faultForm->addRow(strategyLabel, m_strategy);
    addControl(faultForm, QStringLiteral("max_restarts"), tr("&Max restarts"),
        tr("Consumers' restart intensity: more restarts than this within the window escalates to the pipeline "
           "supervisor, which gives up after more than 3 escalations in 5 s."),
        0, 1000, 0, false);
    addControl(faultForm, QStringLiteral("max_seconds"), tr("Restart &window s"), tr("The restart intensity window."),
        0.1, 60, 1, false);
    return faults;
}

QDoubleSpinBox *ControlPanel::addControl(QFormLayout *form, const QString &field, const QString &label,
    const QString &tip, double low, double high, int decimals, bool logarithmic)
{
    auto *row = new QWidget;
    auto *h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    auto *slider = new QSlider(Qt::Horizontal);
    slider->setRange(0, kSliderSteps);
    slider->setFocusPolicy(Qt::StrongFocus);
    auto *spin = new QDoubleSpinBox;
    spin->setRange(low, high);
    spin->setDecimals(decimals);
    spin->setSingleStep(decimals > 0 ? std::pow(10.0, -decimals) : 1.0);
    spin->setKeyboardTracking(false);
    spin->setMinimumWidth(96);
    slider->setToolTip(tip);
    spin->setToolTip(tip);
    h->addWidget(slider, 1);
    h->addWidget(spin);
    auto *text = new QLabel(label);
    text->setBuddy(slider);
    text->setToolTip(tip);
    form->addRow(text, row);

    connect(slider, &QSlider::valueChanged, this, [=, this](int position) {
        const QSignalBlocker block(spin);
        spin->setValue(fromSlider(position, low, high, logarithmic));
        if (!m_loading)
            m_touched.insert(field);
        emitChanged();
    });
    connect(spin, &QDoubleSpinBox::valueChanged, this, [=, this](double value) {
        const QSignalBlocker block(slider);
        slider->setValue(toSlider(value, low, high, logarithmic));
        if (!m_loading)
            m_touched.insert(field);
        emitChanged();
    });
    m_controls.push_back({field, slider, spin});
    return spin;
}

QDoubleSpinBox *ControlPanel::spinBox(const QString &field) const
{
    for (const auto &c : m_controls) {
        if (c.field == field)
            return c.spin;
    }
    return nullptr;
}

QSlider *ControlPanel::slider(const QString &field) const
{
    for (const auto &c : m_controls) {
        if (c.field == field)
            return c.slider;
    }
    return nullptr;
}

PipelineConfig ControlPanel::config() const
{
    // A widget's value counts only once the user moved it: a configuration set from outside (settings, the
    // command line, a lesson) keeps its exact values even where a spin box would round or clamp them.
    const auto touched = [this](const char *field) { return m_touched.contains(QLatin1String(field)); };
    const auto value = [this](const char *field) { return spinBox(QLatin1String(field))->value(); };
    const auto whole = [&](const char *field) { return static_cast<int>(std::lround(value(field))); };
    const auto pick = [&](const char *field, auto &target) {
        if (touched(field))
            target = static_cast<std::remove_reference_t<decltype(target)>>(
                std::is_floating_point_v<std::remove_reference_t<decltype(target)>> ? value(field)
                                                                                    : std::llround(value(field)));
    };
    PipelineConfig c = m_base;
    if (touched("rate") || m_unlimitedRate->isChecked() != !m_base.rate.has_value())
        c.rate = m_unlimitedRate->isChecked() ? std::nullopt : std::optional<std::uint64_t>(whole("rate"));
    pick("producers", c.producers);
    pick("consumers", c.consumers);
    pick("max_in_flight", c.maxInFlight);
    pick("work_us", c.workUs);
    pick("io_us", c.ioUs);
    pick("pacing_us", c.pacingUs);
    pick("fault_rate", c.faultRate);
    pick("crash_rate", c.crashRate);
    c.overload = overloadPolicyFromString(m_overload->currentData().toString().toStdString())
                     .value_or(OverloadPolicy::Backpressure);
    c.strategy = restartStrategyFromString(m_strategy->currentData().toString().toStdString())
                     .value_or(RestartStrategy::OneForOne);
    pick("max_restarts", c.maxRestarts);
    pick("max_seconds", c.maxSeconds);
    if (!m_slowEnabled->isChecked())
        c.slowConsumer.reset();
    else if (!c.slowConsumer || touched("slow_index") || touched("slow_factor") || touched("consumers"))
        c.slowConsumer = SlowConsumer{std::min(whole("slow_index"), c.consumers - 1), whole("slow_factor")};
    if (!m_poisonEnabled->isChecked())
        c.poisonKey.reset();
    else if (!c.poisonKey || touched("poison_key"))
        c.poisonKey = static_cast<std::uint32_t>(whole("poison_key"));
    return c;
}

void ControlPanel::setConfig(const PipelineConfig &c)
{
    m_loading = true;
    m_base = c;
    m_touched.clear();
    const auto set = [this](const char *field, double v) { spinBox(QLatin1String(field))->setValue(v); };
    m_unlimitedRate->setChecked(!c.rate);
    set("rate", static_cast<double>(c.rate.value_or(1000)));
    set("producers", c.producers);
    set("consumers", c.consumers);
    set("max_in_flight", static_cast<double>(c.maxInFlight));
    set("work_us", c.workUs);
    set("io_us", c.ioUs);
    set("pacing_us", c.pacingUs);
    set("fault_rate", c.faultRate);
    set("crash_rate", c.crashRate);
    set("max_restarts", c.maxRestarts);
    set("max_seconds", c.maxSeconds);
    m_slowEnabled->setChecked(c.slowConsumer.has_value());
    set("slow_index", c.slowConsumer ? c.slowConsumer->index : 0);
    set("slow_factor", c.slowConsumer ? c.slowConsumer->factor : 10);
    m_poisonEnabled->setChecked(c.poisonKey.has_value());
    set("poison_key", c.poisonKey.value_or(0));
    m_overload->setCurrentIndex(m_overload->findData(QString::fromUtf8(toString(c.overload).data())));
    m_strategy->setCurrentIndex(m_strategy->findData(QString::fromUtf8(toString(c.strategy).data())));
    m_loading = false;
    emitChanged();
}

void ControlPanel::load(QSettings &settings)
{
    settings.beginGroup(QStringLiteral("pipeline"));
    PipelineConfig c;
    const auto number
        = [&](const char *key, double fallback) { return settings.value(QLatin1String(key), fallback).toDouble(); };
    const auto rate = settings.value(QStringLiteral("rate"), QStringLiteral("1000")).toString();
    if (rate == QLatin1String("max"))
        c.rate.reset();
    else
        c.rate = static_cast<std::uint64_t>(std::max(1.0, rate.toDouble()));
    c.producers = static_cast<int>(number("producers", c.producers));
    c.consumers = static_cast<int>(number("consumers", c.consumers));
    c.maxInFlight = static_cast<std::int64_t>(number("max_in_flight", static_cast<double>(c.maxInFlight)));
    c.workUs = static_cast<int>(number("work_us", c.workUs));
    c.ioUs = static_cast<int>(number("io_us", c.ioUs));
    c.pacingUs = static_cast<int>(number("pacing_us", c.pacingUs));
    c.faultRate = number("fault_rate", c.faultRate);
    c.crashRate = number("crash_rate", c.crashRate);
    c.maxRestarts = static_cast<int>(number("max_restarts", c.maxRestarts));
    c.maxSeconds = number("max_seconds", c.maxSeconds);
    c.overload = overloadPolicyFromString(settings.value(QStringLiteral("overload")).toString().toStdString())
                     .value_or(OverloadPolicy::Backpressure);
    c.strategy = restartStrategyFromString(settings.value(QStringLiteral("strategy")).toString().toStdString())
                     .value_or(RestartStrategy::OneForOne);
    settings.endGroup();
    // Stored values that are no longer valid (edited by hand, older versions) fall back to the defaults.
    if (!c.validate().empty())
        c = PipelineConfig{};
    setConfig(c);
}

void ControlPanel::save(QSettings &settings) const
{
    const PipelineConfig c = config();
    settings.beginGroup(QStringLiteral("pipeline"));
    settings.setValue(QStringLiteral("rate"), QString::fromStdString(c.rateText()));
    settings.setValue(QStringLiteral("producers"), c.producers);
    settings.setValue(QStringLiteral("consumers"), c.consumers);
    settings.setValue(QStringLiteral("max_in_flight"), static_cast<qlonglong>(c.maxInFlight));
    settings.setValue(QStringLiteral("work_us"), c.workUs);
    settings.setValue(QStringLiteral("io_us"), c.ioUs);
    settings.setValue(QStringLiteral("pacing_us"), c.pacingUs);
    settings.setValue(QStringLiteral("fault_rate"), c.faultRate);
    settings.setValue(QStringLiteral("crash_rate"), c.crashRate);
    settings.setValue(QStringLiteral("max_restarts"), c.maxRestarts);
    settings.setValue(QStringLiteral("max_seconds"), c.maxSeconds);
    settings.setValue(QStringLiteral("overload"), QString::fromUtf8(toString(c.overload).data()));
    settings.setValue(QStringLiteral("strategy"), QString::fromUtf8(toString(c.strategy).data()));
    settings.endGroup();
}

void ControlPanel::setRunning(bool running, bool paused)
{
    m_start->setEnabled(!running);
    m_pause->setEnabled(running);
    m_pause->setText(paused ? tr("Un&pause") : tr("&Pause"));
    m_stop->setEnabled(running);
}

void ControlPanel::emitChanged()
{
    if (!m_loading)
        emit configChanged(config());
}

} // namespace beam
