// SPDX-License-Identifier: MIT
#pragma once

#include "enginebridge.h"

#include <QJsonDocument>
#include <QList>
#include <QPointF>
#include <QString>

#include <deque>

namespace beam {

/// What the charts plot, one value per snapshot.
enum class Series {
    Produced,
    Processed,
    Dropped, // events/s
    LatencyP50,
    LatencyP99,
    LatencyMax, // microseconds
    FailuresPerSec,
    RestartsPerSec,
    DeadLettersPerSec,
    InFlight,
    Limit,
    BackpressurePercent,
    BudgetPercent, ///< the consumers' supervisor: restarts in its window / its intensity, in %
    RssMegabytes,
    // The queueing model of each snapshot (modelOfSnapshot, core/queueingmodel.h); NaN where it does not apply.
    ModelCapacity, ///< the most the pipeline can finish per second, events/s (NaN: no work, nothing bounds it)
    ModelWMean, ///< predicted mean time in system, microseconds (NaN: saturated, crashes dominate)
    ModelWP99, ///< predicted p99 of it, microseconds
    ModelInFlight, ///< predicted mean in flight, L = lambda x W, events
    PacingLagP99, ///< p99 of the pacing lag (how far from its due time an event was created) over the window,
                  ///< microseconds
    Count
};

/// The window's memory of the run: one compact row per snapshot, ten minutes and more, kept while the user
/// switches views or pauses the charts. Threads: GUI thread only.
class TelemetryHistory
{
public:
    static constexpr std::size_t kCapacity = 12000; ///< 20 minutes at the default 100 ms

    void add(const Snapshot &snapshot);
    void clear();
    [[nodiscard]] std::size_t size() const { return m_rows.size(); }
    [[nodiscard]] bool isEmpty() const { return m_rows.empty(); }
    [[nodiscard]] double lastTime() const { return m_rows.empty() ? 0.0 : m_rows.back().t; }

    /// Points (elapsed seconds, value) of one series over the last `windowS` seconds.
    [[nodiscard]] QList<QPointF> points(Series series, double windowS) const;
    /// Points of one series from `fromS` to `toS` (elapsed seconds, inclusive).
    [[nodiscard]] QList<QPointF> points(Series series, double fromS, double toS) const;
    /// Highest value of a series over the window (0 when empty).
    [[nodiscard]] double maxOf(Series series, double windowS) const;

    [[nodiscard]] QString toCsv() const;
    [[nodiscard]] QJsonDocument toJson() const;
    [[nodiscard]] static QString name(Series series);

private:
    struct Row {
        double t = 0;
        double values[static_cast<int>(Series::Count)] = {};
    };
    std::deque<Row> m_rows;
};

} // namespace beam
