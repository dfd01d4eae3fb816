// SPDX-License-Identifier: MIT
#pragma once

#include "axisticks.h"
#include "telemetryhistory.h"
#include "visualstyle.h"

#include <QWidget>

#include <optional>
#include <utility>
#include <vector>

QT_BEGIN_NAMESPACE
class QCategoryAxis;
class QGraphicsSimpleTextItem;
class QLabel;
class QChart;
class QChartView;
class QLineSeries;
QT_END_NAMESPACE

namespace beam {

/// Six live charts over a time window: throughput, latency, failures, in flight against its limit, held back
/// and restart budget, resident memory. Each series is plotted once, in one colour per meaning; axes tick at
/// round 1-2-5 steps with unit-aware labels (ticks::format); the time axis grows with the run up to the
/// window, then scrolls with ticks anchored at whole multiples of its step. The latency axis (logarithmic) is
/// ranged from the latencies shown, with hysteresis. Tick labels are never elided: as many as the chart's size
/// holds in the current font, and each chart is wide enough that its value labels get all the room they ask for.
/// Each redraw replaces the series' points over the window (QLineSeries::replace), never clear() + append().
/// Threads: GUI thread only.
class ChartPanel : public QWidget
{
    Q_OBJECT

public:
    /// The charts, in reading order (left to right, top to bottom); lessons and help name them by title.
    enum class Chart { Throughput, Latency, Failures, InFlight, HeldBack, Memory, Count };

    explicit ChartPanel(QWidget *parent = nullptr);
    ~ChartPanel() override;
    ChartPanel(const ChartPanel &) = delete;
    ChartPanel &operator=(const ChartPanel &) = delete;

    void setWindowSeconds(int seconds);
    [[nodiscard]] int windowSeconds() const { return m_windowS; }
    /// Noisy series (rates, latency) drawn as a one-second moving average.
    void setSmoothing(bool on);
    /// Colours for a light or dark window, fonts for a desk or a projector (pixel size of the smallest text).
    void setLook(bool dark, int textPx);
    /// Draws the last window of `history`; with a time cursor, the window around it (the cursor three quarters
    /// along, where the run is long enough) and a solid line across every chart at its time.
    void redraw(const TelemetryHistory &history, std::optional<double> cursorS = std::nullopt);
    /// The time cursor's line, where it is drawn (none: live).
    [[nodiscard]] std::optional<double> cursorLine() const { return m_cursorS; }
    /// Points currently shown by one series (for tests).
    [[nodiscard]] int pointCount(Series series) const;
    /// A chart's title as shown ("Throughput, events/s"): the names lessons use for it.
    [[nodiscard]] QString title(Chart chart) const;
    /// The legend under a chart, as plain text ("processed, produced, dropped").
    [[nodiscard]] QStringList legend(Chart chart) const;
    /// The labels on a chart's value axis and its time axis, bottom to top / left to right (for tests).
    [[nodiscard]] QStringList valueLabels(Chart chart) const;
    [[nodiscard]] QStringList timeLabels(Chart chart) const;
    /// The value axis' range now, in the data's units (µs for latency), bottom first (for tests).
    [[nodiscard]] std::pair<double, double> valueRange(Chart chart) const;
    /// The room the chart's layout gives its value labels, in pixels: from the chart's left margin to its plot
    /// area, less the axis' padding (for tests: it must hold the widest label).
    [[nodiscard]] double valueLabelRoom(Chart chart) const;
    /// Every text drawn in a chart as it is drawn now, elided or not: axis labels and step-marker labels.
    [[nodiscard]] QStringList drawnTexts(Chart chart) const;
    /// A dashed vertical line across every chart at `atS` (history time) and `label` above it: where a lesson's
    /// step happened, numbered as the Lessons panel numbers captions. Markers too close for a label each share
    /// one ("3·4").
    void addMarker(double atS, const QString &label);
    void clearMarkers();
    [[nodiscard]] int markerCount() const { return static_cast<int>(m_markers.size()); }
    /// Draws the queueing model's lines (capacity on Throughput, W mean and p99 on Latency, L = lambda x W on In
    /// flight) where the model applies; on by default.
    void setModelShown(bool shown);
    [[nodiscard]] bool modelShown() const { return m_showModel; }
    /// What the Latency and In flight legends say while the model draws no W there ("model: saturated, …");
    /// empty: nothing.
    void setModelNote(const QString &note);
    /// Whether a chart is folded away: every line of it has nothing to show (see foldEmpty()).
    [[nodiscard]] bool folded(Chart chart) const;
    /// Whether a series is drawn and named in its chart's legend.
    [[nodiscard]] bool lineShown(Series series) const;
    /// The seconds a foldable line must stay at zero before it folds away: longer than the time window, and at
    /// least half a minute, so a chart that has something to show stays for a while after it.
    [[nodiscard]] double foldAfterS() const;
    /// The marker labels drawn on one chart now, with where they are (chart coordinates), for tests.
    struct DrawnMarker {
        QString text;
        QRectF rect;
    };
    [[nodiscard]] QList<DrawnMarker> markerLabels(Chart chart) const;

signals:
    /// The "model: assumptions" link under a chart was clicked.
    void modelInfoRequested();

private:
    struct LineSpec {
        Series series = Series::Produced;
        QString name;
        visual::Ink ink = visual::Ink::Primary;
        Qt::PenStyle style = Qt::SolidLine;
        bool smoothable = false;
    };
    struct Line {
        LineSpec spec;
        QLineSeries *line = nullptr;
    };
    struct Plot {
        QChart *chart = nullptr;
        QChartView *view = nullptr;
        QLabel *title = nullptr; ///< above the chart: a label wraps where a chart title would be elided
        QLabel *legend = nullptr; ///< below it, for the same reason
        QCategoryAxis *x = nullptr;
        QCategoryAxis *y = nullptr;
        ticks::Unit unit = ticks::Unit::Plain;
        bool log = false;
        bool fixedPercent = false;
        std::vector<Line> lines;
        QList<double> yTicks; ///< the value axis' ticks now
        QList<double> yShown; ///< those labelled: the ones whose label fits
        ticks::LogAxis logShown; ///< a log axis: its range and ticks now
        QList<double> xTicks;
        QSizeF plotSize; ///< the axes measure their labels when set: a new size sets them again
        QWidget *box = nullptr; ///< title, chart and legend: what folds away
        bool folded = false;
        std::vector<QGraphicsSimpleTextItem *> markerTexts; ///< reused from redraw to redraw; spares hidden
    };
    QWidget *addChart(const QString &title, ticks::Unit unit, bool log, const QList<LineSpec> &lines);
    void updateLegend(Plot &plot);
    /// Ticks `values` on the value axis, which spans [low, high] (log axes: beyond the outer ticks).
    void setValueTicks(Plot &plot, const QList<double> &values, double low, double high);
    /// Labels the value axis' ticks whose labels fit the chart's width now; lays the chart out if they change.
    void labelValueTicks(Plot &plot);
    /// Returns whether the labels changed; with `mayRelabel` false they change only if there are none yet.
    bool setTimeTicks(Plot &plot, double from, double to, bool mayRelabel);
    /// Whether `value`'s label fits the room Qt gives the value axis at the chart's width (40% of it).
    [[nodiscard]] bool valueLabelFits(const Plot &plot, double value) const;
    /// How many intervals the value axis can label at the chart's size and font without eliding one.
    [[nodiscard]] int valueIntervals(const Plot &plot) const;
    void styleAxis(QCategoryAxis *axis) const;
    void placeMarkers();
    void placeMarkerLabels(Plot &plot);
    [[nodiscard]] QFont markerFont() const;
    void styleLine(const Line &line);
    /// Lines that can have nothing to show for a whole run (dropped, failures, restarts, dead letters, held
    /// back, budget) leave their chart's legend while they have been at zero for foldAfterS(); a chart whose
    /// every line left folds away, and the others take its room. One point above zero brings a line back at
    /// once; it leaves again only after foldAfterS() without: the layout changes when data appears, never from
    /// second to second.
    void foldEmpty(const TelemetryHistory &history);
    /// Places the charts that are not folded two to a row, in reading order; an odd last one spans the row.
    void layOutCharts();

    struct Marker {
        double atS = 0;
        QString text;
        std::vector<QLineSeries *> lines; ///< one per chart
    };
    std::vector<Marker> m_markers;
    std::vector<QLineSeries *> m_cursorLines; ///< one per chart
    std::optional<double> m_cursorS;
    void placeCursor();
    /// A model line's points: the stretch since the model last stopped applying (none while it does not, or with
    /// the model lines off), shown or hidden to match; true if that changed its legend. `measuredHigh`: the
    /// highest measured value drawn on its chart so far.
    bool modelPoints(const Line &l, QList<QPointF> &points, double measuredHigh) const;
    std::vector<Plot> m_plots;
    int m_windowS = 60;
    bool m_smoothing = false;
    bool m_dark = false;
    int m_textPx = visual::kDeskTextPx;
    bool m_showModel = true;
    QString m_modelNote;
};

} // namespace beam
