// SPDX-License-Identifier: MIT
#pragma once

#include "telemetryhistory.h"

#include <QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
class QLogValueAxis;
QT_END_NAMESPACE

namespace beam {

/// Four live charts (throughput, latency, failures, back-pressure) over a time window. Each redraw replaces
/// the series' points over the window (QLineSeries::replace), never clear() + append().
/// Threads: GUI thread only.
class ChartPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ChartPanel(QWidget *parent = nullptr);

    void setWindowSeconds(int seconds);
    [[nodiscard]] int windowSeconds() const { return m_windowS; }
    /// Frozen charts keep their picture while the history keeps growing.
    void setFrozen(bool frozen);
    [[nodiscard]] bool frozen() const { return m_frozen; }
    void redraw(const TelemetryHistory &history);
    /// Points currently shown by one series (for tests).
    [[nodiscard]] int pointCount(Series series) const;
    [[nodiscard]] QList<QChartView *> views() const { return m_views; }
    /// A dashed vertical line across every chart at `atS` (history time), labelled on the first chart:
    /// where a lesson's step happened.
    void addMarker(double atS, const QString &label);
    void clearMarkers();
    [[nodiscard]] int markerCount() const { return static_cast<int>(m_markers.size()); }

private:
    struct Line {
        Series series = Series::Produced;
        QLineSeries *line = nullptr;
        QChart *chart = nullptr;
    };
    QChartView *addChart(
        const QString &title, const QList<std::pair<Series, QString>> &lines, bool logScale, const QString &unit);

    void placeMarkers();

    struct Marker {
        double atS = 0;
        QString text;
        std::vector<QLineSeries *> lines; ///< one per chart
        QScatterSeries *label = nullptr; ///< one point at the top of the first chart, carrying the label
    };
    std::vector<Marker> m_markers;
    QList<QChartView *> m_views;
    std::vector<Line> m_lines;
    int m_windowS = 60;
    bool m_frozen = false;
};

} // namespace beam
