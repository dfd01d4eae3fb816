// SPDX-License-Identifier: MIT
#include "chartpanel.h"

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace beam {

ChartPanel::ChartPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    grid->addWidget(addChart(tr("Throughput"),
                        {{Series::Produced, tr("produced/s")}, {Series::Processed, tr("processed/s")},
                            {Series::Failed, tr("failed/s")}},
                        false, tr("events/s")),
        0, 0);
    grid->addWidget(
        addChart(tr("Latency (creation to completion)"),
            {{Series::LatencyP50, tr("p50")}, {Series::LatencyP99, tr("p99")}, {Series::LatencyMax, tr("max")}}, true,
            tr("µs")),
        0, 1);
    grid->addWidget(addChart(tr("Failures"),
                        {{Series::FailuresPerSec, tr("failures/s")}, {Series::RestartsPerSec, tr("restarts/s")},
                            {Series::DeadLettersPerSec, tr("dead letters/s")}},
                        false, tr("per second")),
        1, 0);
    grid->addWidget(addChart(tr("Back-pressure"),
                        {{Series::InFlight, tr("in flight")}, {Series::Limit, tr("limit")},
                            {Series::BackpressurePercent, tr("producers held back %")}},
                        false, tr("events / %")),
        1, 1);
}

QChartView *ChartPanel::addChart(
    const QString &title, const QList<std::pair<Series, QString>> &lines, bool logScale, const QString &unit)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);

    auto *x = new QValueAxis;
    x->setTitleText(tr("seconds"));
    x->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(x, Qt::AlignBottom);
    QAbstractAxis *y = nullptr;
    if (logScale) {
        auto *log = new QLogValueAxis;
        log->setBase(10);
        log->setLabelFormat(QStringLiteral("%g"));
        log->setMin(1);
        log->setMax(1e6);
        y = log;
    } else {
        auto *linear = new QValueAxis;
        linear->setLabelFormat(QStringLiteral("%.4g"));
        y = linear;
    }
    y->setTitleText(unit);
    chart->addAxis(y, Qt::AlignLeft);

    QValueAxis *percent = nullptr;
    for (const auto &entry : lines) {
        const QString name = entry.second;
        auto *line = new QLineSeries;
        line->setName(name);
        chart->addSeries(line);
        line->attachAxis(x);
        if (entry.first == Series::BackpressurePercent) {
            // A share, not a count: its own 0..100 axis on the right.
            percent = new QValueAxis;
            percent->setRange(0, 100);
            percent->setLabelFormat(QStringLiteral("%.0f%%"));
            percent->setTitleText(tr("held back %"));
            chart->addAxis(percent, Qt::AlignRight);
            line->attachAxis(percent);
        } else {
            line->attachAxis(y);
        }
        connect(line, &QLineSeries::hovered, this, [name, unit](const QPointF &point, bool state) {
            if (state)
                QToolTip::showText(QCursor::pos(),
                    QStringLiteral("%1 at %2 s: %3 %4")
                        .arg(name)
                        .arg(point.x(), 0, 'f', 1)
                        .arg(point.y(), 0, 'g', 4)
                        .arg(unit));
        });
        m_lines.push_back({entry.first, line, chart});
    }

    auto *view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing, false); // software-painted lines: antialiasing doubled the paint time
    view->setMinimumSize(320, 220);
    m_views.append(view);
    return view;
}

void ChartPanel::setWindowSeconds(int seconds)
{
    m_windowS = std::clamp(seconds, 10, 600);
}

void ChartPanel::setFrozen(bool frozen)
{
    m_frozen = frozen;
}

void ChartPanel::redraw(const TelemetryHistory &history)
{
    if (m_frozen)
        return;
    const double now = history.lastTime();
    const double from = std::max(0.0, now - m_windowS);
    QChart *chart = nullptr;
    double high = 0;
    double low = 1e300;
    const auto finishChart = [&](QChart *c) {
        if (!c)
            return;
        const auto axesX = c->axes(Qt::Horizontal);
        const auto axesY = c->axes(Qt::Vertical, c->series().constFirst());
        axesX.constFirst()->setRange(from, std::max(from + m_windowS, now));
        if (auto *log = qobject_cast<QLogValueAxis *>(axesY.constFirst())) {
            const double top = std::pow(10.0, std::ceil(std::log10(std::max(10.0, high * 1.2))));
            const double bottom = std::pow(10.0, std::floor(std::log10(std::max(0.1, std::min(low, top / 10)))));
            log->setRange(bottom, top);
        } else if (auto *linear = qobject_cast<QValueAxis *>(axesY.constFirst())) {
            linear->setRange(0.0, high > 0 ? high * 1.15 : 1.0);
            linear->setLabelFormat(high >= 100 ? QStringLiteral("%.0f") : QStringLiteral("%.2f"));
        }
    };
    for (const Line &l : m_lines) {
        if (l.chart != chart) {
            finishChart(chart);
            chart = l.chart;
            high = 0;
            low = 1e300;
        }
        auto points = history.points(l.series, m_windowS);
        const bool ownAxis = l.series == Series::BackpressurePercent;
        for (auto &p : points) {
            if (ownAxis)
                continue;
            if (qobject_cast<QLogValueAxis *>(chart->axes(Qt::Vertical).constFirst()))
                p.setY(std::max(p.y(), 0.1)); // a log axis cannot show 0
            high = std::max(high, p.y());
            low = std::min(low, p.y());
        }
        l.line->replace(points);
    }
    finishChart(chart);
    placeMarkers();
}

void ChartPanel::addMarker(double atS, const QString &label)
{
    m_markers.push_back({atS, label, {}, nullptr});
}

void ChartPanel::clearMarkers()
{
    for (auto &m : m_markers) {
        for (QLineSeries *line : m.lines) {
            line->chart()->removeSeries(line);
            delete line;
        }
        if (m.label) {
            m.label->chart()->removeSeries(m.label);
            delete m.label;
        }
    }
    m_markers.clear();
}

void ChartPanel::placeMarkers()
{
    for (auto &m : m_markers) {
        if (m.lines.empty()) {
            for (QChartView *view : m_views) {
                QChart *chart = view->chart();
                auto *line = new QLineSeries;
                line->setName(m.text);
                QPen pen(QColor(128, 128, 128));
                pen.setStyle(Qt::DashLine);
                line->setPen(pen);
                chart->addSeries(line);
                line->attachAxis(chart->axes(Qt::Horizontal).constFirst());
                line->attachAxis(chart->axes(Qt::Vertical).constFirst());
                for (QLegendMarker *marker : chart->legend()->markers(line))
                    marker->setVisible(false);
                m.lines.push_back(line);
            }
            QChart *first = m_views.constFirst()->chart();
            m.label = new QScatterSeries;
            m.label->setMarkerSize(6);
            m.label->setColor(QColor(128, 128, 128));
            m.label->setBorderColor(QColor(128, 128, 128));
            m.label->setPointLabelsFormat(m.text);
            m.label->setPointLabelsVisible(true);
            first->addSeries(m.label);
            m.label->attachAxis(first->axes(Qt::Horizontal).constFirst());
            m.label->attachAxis(first->axes(Qt::Vertical).constFirst());
            for (QLegendMarker *marker : first->legend()->markers(m.label))
                marker->setVisible(false);
        }
        for (std::size_t i = 0; i < m.lines.size(); ++i) {
            QAbstractAxis *y = m_views[static_cast<qsizetype>(i)]->chart()->axes(Qt::Vertical).constFirst();
            double low = 0;
            double high = 1;
            if (auto *log = qobject_cast<QLogValueAxis *>(y)) {
                low = log->min();
                high = log->max();
            } else if (auto *linear = qobject_cast<QValueAxis *>(y)) {
                low = linear->min();
                high = linear->max();
            }
            m.lines[i]->replace({QPointF(m.atS, high), QPointF(m.atS, low)});
            if (i == 0)
                m.label->replace({QPointF(m.atS, low + (high - low) * 0.94)});
        }
    }
}

int ChartPanel::pointCount(Series series) const
{
    for (const Line &l : m_lines) {
        if (l.series == series)
            return static_cast<int>(l.line->count());
    }
    return 0;
}

} // namespace beam
