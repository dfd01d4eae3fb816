// SPDX-License-Identifier: MIT
#include "chartpanel.h"
#include "decimate.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {
constexpr double kLatencyFloorUs = 0.1; // a log axis cannot show 0
constexpr int kSmoothPoints = 10; // one second at the default sampling interval
constexpr double kPxPerBucket = 5; // drawing keeps a lowest and a highest sample per this many pixels

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
                {Series::Dropped, tr("dropped"), Ink::Tertiary, Qt::SolidLine, true}}),
        addChart(tr("Latency, creation to done"), ticks::Unit::Microseconds, true,
            {{Series::LatencyP50, tr("p50"), Ink::Primary, Qt::SolidLine, true},
                {Series::LatencyP99, tr("p99"), Ink::Secondary, Qt::SolidLine, true},
                {Series::LatencyMax, tr("max"), Ink::Tertiary, Qt::DotLine, true}}),
        addChart(tr("Failures, per second"), ticks::Unit::Plain, false,
            {{Series::FailuresPerSec, tr("failed"), Ink::Primary, Qt::SolidLine, true},
                {Series::RestartsPerSec, tr("restarts"), Ink::Secondary, Qt::SolidLine, true},
                {Series::DeadLettersPerSec, tr("dead letters"), Ink::Tertiary, Qt::SolidLine, true}}),
        addChart(tr("In flight now, events"), ticks::Unit::Plain, false,
            {{Series::InFlight, tr("in flight"), Ink::Primary, Qt::SolidLine, false},
                {Series::Limit, tr("limit"), Ink::Threshold, Qt::DashLine, false}}),
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
    view->setRenderHint(QPainter::Antialiasing, false); // software-painted lines: antialiasing doubled the paint time
    view->setMinimumSize(150, 100);
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
        const QString swatch = l.spec.style == Qt::SolidLine ? QStringLiteral("━━") : QStringLiteral("╍╍");
        entries << QStringLiteral("<span style='color:%1'><b>%2</b></span>&nbsp;%3")
                       .arg(visual::ink(l.spec.ink, m_dark).name(), swatch,
                           l.spec.name.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    }
    plot.legend->setText(entries.join(QStringLiteral(" &nbsp; ")));
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
    QFont font = this->font();
    font.setPixelSize(textPx);
    QFont titleFont = font;
    titleFont.setPixelSize(textPx + 2);
    titleFont.setBold(true);
    for (Plot &plot : m_plots) {
        QChart *chart = plot.chart;
        plot.xTicks.clear(); // labels are measured when set: set them again in the new font
        plot.yTicks.clear();
        chart->setBackgroundBrush(background);
        chart->setPlotAreaBackgroundVisible(false);
        // Room above for the top value label (it is centred on the top tick) and right for the last time label.
        chart->setMargins(QMargins(2, textPx, textPx * 3 / 2, 2));
        styleAxis(plot.x);
        styleAxis(plot.y);
        for (const Line &l : plot.lines)
            styleLine(l);
        updateLegend(plot);
    }
    for (Marker &m : m_markers) {
        for (QLineSeries *line : m.lines) {
            QPen pen(visual::ink(visual::Ink::Marker, dark), 1.5, Qt::DashLine);
            line->setPen(pen);
        }
        for (QScatterSeries *label : m.labels) {
            label->setColor(visual::ink(visual::Ink::Marker, dark));
            label->setBorderColor(visual::ink(visual::Ink::Marker, dark));
            label->setPointLabelsColor(text);
            label->setPointLabelsFont(titleFont);
        }
    }
}

void ChartPanel::setWindowSeconds(int seconds)
{
    m_windowS = std::clamp(seconds, 10, 600);
}

void ChartPanel::setFrozen(bool frozen)
{
    m_frozen = frozen;
}

void ChartPanel::setSmoothing(bool on)
{
    m_smoothing = on;
}

void ChartPanel::setValueTicks(Plot &plot, const QList<double> &values)
{
    if (values == plot.yTicks || values.isEmpty())
        return;
    plot.yTicks = values;
    for (const QString &label : plot.y->categoriesLabels())
        plot.y->remove(label);
    QList<double> at = values;
    if (plot.log)
        std::transform(at.begin(), at.end(), at.begin(), [](double v) { return std::log10(v); });
    plot.y->setStartValue(at.first() - kStartBelow);
    for (qsizetype i = 0; i < values.size(); ++i)
        plot.y->append(ticks::format(values[i], plot.unit), at[i]);
    plot.y->setRange(at.first(), at.last());
    // The axis measures its width when the chart lays out; new labels need a new layout, or they are elided.
    plot.y->setLabelsVisible(false);
    plot.y->setLabelsVisible(true);
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
    // as fit the plot's width with room for a label each ("120 s" is about four text heights wide).
    const double width = plot.chart->plotArea().width() > 0 ? plot.chart->plotArea().width() : 300;
    const int fit = std::clamp(static_cast<int>(width / (m_textPx * 4.5)), 2, 6);
    const double step = ticks::niceStep((to - from) / fit);
    QList<double> values;
    const auto firstTick = static_cast<qint64>(std::ceil(from / step - 1e-9));
    // No tick in the last tenth of the span: a label there would hang over the edge and be elided.
    const auto lastTick = static_cast<qint64>(std::floor((to - 0.1 * (to - from)) / step + 1e-9));
    for (qint64 i = firstTick; i <= lastTick; ++i)
        values << static_cast<double>(i) * step; // a multiple, not a running sum: 0.1 + 0.2 is not 0.3
    plot.x->setRange(from, to);
    if (values == plot.xTicks || values.isEmpty() || (!mayRelabel && !plot.xTicks.isEmpty()))
        return false;
    plot.xTicks = values;
    for (const QString &label : plot.x->categoriesLabels())
        plot.x->remove(label);
    plot.x->setStartValue(values.first() - kStartBelow);
    for (double t : values)
        plot.x->append(ticks::format(t, ticks::Unit::Seconds), t);
    plot.x->setRange(from, to);
    return true;
}

void ChartPanel::redraw(const TelemetryHistory &history)
{
    if (m_frozen)
        return;
    foldEmpty(history);
    // The time axis grows with the run until it spans the window, then scrolls.
    const double now = history.lastTime();
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
        }
        double high = 0;
        double low = 1e300;
        // A thick line costs its stroking per segment: a 60 s window holds 600 samples a series and a 10 min one
        // 6,000, for some 800 pixels. Each 5 px column keeps its lowest and highest sample, so spikes stay.
        const int buckets = std::max(20, static_cast<int>(plot.chart->plotArea().width() / kPxPerBucket));
        for (const Line &l : plot.lines) {
            auto points = history.points(l.spec.series, m_windowS);
            if (m_smoothing && l.spec.smoothable)
                points = smoothed(points);
            for (QPointF &p : points) {
                high = std::max(high, p.y());
                if (plot.log) {
                    low = std::min(low, std::max(p.y(), kLatencyFloorUs));
                    p.setY(std::log10(std::max(p.y(), kLatencyFloorUs)));
                }
            }
            l.line->replace(decimateMinMax(points, buckets));
        }
        relabelled = setTimeTicks(plot, from, to, !relabelled) || relabelled;
        // As many value ticks as the plot's height holds: a category axis elides a label taller than its
        // category (measured: a category of 2.5 text heights keeps its label, one of 2.2 loses it), so each gets 3.
        const double height = plot.chart->plotArea().height() > 0 ? plot.chart->plotArea().height() : 200;
        const int fit = std::clamp(static_cast<int>(height / (m_textPx * 3.0)), 1, 5);
        if (plot.fixedPercent) {
            setValueTicks(plot, ticks::linear(100, fit).values());
        } else if (plot.log) {
            setValueTicks(plot, ticks::decades(low < 1e300 ? low : 1, std::max(high, 10.0), fit));
        } else {
            // Keep the scale while the data stays between 40% and 100% of it, so the axis does not twitch.
            const double top = plot.yTicks.isEmpty() ? 0 : plot.yTicks.last();
            if (high > top || high < 0.4 * top || top == 0 || static_cast<int>(plot.yTicks.size()) - 1 > fit)
                setValueTicks(plot, ticks::linear(high * 1.1, fit).values());
        }
    }
    placeMarkers();
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
    return i < m_plots.size() ? m_plots[i].y->categoriesLabels() : QStringList();
}

QStringList ChartPanel::timeLabels(Chart chart) const
{
    const auto i = static_cast<std::size_t>(chart);
    return i < m_plots.size() ? m_plots[i].x->categoriesLabels() : QStringList();
}

void ChartPanel::addMarker(double atS, const QString &label)
{
    m_markers.push_back({atS, label, {}, {}});
}

void ChartPanel::clearMarkers()
{
    for (auto &m : m_markers) {
        for (QLineSeries *line : m.lines) {
            line->chart()->removeSeries(line);
            delete line;
        }
        for (QScatterSeries *label : m.labels) {
            label->chart()->removeSeries(label);
            delete label;
        }
    }
    m_markers.clear();
}

void ChartPanel::placeMarkers()
{
    QFont labelFont = font();
    labelFont.setPixelSize(m_textPx + 2);
    labelFont.setBold(true);
    const QColor marker = visual::ink(visual::Ink::Marker, m_dark);
    const QColor text = visual::textOnBackground(m_dark);
    for (auto &m : m_markers) {
        if (m.lines.empty()) {
            for (const Plot &plot : m_plots) {
                auto *line = new QLineSeries;
                line->setName(m.text);
                line->setPen(QPen(marker, 1.5, Qt::DashLine));
                plot.chart->addSeries(line);
                line->attachAxis(plot.x);
                line->attachAxis(plot.y);
                auto *label = new QScatterSeries;
                label->setMarkerSize(8);
                label->setColor(marker);
                label->setBorderColor(marker);
                label->setPointLabelsFormat(m.text);
                label->setPointLabelsVisible(true);
                label->setPointLabelsClipping(false);
                label->setPointLabelsFont(labelFont);
                label->setPointLabelsColor(text);
                plot.chart->addSeries(label);
                label->attachAxis(plot.x);
                label->attachAxis(plot.y);
                for (QAbstractSeries *series :
                    {static_cast<QAbstractSeries *>(line), static_cast<QAbstractSeries *>(label)})
                    for (QLegendMarker *legend : plot.chart->legend()->markers(series))
                        legend->setVisible(false);
                m.lines.push_back(line);
                m.labels.push_back(label);
            }
        }
        for (std::size_t i = 0; i < m.lines.size(); ++i) {
            const QCategoryAxis *y = m_plots[i].y;
            const double low = y->min();
            const double high = y->max();
            m.lines[i]->replace({QPointF(m.atS, high), QPointF(m.atS, low)});
            m.labels[i]->replace({QPointF(m.atS, low + (high - low) * 0.9)});
        }
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
