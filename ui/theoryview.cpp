// SPDX-License-Identifier: MIT
#include "theoryview.h"

#include "axisticks.h"
#include "scenario/report.h"
#include "visualstyle.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <deque>

namespace beam {

namespace {

constexpr double kRecentS = 1.0; // the report's recent.* window: one number per quantity
constexpr double kTrailS = 30.0; // measured points kept on the plot
constexpr double kMaxRho = 0.97; // the curve stops short of rho 1, where W has no finite mean
constexpr int kCurvePoints = 80;

QString perSec(double value)
{
    return std::isfinite(value) ? QStringLiteral("%L1/s").arg(value, 0, 'f', 0) : QObject::tr("unlimited");
}

QString duration(double us)
{
    return std::isfinite(us) ? ticks::format(us, ticks::Unit::Microseconds) : QStringLiteral("—");
}

QString fitWords(ModelFit fit)
{
    switch (fit) {
    case ModelFit::Holds:
        return QObject::tr("✓ The model holds");
    case ModelFit::NearSaturation:
        return QObject::tr("⚠ Near saturation");
    case ModelFit::Saturated:
        return QObject::tr("✗ Saturated: no prediction of W");
    case ModelFit::CrashesDominate:
        return QObject::tr("✗ Crashes dominate: no prediction of W");
    case ModelFit::NoService:
        return QObject::tr("Nothing to model");
    }
    return {};
}

} // namespace

/// The W-versus-rho plot: the model's mean and p99 curves, rho = 1, the measured points of the last seconds,
/// the live point, and a sweep's points with their spread.
class TheoryPlot : public QWidget
{
public:
    struct Trail {
        double t = 0;
        QPointF point; ///< (rho, W in µs)
        PipelineConfig config;
    };

    std::vector<ModelCurvePoint> curve;
    std::deque<Trail> trail;
    std::vector<QPointF> recent; ///< the trail's points shown now
    std::optional<QPointF> live;
    std::vector<SweepMark> sweep;
    /// Measured points set the scale too (while the model predicts W); saturated, W runs away and only the
    /// curve does, the points above it drawn on the top edge.
    bool measuredScales = true;
    bool dark = false;
    int textPx = visual::kDeskTextPx;

    [[nodiscard]] QSize sizeHint() const override { return {640, 420}; }
    [[nodiscard]] QSize minimumSizeHint() const override { return {320, 14 * textPx}; }

protected:
    void paintEvent(QPaintEvent * /*event*/) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillRect(rect(), visual::chartBackground(dark));
        QFont font = p.font();
        font.setPixelSize(textPx);
        p.setFont(font);
        const QFontMetricsF fm(font);
        const ticks::Linear yTicks = ticks::linear(std::max(scaleTop(), 1.0), 5);
        double labelWidth = 0;
        for (double v : yTicks.values())
            labelWidth = std::max(labelWidth, fm.horizontalAdvance(ticks::format(v, ticks::Unit::Microseconds)));
        const Frame f{
            QRectF(labelWidth + 12, fm.height() * 1.6, width() - labelWidth - 24, height() - fm.height() * 4.2),
            yTicks.top};
        if (f.plot.width() < 50 || f.plot.height() < 40)
            return;
        drawAxes(p, fm, f, yTicks, labelWidth);
        const QColor model = visual::ink(visual::Ink::Model, dark);
        drawCurve(p, f, model, Qt::DashDotLine, [](const ModelCurvePoint &c) { return c.wMeanUs; });
        drawCurve(p, f, model, Qt::DotLine, [](const ModelCurvePoint &c) { return c.wP99Us; });
        QColor trailInk = visual::ink(visual::Ink::Primary, dark);
        trailInk.setAlphaF(0.45);
        const QColor sweepInk = visual::ink(visual::Ink::Tertiary, dark);
        drawMeasured(p, f, trailInk, sweepInk);
        drawKey(p, fm, f.plot, model, trailInk, sweepInk);
    }

private:
    static constexpr double kXMax = 1.05; ///< the rho axis runs a little past capacity

    /// Where the plot is and what its top means.
    struct Frame {
        QRectF plot;
        double top = 1; ///< W at the top edge, µs
        /// Clipped to the plot by the caller: curves leave through its edges.
        [[nodiscard]] QPointF at(double rho, double us) const
        {
            return {plot.left() + plot.width() * std::clamp(rho, 0.0, kXMax) / kXMax,
                plot.bottom() - plot.height() * std::max(us / top, -0.1)};
        }
        /// A point above the top is drawn on it.
        [[nodiscard]] QPointF onPlot(double rho, double us) const { return at(rho, std::min(us, top)); }
    };

    /// Up to the mean curve at rho 0.92 (with room above), and the measured points up to rho 0.92 too: near and
    /// past capacity W has no bound (200 ms behind a slow consumer). Points above the top sit on it, drawn as
    /// triangles: off the scale. The p99 curve leaves through the top.
    [[nodiscard]] double scaleTop() const
    {
        double top = 0;
        for (const auto &c : curve)
            top = std::max(top, std::isfinite(c.wMeanUs) && c.rho <= 0.92 ? 1.25 * c.wMeanUs : 0.0);
        const auto scales = [this](double rho) { return measuredScales && rho <= 0.92; };
        for (const QPointF &r : recent)
            top = std::max(top, scales(r.x()) ? r.y() : 0.0);
        if (live && scales(live->x()))
            top = std::max(top, live->y());
        for (const auto &m : sweep)
            top = std::max(top, scales(m.rho) ? m.wMaxUs : 0.0);
        return top;
    }

    /// A measured point: a disc, or a triangle on the top edge when its W is above the scale.
    static void mark(QPainter &p, QPointF centre, double radius, bool offScale)
    {
        if (!offScale) {
            p.drawEllipse(centre, radius, radius);
            return;
        }
        const QPolygonF triangle{
            centre + QPointF(-radius, radius), centre + QPointF(radius, radius), centre + QPointF(0, -radius)};
        p.drawPolygon(triangle);
    }

    void drawAxes(QPainter &p, const QFontMetricsF &fm, const Frame &f, const ticks::Linear &yTicks, double labelWidth)
    {
        const QColor text = visual::textOnBackground(dark);
        p.setPen(QPen(visual::ink(visual::Ink::Marker, dark), 1, Qt::DotLine));
        for (double v : yTicks.values())
            p.drawLine(f.at(0, v), f.at(kXMax, v));
        p.setPen(text);
        for (double v : yTicks.values()) {
            const QPointF q = f.at(0, v);
            p.drawText(QRectF(0, q.y() - fm.height() / 2, labelWidth + 6, fm.height()),
                Qt::AlignRight | Qt::AlignVCenter, ticks::format(v, ticks::Unit::Microseconds));
        }
        for (int i = 0; i <= 5; ++i) {
            const double rho = i * 0.2;
            const QPointF q = f.at(rho, 0);
            p.drawLine(q, q + QPointF(0, 5));
            p.drawText(QRectF(q.x() - 40, q.y() + 6, 80, fm.height()), Qt::AlignCenter, QString::number(rho, 'f', 1));
        }
        const QRectF &plot = f.plot;
        p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 8, plot.width(), fm.height() * 1.2),
            Qt::AlignCenter, QObject::tr("ρ, utilisation of the bottleneck (offered ÷ capacity)"));
        p.drawText(QRectF(0, 0, width(), fm.height() * 1.4), Qt::AlignLeft | Qt::AlignVCenter,
            QObject::tr("W, time in system (creation to done)"));
        p.drawLine(plot.bottomLeft(), plot.bottomRight());
        p.drawLine(plot.bottomLeft(), plot.topLeft());
        // rho = 1: the capacity. Past it there is no steady state.
        p.setPen(QPen(visual::ink(visual::Ink::Threshold, dark), 2, Qt::DashLine));
        p.drawLine(f.at(1, 0), f.at(1, f.top));
        p.drawText(QRectF(f.at(1, f.top).x() - 100, plot.top() - fm.height() * 1.1, 104, fm.height()), Qt::AlignRight,
            QObject::tr("capacity"));
    }

    /// One of the model's curves (mean W dash-dot, p99 dotted), clipped to the plot.
    template <typename Value>
    void drawCurve(QPainter &p, const Frame &f, const QColor &ink, Qt::PenStyle style, Value value)
    {
        QPainterPath path;
        bool started = false;
        for (const auto &c : curve) {
            const double v = value(c);
            if (!std::isfinite(v))
                continue;
            const QPointF q = f.at(c.rho, v);
            if (started)
                path.lineTo(q);
            else
                path.moveTo(q);
            started = true;
        }
        p.setPen(QPen(ink, textPx >= visual::kPresentationTextPx ? 4 : 2.5, style));
        p.setBrush(Qt::NoBrush);
        p.save();
        p.setClipRect(f.plot);
        p.drawPath(path);
        p.restore();
    }

    /// The last seconds small, a sweep's points with their spread, the live point large.
    void drawMeasured(QPainter &p, const Frame &f, const QColor &trailInk, const QColor &sweepInk)
    {
        const double dot = std::max(4.0, textPx / 3.0);
        p.setPen(Qt::NoPen);
        p.setBrush(trailInk);
        for (const QPointF &r : recent)
            mark(p, f.onPlot(r.x(), r.y()), dot, r.y() > f.top);
        for (const auto &m : sweep) {
            p.setPen(QPen(sweepInk, 2));
            p.drawLine(f.onPlot(m.rho, m.wMinUs), f.onPlot(m.rho, m.wMaxUs));
            p.setPen(Qt::NoPen);
            p.setBrush(sweepInk);
            const QPointF q = f.onPlot(m.rho, m.wMeanUs);
            if (m.wMeanUs > f.top)
                mark(p, q, dot * 1.4, true);
            else
                p.drawRect(QRectF(q.x() - dot * 1.2, q.y() - dot * 1.2, dot * 2.4, dot * 2.4));
        }
        if (live) {
            p.setBrush(visual::ink(visual::Ink::Secondary, dark));
            p.setPen(QPen(visual::textOnBackground(dark), 2));
            mark(p, f.onPlot(live->x(), live->y()), dot * 2.2, live->y() > f.top);
        }
    }

    void drawKey(QPainter &p, const QFontMetricsF &fm, const QRectF &plot, const QColor &model, const QColor &trailInk,
        const QColor &sweepInk)
    {
        struct Entry {
            QString swatch;
            QColor colour;
            QString text;
        };
        std::vector<Entry> entries{{QStringLiteral("━·━"), model, QObject::tr("model W mean")},
            {QStringLiteral("┈┈"), model, QObject::tr("model W p99")},
            {QStringLiteral("●"), visual::ink(visual::Ink::Secondary, dark), QObject::tr("now, measured")},
            {QStringLiteral("●"), trailInk, QObject::tr("last %1 s").arg(kTrailS, 0, 'f', 0)}};
        if (!sweep.empty())
            entries.push_back({QStringLiteral("■"), sweepInk, QObject::tr("sweep (bar: spread)")});
        double x = plot.left() + 8;
        double y = plot.top() + 4;
        for (const Entry &e : entries) {
            const double w = fm.horizontalAdvance(e.swatch + QStringLiteral(" ") + e.text) + 16;
            if (x + w > plot.right()) {
                x = plot.left() + 8;
                y += fm.height();
            }
            p.setPen(e.colour);
            p.drawText(QPointF(x, y + fm.ascent()), e.swatch);
            p.setPen(visual::textOnBackground(dark));
            p.drawText(QPointF(x + fm.horizontalAdvance(e.swatch + QStringLiteral(" ")), y + fm.ascent()), e.text);
            x += w;
        }
    }
};

TheoryView::TheoryView(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("theorySummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_fit = new QLabel;
    m_fit->setObjectName(QStringLiteral("theoryFit"));
    m_fit->setWordWrap(true);
    m_plot = new TheoryPlot;
    m_plot->setObjectName(QStringLiteral("theoryPlot"));
    m_utilisation = new QLabel;
    m_utilisation->setObjectName(QStringLiteral("rhoReadout"));
    m_utilisation->setWordWrap(true);
    m_utilisation->setTextFormat(Qt::RichText);
    m_utilisation->setToolTip(tr("Utilisation ρ = arrival rate / service capacity, per stage. Above 1 a queue grows "
                                 "without end (or back-pressure holds the producers)."));
    m_sweepButton = new QPushButton(tr("Sweep the rate"));
    m_sweepButton->setObjectName(QStringLiteral("sweepButton"));
    m_sweepButton->setToolTip(tr("Pauses the live run and measures the pipeline at 6 rates from 20% to 95% of the "
                                 "model's capacity (1 s warm-up, 2 s measured each), then draws the points here. "
                                 "The command line does the same: --sweep rate=LO..HI."));
    m_sweepStatus = new QLabel;
    m_sweepStatus->setObjectName(QStringLiteral("sweepStatus"));
    m_sweepStatus->setWordWrap(true);
    auto *sweepRow = new QHBoxLayout;
    sweepRow->addWidget(m_sweepButton);
    sweepRow->addWidget(m_sweepStatus, 1);
    m_assumptions = new QLabel(
        tr("<b>Assumptions</b> (docs/theory.md): each consumer is one server with a fixed service time (work × "
           "attempts + I/O + the overhead measured); keys split over the consumers by hash; producers paced evenly, "
           "so a consumer's arrivals are a random share of a regular stream (mean wait (ρ − share) × S / 2(1 − ρ)); "
           "the cores bound the CPU work; a small in-flight bound limits as a closed network (mean value analysis). "
           "<b>Stops holding</b>: ρ ≥ 0.9 (W grows as 1/(1 − ρ)), offered ≥ capacity, crashes taking over 2% of a "
           "consumer's time, batches of many events per producer wake-up, CPU-bound consumers outnumbering the "
           "cores."));
    m_assumptions->setObjectName(QStringLiteral("theoryAssumptions"));
    m_assumptions->setWordWrap(true);
    m_assumptions->setTextFormat(Qt::RichText);
    m_assumptions->hide();
    // One click away, out of the plot's room until asked for (the charts' "model: assumptions" link opens it).
    m_assumptionsFold = new QToolButton;
    m_assumptionsFold->setObjectName(QStringLiteral("theoryAssumptionsFold"));
    m_assumptionsFold->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_assumptionsFold->setAutoRaise(true);
    m_assumptionsFold->setCheckable(true);
    m_assumptionsFold->setArrowType(Qt::RightArrow);
    m_assumptionsFold->setText(tr("Assumptions and limits"));
    connect(m_assumptionsFold, &QToolButton::toggled, this, [this](bool open) {
        m_assumptions->setVisible(open);
        m_assumptionsFold->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });
    layout->addWidget(m_summary);
    layout->addWidget(m_fit);
    layout->addWidget(m_plot, 1);
    layout->addLayout(sweepRow);
    layout->addWidget(m_utilisation);
    layout->addWidget(m_assumptionsFold);
    layout->addWidget(m_assumptions);
    connect(m_sweepButton, &QPushButton::clicked, this, &TheoryView::sweepRequested);
}

TheoryView::~TheoryView() = default;

void TheoryView::setLook(bool dark, int textPx)
{
    m_dark = dark;
    m_plot->dark = dark;
    m_plot->textPx = textPx;
    m_plot->update();
}

void TheoryView::showSnapshot(const Snapshot &s, const std::vector<SnapshotPtr> &recent)
{
    m_model = modelOfSnapshot(s);
    const QueueingModel &m = m_model;
    const RecentFigures r = recentFigures(recent, kRecentS);
    ModelInputs inputs;
    inputs.config = s.config;
    inputs.overheadUs = m.overheadUs;
    inputs.cores = std::max<int>(1,
        static_cast<int>(std::count_if(s.threads.begin(), s.threads.end(),
            [](const ThreadSample &t) { return t.kind == ThreadSample::Kind::Executor; })));
    m_plot->curve = modelCurve(inputs, kCurvePoints, kMaxRho);
    m_plot->measuredScales = m.drawsW();

    // The operating point: measured throughput over the model's capacity, measured mean W.
    const bool hasCapacity
        = m.capacityStage != ModelStage::Producers && std::isfinite(m.capacityPerSec) && m.capacityPerSec > 0;
    m_plot->live.reset();
    if (hasCapacity && r.latencyMeanUs > 0)
        m_plot->live = QPointF(r.processedPerSec / m.capacityPerSec, r.latencyMeanUs);
    // The trail keeps steady running only: a second after the engine (re)started running this configuration,
    // so a pause's ramp down and up (a sweep's, say) leaves no points far off the curve.
    auto &trail = m_plot->trail;
    if (s.state != EngineState::Running || !(s.config == m_steadyConfig))
        m_steadySinceS = s.elapsedS;
    m_steadyConfig = s.config;
    const bool steady = s.state == EngineState::Running && s.elapsedS - m_steadySinceS >= kRecentS;
    if (steady && m_plot->live && (trail.empty() || s.elapsedS > trail.back().t))
        trail.push_back({s.elapsedS, *m_plot->live, s.config});
    while (!trail.empty() && trail.front().t < trail.back().t - 2 * kTrailS)
        trail.pop_front();
    m_plot->recent.clear();
    for (const auto &point : trail) {
        if (point.t <= s.elapsedS && point.t > s.elapsedS - kTrailS && point.config == s.config)
            m_plot->recent.push_back(point.point);
    }
    m_plot->update();

    const PipelineConfig &c = s.config;
    QStringList parts;
    parts << tr("<b>Model</b>: %1 consumers, each serves an event in %2 (work %3 + I/O %4 + overhead %5 "
                "measured%6)")
                 .arg(c.consumers)
                 .arg(duration(m.serviceUs), duration(c.workUs), duration(c.ioUs), duration(m.overheadUs),
                     c.faultRate > 0 ? tr("; failed attempts' work redone") : QString());
    parts << tr("<b>capacity %1</b>, set by the %2%3")
                 .arg(hasCapacity ? perSec(m.capacityPerSec) : tr("unknown (no work: the machine's)"),
                     QString::fromUtf8(toString(m.capacityStage).data()),
                     m.capacityStage == ModelStage::Consumers && m.bottleneckConsumer >= 0
                         ? tr(" (busiest: C%1, %2% of the keys)")
                               .arg(m.bottleneckConsumer)
                               .arg(
                                   100.0 * m.consumers[static_cast<std::size_t>(m.bottleneckConsumer)].share, 0, 'f', 1)
                         : QString());
    parts << tr("offered %1 → <b>ρ %2</b>").arg(perSec(m.offeredPerSec)).arg(m.rho, 0, 'f', 2);
    parts << tr("<b>W predicted %1</b> (p99 %2), <b>measured %3</b> (p99 %4) · L = λW %5, measured %6")
                 .arg(duration(m.wMeanUs), duration(m.wP99Us), duration(r.latencyMeanUs), duration(r.latencyP99Us),
                     std::isfinite(m.lMean) ? QString::number(m.lMean, 'f', 1) : QStringLiteral("—"),
                     QString::number(r.inFlightMean, 'f', 1));
    m_summary->setText(parts.join(QStringLiteral(" · ")));
    m_fit->setText(QStringLiteral("%1: %2").arg(fitWords(m.fit), QString::fromStdString(m.why)));
    const visual::Ink ink = m.fit == ModelFit::Holds ? visual::Ink::Model
        : m.fit == ModelFit::NearSaturation          ? visual::Ink::Secondary
                                                     : visual::Ink::Tertiary;
    m_fit->setStyleSheet(QStringLiteral("color: %1; font-weight: bold").arg(visual::ink(ink, m_dark).name()));
    showUtilisation(s, recent);
}

void TheoryView::showUtilisation(const Snapshot &s, const std::vector<SnapshotPtr> &recent)
{
    const RecentFigures r = recentFigures(recent, kRecentS);
    const PipelineConfig &c = s.config;
    QStringList parts;
    parts << tr("<b>limiter</b> %1% full now")
                 .arg(s.limit > 0 ? 100.0 * static_cast<double>(s.inFlight) / static_cast<double>(s.limit) : 0.0, 0,
                     'f', 0);
    const bool hasService = c.workUs > 0 || c.ioUs > 0;
    parts << (hasService ? tr("<b>consumers</b> mean ρ %1 by the model, measured %2")
                               .arg(m_model.rhoConsumersMean, 0, 'f', 2)
                               .arg(r.consumerBusyMean + r.consumerIoWaitMean, 0, 'f', 2)
                         : tr("<b>consumers</b> busy %1% (no work set: capacity is the CPU's)")
                               .arg(r.consumerBusyMean * 100.0, 0, 'f', 0));
    if (c.workUs > 0)
        parts << tr("<b>cores</b> ρ %1 by the model").arg(m_model.rhoCpu, 0, 'f', 2);
    if (c.consumers <= 16) {
        // Measured, not computed: the share of the last second each consumer was busy or waiting on its I/O.
        QStringList each;
        for (const auto &consumer : s.consumers) {
            if (!consumer.active)
                continue;
            const double rho = consumer.busyRatio + consumer.ioWaitRatio;
            each << (rho >= 0.95 ? QStringLiteral("<b>C%1 %2</b>") : QStringLiteral("C%1 %2"))
                        .arg(consumer.index)
                        .arg(rho, 0, 'f', 2);
        }
        parts << tr("measured per consumer: %1").arg(each.join(QStringLiteral(" · ")));
    }
    m_utilisation->setText(tr("<b>Utilisation</b> ρ = arrival / capacity — %1").arg(parts.join(QStringLiteral(" · "))));
}

void TheoryView::setSweep(const std::vector<SweepMark> &marks, const QString &status)
{
    m_plot->sweep = marks;
    m_sweepStatus->setText(status);
    m_plot->update();
}

void TheoryView::showAssumptions()
{
    m_assumptionsFold->setChecked(true);
}

void TheoryView::setSweepEnabled(bool enabled)
{
    m_sweepButton->setEnabled(enabled);
}

QString TheoryView::summaryText() const
{
    return m_summary->text();
}

QString TheoryView::fitText() const
{
    return m_fit->text();
}

QString TheoryView::utilisationText() const
{
    return m_utilisation->text();
}

QString TheoryView::assumptionsText() const
{
    return m_assumptions->text();
}

std::optional<QPointF> TheoryView::operatingPoint() const
{
    return m_plot->live;
}

int TheoryView::curvePoints() const
{
    return static_cast<int>(m_plot->curve.size());
}

int TheoryView::recentPoints() const
{
    return static_cast<int>(m_plot->recent.size());
}

int TheoryView::sweepPoints() const
{
    return static_cast<int>(m_plot->sweep.size());
}

} // namespace beam
