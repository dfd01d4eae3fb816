// SPDX-License-Identifier: MIT
#include "chartpanel.h"
#include "decimate.h"
#include "markerlabels.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QGridLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {
constexpr double kLatencyFloorUs = 0.1; // a log axis cannot show 0
constexpr int kSmoothPoints = 10; // one second at the default sampling interval
constexpr double kPxPerBucket = 5; // drawing keeps a lowest and a highest sample per this many pixels

/// The queueing model's predictions, drawn over the measured lines where the model applies.
bool isModel(Series series)
{
    return series == Series::ModelCapacity || series == Series::ModelWMean || series == Series::ModelWP99
        || series == Series::ModelInFlight;
}

/// The stretch of `points` since the model last stopped applying: a prediction is never drawn across a time
/// it had none (saturated, crashes), and where it has none now it is not drawn at all.
QList<QPointF> sinceLastGap(QList<QPointF> points)
{
    qsizetype first = points.size();
    while (first > 0 && std::isfinite(points[first - 1].y()))
        --first;
    points.remove(0, first);
    return points;
}

/// Category boundaries must rise strictly; a label sits on its boundary, so the first one needs a start just
/// below it.
constexpr double kStartBelow = 1e-9;

/// Series that can have nothing to show for a whole run: no drops under back-pressure, no failures without
/// faults, no one held back below the bound.
bool foldable(Series series)
{
    switch (series) {
    case Series::Dropped:
    case Series::FailuresPerSec:
    case Series::RestartsPerSec:
    case Series::DeadLettersPerSec:
    case Series::BackpressurePercent:
    case Series::BudgetPercent:
        return true;
    default:
        return false;
    }
}

// What Qt Charts does with axis labels decides how many fit (qtcharts: ChartAxisElement, VerticalAxis,
// HorizontalAxis, CartesianChartLayout). It elides a label taller (value axis) or wider (time axis) than the
// axis' length within the chart's margins over (labels + 1), less twice the padding; and it gives the value axis
// the room its widest label asks for, but at most a share of the chart's width, beyond which it elides them all.
/// The padding around each label, in pixels.
constexpr double kQtLabelPadding = 4;
/// A label's box is its text's advance and line height plus a little (measured: 2 px).
constexpr double kQtLabelSlack = 3;
/// The value axis' largest share of the chart's width ("100 …" beyond it).
constexpr double kQtMaxAxisShare = 0.4;

/// The value axis' bounds keep the data this far inside them (a factor: a log axis), and are kept until a
/// fresh fit would be this many times narrower on either side.
constexpr double kLogMargin = 1.25;
constexpr double kLogSlack = 4;
/// A latency axis before any event finished.
constexpr double kLatencyDefaultLowUs = 10;
constexpr double kLatencyDefaultHighUs = 1000;

QList<QPointF> smoothed(const QList<QPointF> &points)
{
    QList<QPointF> out;
    out.reserve(points.size());
    double sum = 0;
    for (qsizetype i = 0; i < points.size(); ++i) {
        sum += points[i].y();
        if (i >= kSmoothPoints)
            sum -= points[i - kSmoothPoints].y();
        const auto n = static_cast<double>(std::min<qsizetype>(i + 1, kSmoothPoints));
        out.append(QPointF(points[i].x(), sum / n));
    }
    return out;
}
} // namespace

ChartPanel::ChartPanel(QWidget *parent)
    : QWidget(parent)
{
    using visual::Ink;
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    const QList<QWidget *> boxes{
        addChart(tr("Throughput, events/s"), ticks::Unit::Plain, false,
            {{Series::Processed, tr("processed"), Ink::Primary, Qt::SolidLine, true},
                {Series::Produced, tr("produced"), Ink::Secondary, Qt::DashLine, true},
                {Series::Dropped, tr("dropped"), Ink::Tertiary, Qt::SolidLine, true},
                {Series::ModelCapacity, tr("model capacity"), Ink::Model, Qt::DashDotLine, false}}),
        addChart(tr("Latency, creation to done"), ticks::Unit::Microseconds, true,
            {{Series::LatencyP50, tr("p50"), Ink::Primary, Qt::SolidLine, true},
                {Series::LatencyP99, tr("p99"), Ink::Secondary, Qt::SolidLine, true},
                {Series::LatencyMax, tr("max"), Ink::Tertiary, Qt::DotLine, true},
                {Series::ModelWMean, tr("model W mean"), Ink::Model, Qt::DashDotLine, false},
                {Series::ModelWP99, tr("model W p99"), Ink::Model, Qt::DotLine, false},
                {Series::PacingLagP99, tr("pacing lag p99"), Ink::Marker, Qt::DashLine, false}}),
        addChart(tr("Failures, per second"), ticks::Unit::Plain, false,
            {{Series::FailuresPerSec, tr("failed"), Ink::Primary, Qt::SolidLine, true},
                {Series::RestartsPerSec, tr("restarts"), Ink::Secondary, Qt::SolidLine, true},
                {Series::DeadLettersPerSec, tr("dead letters"), Ink::Tertiary, Qt::SolidLine, true}}),
        addChart(tr("In flight now, events"), ticks::Unit::Plain, false,
            {{Series::InFlight, tr("in flight"), Ink::Primary, Qt::SolidLine, false},
                {Series::Limit, tr("limit"), Ink::Threshold, Qt::DashLine, false},
                {Series::ModelInFlight, tr("model L = λW"), Ink::Model, Qt::DashDotLine, false}}),
        addChart(tr("Held back, restart budget"), ticks::Unit::Percent, false,
            {{Series::BackpressurePercent, tr("producers held"), Ink::Primary, Qt::SolidLine, false},
                {Series::BudgetPercent, tr("budget used"), Ink::Secondary, Qt::SolidLine, false}}),
        addChart(tr("Memory, resident bytes"), ticks::Unit::Megabytes, false,
            {{Series::RssMegabytes, tr("RSS"), Ink::Primary, Qt::SolidLine, false}}),
    };
    m_plots[static_cast<int>(Chart::HeldBack)].fixedPercent = true;
    for (int i = 0; i < boxes.size(); ++i)
        m_plots[static_cast<std::size_t>(i)].box = boxes[i];
    layOutCharts();
    setLook(false, visual::kDeskTextPx);
}

ChartPanel::~ChartPanel()
{
    // The charts go after this object's members, with QWidget's children: their last signals must not reach
    // handlers that read m_plots.
    for (const Plot &plot : m_plots)
        plot.chart->disconnect(this);
}

QWidget *ChartPanel::addChart(const QString &title, ticks::Unit unit, bool log, const QList<LineSpec> &lines)
{
    Plot plot;
    plot.chart = new QChart;
    plot.unit = unit;
    plot.log = log;
    QChart *chart = plot.chart;
    // Title and legend are labels around the chart: they wrap instead of being elided ("prod…").
    chart->setTitle(QString());
    chart->legend()->hide();
    chart->setBackgroundRoundness(0);
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setAnimationOptions(QChart::NoAnimation);
    plot.title = new QLabel(title);
    plot.title->setObjectName(QStringLiteral("chartTitle"));
    plot.title->setWordWrap(true);
    plot.title->setAlignment(Qt::AlignCenter);
    plot.legend = new QLabel;
    plot.legend->setObjectName(QStringLiteral("chartLegend"));
    plot.legend->setWordWrap(true);
    plot.legend->setAlignment(Qt::AlignCenter);
    plot.legend->setTextFormat(Qt::RichText);
    connect(plot.legend, &QLabel::linkActivated, this, [this] { emit modelInfoRequested(); });

    // Category axes carry labels we format (units, round values); their boundaries are the ticks.
    plot.x = new QCategoryAxis;
    plot.x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    chart->addAxis(plot.x, Qt::AlignBottom);
    plot.y = new QCategoryAxis;
    plot.y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    chart->addAxis(plot.y, Qt::AlignLeft);

    for (const LineSpec &spec : lines) {
        auto *line = new QLineSeries;
        line->setName(spec.name);
        line->setVisible(!isModel(spec.series)); // a model line shows once the model applies (redraw)
        chart->addSeries(line);
        line->attachAxis(plot.x);
        line->attachAxis(plot.y);
        const QString name = spec.name;
        connect(line, &QLineSeries::hovered, this, [name, unit, log](const QPointF &point, bool state) {
            if (state)
                QToolTip::showText(QCursor::pos(),
                    QStringLiteral("%1 at %2: %3")
                        .arg(name, ticks::format(point.x(), ticks::Unit::Seconds),
                            ticks::format(log ? std::pow(10.0, point.y()) : point.y(), unit)));
        });
        plot.lines.push_back({spec, line});
    }
    auto *view = new QChartView(chart);
    plot.view = view;
    view->setRenderHint(QPainter::Antialiasing, false); // software-painted lines: antialiasing doubled the paint time
    view->setMinimumSize(150, 100);
    // Marker labels sit over the plot area in chart coordinates: they follow it when the layout moves it. And a
    // chart that changed size (the window, a neighbour folding) may now have room for a label it left out, or
    // none for one it shows: its axes are labelled again once the layout is done, not from inside it, and not
    // only at the next redraw (a paused or frozen run has none).
    const auto index = m_plots.size();
    connect(chart, &QChart::plotAreaChanged, this, [this, index] {
        if (index >= m_plots.size())
            return;
        placeMarkerLabels(m_plots[index]);
        QTimer::singleShot(0, this, [this, index] {
            Plot &resized = m_plots[index];
            labelValueTicks(resized);
            if (!resized.xTicks.isEmpty())
                setTimeTicks(resized, resized.x->min(), resized.x->max(), true);
        });
    });
    view->setFrameShape(QFrame::NoFrame);
    auto *box = new QFrame;
    box->setObjectName(QStringLiteral("chartBox"));
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(4, 2, 4, 2);
    column->setSpacing(0);
    column->addWidget(plot.title);
    column->addWidget(view, 1);
    column->addWidget(plot.legend);
    m_plots.push_back(std::move(plot));
    return box;
}

void ChartPanel::updateLegend(Plot &plot)
{
    // A swatch drawn in the series' own colour and dash, then its name in the text colour.
    QStringList entries;
    for (const Line &l : plot.lines) {
        if (!l.line->isVisible())
            continue;
        const QString swatch = l.spec.style == Qt::SolidLine ? QStringLiteral("━━")
            : l.spec.style == Qt::DashDotLine                ? QStringLiteral("━·━")
            : l.spec.style == Qt::DotLine                    ? QStringLiteral("┈┈")
                                                             : QStringLiteral("╍╍");
        const QString name = l.spec.name.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
        // A model line's name is a link to the model's assumptions (the Theory tab).
        entries << QStringLiteral("<span style='color:%1'><b>%2</b></span>&nbsp;%3")
                       .arg(visual::ink(l.spec.ink, m_dark).name(), swatch,
                           isModel(l.spec.series) ? QStringLiteral("<a href='model' style='color:%1'>%2</a>")
                                                        .arg(visual::ink(visual::Ink::Model, m_dark).name(), name)
                                                  : name);
    }
    // Where the model draws nothing now, the reason, a link to the assumptions like the lines' names.
    const bool modelChart = std::any_of(plot.lines.begin(), plot.lines.end(),
        [](const Line &l) { return isModel(l.spec.series) && l.spec.series != Series::ModelCapacity; });
    const bool modelDrawn = std::any_of(plot.lines.begin(), plot.lines.end(),
        [](const Line &l) { return isModel(l.spec.series) && l.line->isVisible(); });
    // It may wrap: a chart is never widened by it.
    if (m_showModel && modelChart && !modelDrawn && !m_modelNote.isEmpty())
        entries << QStringLiteral("<a href='model' style='color:%1'>%2</a>")
                       .arg(visual::ink(visual::Ink::Model, m_dark).name(), m_modelNote.toHtmlEscaped());
    plot.legend->setText(entries.join(QStringLiteral(" &nbsp; ")));
}

void ChartPanel::setModelNote(const QString &note)
{
    if (note == m_modelNote)
        return;
    m_modelNote = note;
    for (Plot &plot : m_plots)
        updateLegend(plot);
}

void ChartPanel::setModelShown(bool shown)
{
    if (shown == m_showModel)
        return;
    m_showModel = shown;
    for (Plot &plot : m_plots)
        updateLegend(plot);
}

void ChartPanel::styleLine(const Line &l)
{
    QPen pen(visual::ink(l.spec.ink, m_dark));
    pen.setStyle(l.spec.style);
    // Thicker for a projector; the dashed "produced" is drawn over "processed" and stays visible on top of it.
    pen.setWidthF(m_textPx >= visual::kPresentationTextPx ? 3.0 : 2.0);
    l.line->setPen(pen);
}

void ChartPanel::setLook(bool dark, int textPx)
{
    m_dark = dark;
    m_textPx = textPx;
    const QColor background = visual::chartBackground(dark);
    const QColor text = visual::textOnBackground(dark);
    // Above the plot: room for the top value label's upper half (it is centred on the top tick) and for the step
    // markers' labels, which reach a few pixels into the plot rather than take more of a short chart's height.
    const int top = textPx;
    for (Plot &plot : m_plots) {
        QChart *chart = plot.chart;
        plot.xTicks.clear(); // labels are measured when set: set them again in the new font
        plot.yTicks.clear();
        plot.yShown.clear();
        chart->setBackgroundBrush(background);
        chart->setPlotAreaBackgroundVisible(false);
        // Right: a little room; the last time label, centred on its tick, is kept clear of the edge by
        // setTimeTicks. Every pixel of margin is one the value axis' share of the width (kQtMaxAxisShare) does
        // not get.
        const QMargins margins(2, top, std::max(4, textPx / 4), 2);
        chart->setMargins(margins);
        styleAxis(plot.x);
        styleAxis(plot.y);
        for (const Line &l : plot.lines)
            styleLine(l);
        updateLegend(plot);
        for (QGraphicsSimpleTextItem *item : plot.markerTexts) {
            item->setFont(markerFont());
            item->setBrush(text);
        }
    }
    for (Marker &m : m_markers) {
        for (QLineSeries *line : m.lines) {
            QPen pen(visual::ink(visual::Ink::Marker, dark), 1.5, Qt::DashLine);
            line->setPen(pen);
        }
    }
}

QFont ChartPanel::markerFont() const
{
    QFont font = this->font();
    font.setPixelSize(m_textPx + 2);
    font.setBold(true);
    return font;
}

void ChartPanel::setWindowSeconds(int seconds)
{
    m_windowS = std::clamp(seconds, 10, 600);
}

void ChartPanel::setSmoothing(bool on)
{
    m_smoothing = on;
}

void ChartPanel::setValueTicks(Plot &plot, const QList<double> &values, double low, double high)
{
    if (values.isEmpty())
        return;
    const auto axis = [&plot](double v) { return plot.log ? std::log10(v) : v; };
    if (values != plot.yTicks) {
        plot.yTicks = values;
        labelValueTicks(plot);
    }
    plot.y->setRange(axis(low), axis(high));
}

void ChartPanel::labelValueTicks(Plot &plot)
{
    if (plot.yTicks.isEmpty())
        return;
    // Qt gives the value labels the room the widest asks for, up to 40% of the chart's width, and beyond that
    // cuts them all ("100 …"). A label wider than that share is left out (its tick with it), so the rest keep
    // their room. And it cuts every label taller than the axis' length over (labels + 1), less the padding: a
    // chart too short for all of them keeps the top ones it has room for. When none fits (a chart squeezed to
    // its minimum) the axis shows its grid without labels.
    // A folded chart draws nothing, and its size is stale: it keeps every label until it unfolds and is resized.
    QList<double> shown;
    for (double v : plot.yTicks) {
        if (plot.folded || valueLabelFits(plot, v))
            shown << v;
    }
    QFont font = this->font();
    font.setPixelSize(m_textPx);
    const QMargins margins = plot.chart->margins();
    const double length
        = (plot.chart->size().height() > 0 ? plot.chart->size().height() : 240) - margins.top() - margins.bottom();
    const auto tall = static_cast<qsizetype>(
        std::floor(length / (QFontMetricsF(font).height() + kQtLabelSlack + 2 * kQtLabelPadding)) - 1);
    if (!plot.folded && shown.size() > tall)
        shown = shown.mid(shown.size() - std::max<qsizetype>(0, tall));
    const bool labelled = !shown.isEmpty();
    if (!labelled)
        shown = plot.yTicks;
    if (shown == plot.yShown && labelled == plot.y->labelsVisible())
        return;
    plot.yShown = shown;
    const auto axis = [&plot](double v) { return plot.log ? std::log10(v) : v; };
    const double min = plot.y->min();
    const double max = plot.y->max();
    for (const QString &label : plot.y->categoriesLabels())
        plot.y->remove(label);
    plot.y->setStartValue(axis(shown.first()) - kStartBelow);
    for (double v : shown)
        plot.y->append(ticks::format(v, plot.unit), axis(v));
    plot.y->setRange(min, max);
    // The axis measures its width when the chart lays out; new labels need a new layout, or they are elided.
    plot.y->setLabelsVisible(false);
    plot.y->setLabelsVisible(labelled);
    // And that layout happens now: laid out later, the new labels are first cut to the old labels' room, and
    // a screenshot or a paint in between shows "100 …".
    plot.chart->layout()->activate();
}

bool ChartPanel::valueLabelFits(const Plot &plot, double value) const
{
    QFont font = this->font();
    font.setPixelSize(m_textPx);
    const QMargins margins = plot.chart->margins();
    const double chartWidth = plot.chart->size().width() > 0 ? plot.chart->size().width() : 400;
    const double room
        = kQtMaxAxisShare * (chartWidth - margins.left() - margins.right()) - kQtLabelPadding - kQtLabelSlack;
    return QFontMetricsF(font).horizontalAdvance(ticks::format(value, plot.unit)) <= room;
}

int ChartPanel::valueIntervals(const Plot &plot) const
{
    QFont font = this->font();
    font.setPixelSize(m_textPx);
    const double lineHeight = QFontMetricsF(font).height() + kQtLabelSlack;
    // Qt elides a value label taller than the chart's height (within its margins) over (labels + 1), less the
    // padding; and labels closer than about two lines apart are hard to tell from each other (a log axis may put
    // two ticks half an interval apart, a line: ticks::logAxis).
    const QMargins margins = plot.chart->margins();
    const double chartHeight
        = (plot.chart->size().height() > 0 ? plot.chart->size().height() : 240) - margins.top() - margins.bottom();
    const double plotHeight = plot.chart->plotArea().height() > 0 ? plot.chart->plotArea().height() : 160;
    const int byElision = static_cast<int>(std::floor(chartHeight / (lineHeight + 2 * kQtLabelPadding))) - 2;
    const int bySpacing = static_cast<int>(std::floor(plotHeight / (lineHeight * 2)));
    return std::clamp(std::min(byElision, bySpacing), 1, 5);
}

void ChartPanel::styleAxis(QCategoryAxis *axis) const
{
    QFont font = this->font();
    font.setPixelSize(m_textPx);
    const QColor text = visual::textOnBackground(m_dark);
    axis->setLabelsFont(font);
    axis->setLabelsBrush(text);
    axis->setLinePenColor(text);
    axis->setGridLineColor(m_dark ? QColor(0x48, 0x48, 0x50) : QColor(0xD8, 0xD8, 0xD8));
}

bool ChartPanel::setTimeTicks(Plot &plot, double from, double to, bool mayRelabel)
{
    // Ticks at whole multiples of a 1-2-5 step: as the window scrolls, each label stays with its time. As many
    // as fit the plot's width with room for each label and a gap, and no more than Qt keeps whole: it elides a
    // time label wider than the chart's width within its margins over (labels + 1), less the padding.
    QFont font = this->font();
    font.setPixelSize(m_textPx);
    const QFontMetricsF metrics(font);
    const double width = plot.chart->plotArea().width() > 0 ? plot.chart->plotArea().width() : 300;
    const double chartWidth = (plot.chart->size().width() > 0 ? plot.chart->size().width() : 400)
        - plot.chart->margins().left() - plot.chart->margins().right();
    QList<double> values;
    for (int fit = 6; fit >= 1; --fit) {
        const double step = ticks::niceStep((to - from) / fit);
        values.clear();
        const auto firstTick = static_cast<qint64>(std::ceil(from / step - 1e-9));
        // No tick whose label, centred on it, would reach past the chart's edge (it would be elided): a label
        // as wide as the widest this step can make, less the right margin, must fit after it.
        const double last
            = metrics.horizontalAdvance(ticks::format(std::floor(to / step) * step, ticks::Unit::Seconds));
        const double clear = std::max(
            0.1 * (to - from), (last / 2 + kQtLabelPadding - plot.chart->margins().right()) * (to - from) / width);
        const auto lastTick = static_cast<qint64>(std::floor((to - clear) / step + 1e-9));
        double widest = 0;
        for (qint64 i = firstTick; i <= lastTick; ++i) {
            values << static_cast<double>(i) * step; // a multiple, not a running sum: 0.1 + 0.2 is not 0.3
            widest = std::max(widest, metrics.horizontalAdvance(ticks::format(values.last(), ticks::Unit::Seconds)));
        }
        widest += kQtLabelSlack;
        const bool whole = widest + 2 * kQtLabelPadding <= chartWidth / static_cast<double>(values.size() + 1);
        const bool apart = values.size() < 2 || width * step / (to - from) >= widest + m_textPx;
        if (whole && apart)
            break;
    }
    plot.x->setRange(from, to);
    // Qt gives the time axis at most 40% of the chart's height too, and cuts its labels below that ("..."): a chart
    // that short shows its time grid without them.
    const double height = (plot.chart->size().height() > 0 ? plot.chart->size().height() : 240)
        - plot.chart->margins().top() - plot.chart->margins().bottom();
    const bool tallEnough = kQtMaxAxisShare * height - 2 * kQtLabelPadding >= metrics.height() + kQtLabelSlack;
    if (plot.x->labelsVisible() != tallEnough)
        plot.x->setLabelsVisible(tallEnough);
    if (values == plot.xTicks || values.isEmpty() || (!mayRelabel && !plot.xTicks.isEmpty()))
        return false;
    plot.xTicks = values;
    for (const QString &label : plot.x->categoriesLabels())
        plot.x->remove(label);
    plot.x->setStartValue(values.first() - kStartBelow);
    for (double t : values)
        plot.x->append(ticks::format(t, ticks::Unit::Seconds), t);
    plot.x->setRange(from, to);
    plot.chart->layout()->activate(); // as for the value labels: laid out against the new labels, not the old
    return true;
}

void ChartPanel::redraw(const TelemetryHistory &history, std::optional<double> cursorS)
{
    m_cursorS = cursorS;
    foldEmpty(history);
    // The time axis grows with the run until it spans the window, then scrolls; at a cursor, it shows the window
    // with the cursor three quarters along (or as far as the run allows).
    const double last = history.lastTime();
    const double now
        = cursorS ? std::clamp(*cursorS + 0.25 * m_windowS, std::min<double>(last, m_windowS), last) : last;
    const double from = std::max(0.0, now - m_windowS);
    const double to = std::max(now, from + std::min<double>(m_windowS, 10.0));
    // New time labels lay their chart out again: 6-7 ms a chart at 1920x1080, 40 ms when all six change in one
    // redraw (and they do, the window scrolls them together). One chart a redraw takes new ones; the others keep
    // theirs for another redraw or five, which is harmless: a label stays with its time, and one that has left
    // the range is not drawn.
    bool relabelled = false;
    for (Plot &plot : m_plots) {
        if (plot.chart->plotArea().size() != plot.plotSize) {
            plot.plotSize = plot.chart->plotArea().size();
            plot.xTicks.clear();
            plot.yTicks.clear();
            plot.yShown.clear();
        }
        double high = 0;
        double low = 1e300; // log axes: the smallest value above zero (an interval where nothing finished has none)
        // A thick line costs its stroking per segment: a 60 s window holds 600 samples a series and a 10 min one
        // 6,000, for some 800 pixels. Each 5 px column keeps its lowest and highest sample, so spikes stay.
        const int buckets = std::max(20, static_cast<int>(plot.chart->plotArea().width() / kPxPerBucket));
        bool legendChanged = false;
        for (const Line &l : plot.lines) {
            auto points = history.points(l.spec.series, from, now);
            if (isModel(l.spec.series))
                legendChanged = modelPoints(l, points, high) || legendChanged;
            points.removeIf([](const QPointF &p) { return !std::isfinite(p.y()); }); // no value then: no line
            if (m_smoothing && l.spec.smoothable)
                points = smoothed(points);
            for (QPointF &p : points) {
                high = std::max(high, p.y());
                if (plot.log) {
                    if (p.y() > 0)
                        low = std::min(low, std::max(p.y(), kLatencyFloorUs));
                    p.setY(std::log10(std::max(p.y(), kLatencyFloorUs)));
                }
            }
            l.line->replace(decimateMinMax(points, buckets));
        }
        if (legendChanged)
            updateLegend(plot);
        relabelled = setTimeTicks(plot, from, to, !relabelled) || relabelled;
        const int fit = valueIntervals(plot);
        if (plot.fixedPercent) {
            const auto values = ticks::linear(100, fit).values();
            setValueTicks(plot, values, 0, values.last());
        } else if (plot.log) {
            // From the latencies shown, with a margin, to round values; kept while it still suits them.
            const bool any = low < 1e300;
            const double dataLow = any ? low : kLatencyDefaultLowUs;
            const double dataHigh = any ? std::max(high, low) : kLatencyDefaultHighUs;
            const ticks::LogAxis &shown = plot.logShown;
            if (plot.yTicks.isEmpty() || static_cast<int>(shown.ticks.size()) - 1 > fit
                || !ticks::logAxisHolds(shown, dataLow, dataHigh, kLogSlack))
                plot.logShown = ticks::logAxis(
                    dataLow, dataHigh, fit, kLogMargin, [this, &plot](double v) { return valueLabelFits(plot, v); });
            setValueTicks(plot, plot.logShown.ticks, plot.logShown.low, plot.logShown.high);
        } else {
            // Keep the scale while the data stays between 40% and 100% of it, so the axis does not twitch.
            const double top = plot.yTicks.isEmpty() ? 0 : plot.yTicks.last();
            if (high > top || high < 0.4 * top || top == 0 || static_cast<int>(plot.yTicks.size()) - 1 > fit) {
                const auto values = ticks::linear(high * 1.1, fit).values();
                setValueTicks(plot, values, 0, values.last());
            }
        }
    }
    placeMarkers();
    placeCursor();
}

bool ChartPanel::modelPoints(const Line &l, QList<QPointF> &points, double measuredHigh) const
{
    points = m_showModel ? sinceLastGap(points) : QList<QPointF>();
    // A capacity far above what was measured would squash the measured lines to the chart's foot: then it is left
    // to the Theory tab, which states it.
    if (l.spec.series == Series::ModelCapacity && !points.isEmpty() && points.last().y() > 2.5 * measuredHigh)
        points.clear();
    if (l.line->isVisible() != points.isEmpty())
        return false;
    l.line->setVisible(!points.isEmpty());
    return true;
}

void ChartPanel::placeCursor()
{
    if (m_cursorLines.empty()) {
        for (const Plot &plot : m_plots) {
            auto *line = new QLineSeries;
            line->setName(tr("time cursor"));
            plot.chart->addSeries(line);
            line->attachAxis(plot.x);
            line->attachAxis(plot.y);
            for (QLegendMarker *legend : plot.chart->legend()->markers(line))
                legend->setVisible(false);
            m_cursorLines.push_back(line);
        }
    }
    // The text's colour, solid and thick: unlike the series (coloured) and the steps' markers (dashed).
    const QColor ink = visual::textOnBackground(m_dark);
    for (std::size_t i = 0; i < m_cursorLines.size(); ++i) {
        QLineSeries *line = m_cursorLines[i];
        line->setPen(QPen(ink, std::max(3.0, m_textPx / 6.0)));
        line->setVisible(m_cursorS.has_value());
        if (m_cursorS) {
            const QCategoryAxis *y = m_plots[i].y;
            line->replace({QPointF(*m_cursorS, y->max()), QPointF(*m_cursorS, y->min())});
        }
    }
}

QString ChartPanel::title(Chart chart) const
{
    const auto i = static_cast<std::size_t>(chart);
    return i < m_plots.size() ? m_plots[i].title->text() : QString();
}

QStringList ChartPanel::legend(Chart chart) const
{
    QStringList names;
    const auto i = static_cast<std::size_t>(chart);
    if (i < m_plots.size()) {
        for (const Line &l : m_plots[i].lines) {
            if (l.line->isVisible())
                names << l.spec.name;
        }
    }
    return names;
}

double ChartPanel::foldAfterS() const
{
    return std::max(30.0, static_cast<double>(m_windowS));
}

void ChartPanel::foldEmpty(const TelemetryHistory &history)
{
    const double span = foldAfterS();
    bool moved = false;
    for (Plot &plot : m_plots) {
        bool anyShown = false;
        bool legendChanged = false;
        for (const Line &l : plot.lines) {
            if (isModel(l.spec.series))
                continue; // shown where the model applies (redraw), never what keeps a chart unfolded
            const bool shown = !foldable(l.spec.series) || history.maxOf(l.spec.series, span) > 0;
            if (l.line->isVisible() != shown) {
                l.line->setVisible(shown);
                legendChanged = true;
            }
            anyShown = anyShown || shown;
        }
        if (legendChanged)
            updateLegend(plot);
        if (plot.folded == anyShown) {
            plot.folded = !anyShown;
            moved = true;
        }
    }
    if (moved)
        layOutCharts();
}

void ChartPanel::layOutCharts()
{
    auto *grid = qobject_cast<QGridLayout *>(layout());
    if (!grid)
        return;
    std::vector<QWidget *> shown;
    for (const Plot &plot : m_plots) {
        grid->removeWidget(plot.box);
        plot.box->setVisible(!plot.folded);
        if (!plot.folded)
            shown.push_back(plot.box);
    }
    const int count = static_cast<int>(shown.size());
    for (int i = 0; i < count; ++i) {
        const bool alone = i == count - 1 && i % 2 == 0; // the last of an odd number takes the whole row
        grid->addWidget(shown[static_cast<std::size_t>(i)], i / 2, i % 2, 1, alone ? 2 : 1);
    }
    // Rows left empty by a fold take no room; the others share it equally.
    const int rows = (count + 1) / 2;
    for (int r = 0; r < std::max(rows, grid->rowCount()); ++r)
        grid->setRowStretch(r, r < rows ? 1 : 0);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
}

bool ChartPanel::folded(Chart chart) const
{
    const auto i = static_cast<std::size_t>(chart);
    return i < m_plots.size() && m_plots[i].folded;
}

bool ChartPanel::lineShown(Series series) const
{
    for (const Plot &plot : m_plots) {
        for (const Line &l : plot.lines) {
            if (l.spec.series == series)
                return !plot.folded && l.line->isVisible();
        }
    }
    return false;
}

QStringList ChartPanel::valueLabels(Chart chart) const
{
    const auto i = static_cast<std::size_t>(chart);
    return i < m_plots.size() && m_plots[i].y->labelsVisible() ? m_plots[i].y->categoriesLabels() : QStringList();
}

QStringList ChartPanel::timeLabels(Chart chart) const
{
    const auto i = static_cast<std::size_t>(chart);
    return i < m_plots.size() && m_plots[i].x->labelsVisible() ? m_plots[i].x->categoriesLabels() : QStringList();
}

std::pair<double, double> ChartPanel::valueRange(Chart chart) const
{
    const auto i = static_cast<std::size_t>(chart);
    if (i >= m_plots.size())
        return {0, 0};
    const Plot &plot = m_plots[i];
    if (plot.log)
        return {std::pow(10.0, plot.y->min()), std::pow(10.0, plot.y->max())};
    return {plot.y->min(), plot.y->max()};
}

double ChartPanel::valueLabelRoom(Chart chart) const
{
    const auto i = static_cast<std::size_t>(chart);
    if (i >= m_plots.size())
        return 0;
    const QChart *c = m_plots[i].chart;
    return c->plotArea().left() - c->margins().left() - kQtLabelPadding;
}

QStringList ChartPanel::drawnTexts(Chart chart) const
{
    QStringList texts;
    const auto i = static_cast<std::size_t>(chart);
    if (i >= m_plots.size() || m_plots[i].folded)
        return texts; // a folded chart draws nothing
    const QChart *c = m_plots[i].chart;
    for (const QGraphicsItem *item : c->scene()->items()) {
        if (!item->isVisible() || !c->isAncestorOf(item))
            continue;
        if (const auto *rich = dynamic_cast<const QGraphicsTextItem *>(item); rich && !rich->toPlainText().isEmpty())
            texts << rich->toPlainText();
        else if (const auto *simple = dynamic_cast<const QGraphicsSimpleTextItem *>(item);
                 simple && !simple->text().isEmpty())
            texts << simple->text();
    }
    return texts;
}

QList<ChartPanel::DrawnMarker> ChartPanel::markerLabels(Chart chart) const
{
    QList<DrawnMarker> shown;
    const auto i = static_cast<std::size_t>(chart);
    if (i >= m_plots.size() || m_plots[i].folded)
        return shown; // a folded chart draws nothing
    for (const QGraphicsSimpleTextItem *item : m_plots[i].markerTexts) {
        if (item->isVisible())
            shown.append({item->text(), item->mapRectToParent(item->boundingRect())});
    }
    return shown;
}

void ChartPanel::addMarker(double atS, const QString &label)
{
    m_markers.push_back({atS, label, {}});
    placeMarkers();
}

void ChartPanel::clearMarkers()
{
    for (auto &m : m_markers) {
        for (QLineSeries *line : m.lines) {
            line->chart()->removeSeries(line);
            delete line;
        }
    }
    m_markers.clear();
    for (Plot &plot : m_plots)
        placeMarkerLabels(plot);
}

void ChartPanel::placeMarkers()
{
    const QColor marker = visual::ink(visual::Ink::Marker, m_dark);
    for (auto &m : m_markers) {
        if (m.lines.empty()) {
            for (const Plot &plot : m_plots) {
                auto *line = new QLineSeries;
                line->setName(m.text);
                line->setPen(QPen(marker, 1.5, Qt::DashLine));
                plot.chart->addSeries(line);
                line->attachAxis(plot.x);
                line->attachAxis(plot.y);
                for (QLegendMarker *legend : plot.chart->legend()->markers(line))
                    legend->setVisible(false);
                m.lines.push_back(line);
            }
        }
        for (std::size_t i = 0; i < m.lines.size(); ++i) {
            const QCategoryAxis *y = m_plots[i].y;
            m.lines[i]->replace({QPointF(m.atS, y->max()), QPointF(m.atS, y->min())});
        }
    }
    for (Plot &plot : m_plots)
        placeMarkerLabels(plot);
}

void ChartPanel::placeMarkerLabels(Plot &plot)
{
    // The labels sit in the row above the plot, over their lines; those too close to read apart share one.
    const QRectF area = plot.chart->plotArea();
    const double from = plot.x->min();
    const double to = plot.x->max();
    QList<double> xs;
    QStringList texts;
    if (area.width() > 0 && to > from) {
        for (const Marker &m : m_markers) {
            if (m.atS < from || m.atS > to)
                continue; // scrolled out of the window
            xs << area.left() + (m.atS - from) / (to - from) * area.width();
            texts << m.text;
        }
    }
    const QFont font = markerFont();
    const QFontMetricsF metrics(font);
    const auto labels = layoutMarkerLabels(
        xs, texts, [&metrics](const QString &text) { return metrics.horizontalAdvance(text); }, m_textPx / 2.0,
        area.left(), plot.chart->size().width() - plot.chart->margins().right() / 2.0);
    while (plot.markerTexts.size() < static_cast<std::size_t>(labels.size())) {
        auto *item = new QGraphicsSimpleTextItem(plot.chart);
        item->setFont(font);
        item->setBrush(visual::textOnBackground(m_dark));
        item->setZValue(10);
        plot.markerTexts.push_back(item);
    }
    for (std::size_t i = 0; i < plot.markerTexts.size(); ++i) {
        QGraphicsSimpleTextItem *item = plot.markerTexts[i];
        if (i >= static_cast<std::size_t>(labels.size())) {
            item->hide();
            continue;
        }
        const MarkerLabel &label = labels[static_cast<qsizetype>(i)];
        item->setText(label.text);
        item->setPos(label.left(), std::max(0.0, area.top() - metrics.height() - 1));
        item->show();
    }
}

int ChartPanel::pointCount(Series series) const
{
    for (const Plot &plot : m_plots) {
        for (const Line &l : plot.lines) {
            if (l.spec.series == series)
                return static_cast<int>(l.line->count());
        }
    }
    return 0;
}

} // namespace beam
