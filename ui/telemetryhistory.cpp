// SPDX-License-Identifier: MIT
#include "telemetryhistory.h"

#include "core/queueingmodel.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <limits>

namespace beam {

namespace {
constexpr int index(Series series)
{
    return static_cast<int>(series);
}
} // namespace

QString TelemetryHistory::name(Series series)
{
    switch (series) {
    case Series::Produced:
        return QStringLiteral("produced_per_s");
    case Series::Processed:
        return QStringLiteral("processed_per_s");
    case Series::Dropped:
        return QStringLiteral("dropped_per_s");
    case Series::LatencyP50:
        return QStringLiteral("latency_p50_us");
    case Series::LatencyP99:
        return QStringLiteral("latency_p99_us");
    case Series::LatencyMax:
        return QStringLiteral("latency_max_us");
    case Series::FailuresPerSec:
        return QStringLiteral("failures_per_s");
    case Series::RestartsPerSec:
        return QStringLiteral("restarts_per_s");
    case Series::DeadLettersPerSec:
        return QStringLiteral("dead_letters_per_s");
    case Series::InFlight:
        return QStringLiteral("in_flight");
    case Series::Limit:
        return QStringLiteral("limit");
    case Series::BackpressurePercent:
        return QStringLiteral("backpressure_percent");
    case Series::BudgetPercent:
        return QStringLiteral("restart_budget_percent");
    case Series::RssMegabytes:
        return QStringLiteral("rss_mb");
    case Series::ModelCapacity:
        return QStringLiteral("model_capacity_per_s");
    case Series::ModelWMean:
        return QStringLiteral("model_w_mean_us");
    case Series::ModelWP99:
        return QStringLiteral("model_w_p99_us");
    case Series::ModelInFlight:
        return QStringLiteral("model_in_flight");
    case Series::PacingLagP99:
        return QStringLiteral("pacing_lag_p99_us");
    case Series::Count:
        break;
    }
    return {};
}

void TelemetryHistory::add(const Snapshot &s)
{
    if (!m_rows.empty() && s.elapsedS <= m_rows.back().t)
        return; // the same snapshot twice, or one from a run before a reset
    Row row;
    row.t = s.elapsedS;
    row.values[index(Series::Produced)] = s.producedPerSec;
    row.values[index(Series::Processed)] = s.processedPerSec;
    row.values[index(Series::Dropped)] = s.droppedPerSec;
    // Nothing finished in the window (a paused engine): no latency then, not a latency of 0.
    const bool finished = s.window.count > 0;
    constexpr double noValue = std::numeric_limits<double>::quiet_NaN();
    row.values[index(Series::LatencyP50)] = finished ? s.window.p50 : noValue;
    row.values[index(Series::LatencyP99)] = finished ? s.window.p99 : noValue;
    row.values[index(Series::LatencyMax)] = finished ? s.window.max : noValue;
    row.values[index(Series::FailuresPerSec)] = s.failedPerSec;
    row.values[index(Series::RestartsPerSec)] = s.restartsPerSec;
    row.values[index(Series::DeadLettersPerSec)] = s.deadLetteredPerSec;
    row.values[index(Series::InFlight)] = static_cast<double>(s.inFlight);
    // Under the unbounded policy nothing bounds the flow: its safety cap (millions) is an emergency stop, and as a
    // "limit" line it squashed the growth the lesson shows to a few percent of the chart. No line then.
    row.values[index(Series::Limit)] = s.config.overload == OverloadPolicy::Unbounded
        ? std::numeric_limits<double>::quiet_NaN()
        : static_cast<double>(s.limit);
    row.values[index(Series::BackpressurePercent)] = s.backpressureRatio * 100.0;
    const QueueingModel model = modelOfSnapshot(s);
    row.values[index(Series::ModelCapacity)]
        = model.capacityStage == ModelStage::Producers || !std::isfinite(model.capacityPerSec) ? noValue
                                                                                               : model.capacityPerSec;
    row.values[index(Series::ModelWMean)] = model.drawsW() ? model.wMeanUs : noValue;
    row.values[index(Series::ModelWP99)] = model.drawsW() ? model.wP99Us : noValue;
    row.values[index(Series::ModelInFlight)] = model.drawsW() ? model.lMean : noValue;
    // Nothing paced in the window (paused, unthrottled, a replay: recordings keep no pacing lag): no value.
    row.values[index(Series::PacingLagP99)] = s.pacingLag.count > 0 ? s.pacingLag.p99 : noValue;
    // The consumers' supervisor is the one every crash reaches; a tree that gave up has no budget left.
    for (const auto &sup : s.supervisors) {
        if (sup.name == "consumers")
            row.values[index(Series::BudgetPercent)] = sup.state == "gave_up" ? 100.0 : sup.budgetInUse * 100.0;
    }
    row.values[index(Series::RssMegabytes)] = static_cast<double>(s.rssBytes) / (1 << 20);
    m_rows.push_back(row);
    while (m_rows.size() > kCapacity)
        m_rows.pop_front();
}

void TelemetryHistory::clear()
{
    m_rows.clear();
}

QList<QPointF> TelemetryHistory::points(Series series, double windowS) const
{
    QList<QPointF> out;
    if (m_rows.empty())
        return out;
    const double from = m_rows.back().t - windowS;
    auto first = std::lower_bound(m_rows.begin(), m_rows.end(), from, [](const Row &r, double t) { return r.t < t; });
    out.reserve(static_cast<qsizetype>(std::distance(first, m_rows.end())));
    for (auto it = first; it != m_rows.end(); ++it)
        out.append(QPointF(it->t, it->values[index(series)]));
    return out;
}

QList<QPointF> TelemetryHistory::points(Series series, double fromS, double toS) const
{
    QList<QPointF> out;
    auto it = std::lower_bound(m_rows.begin(), m_rows.end(), fromS, [](const Row &r, double t) { return r.t < t; });
    for (; it != m_rows.end() && it->t <= toS; ++it)
        out.append(QPointF(it->t, it->values[index(series)]));
    return out;
}

double TelemetryHistory::maxOf(Series series, double windowS) const
{
    double high = 0;
    for (const QPointF &p : points(series, windowS))
        high = std::max(high, p.y());
    return high;
}

QString TelemetryHistory::toCsv() const
{
    QString csv = QStringLiteral("elapsed_s");
    for (int i = 0; i < index(Series::Count); ++i)
        csv += QLatin1Char(',') + name(Series(i));
    csv += QLatin1Char('\n');
    for (const Row &row : m_rows) {
        csv += QString::number(row.t, 'f', 3);
        for (double v : row.values)
            csv += QLatin1Char(',') + (std::isfinite(v) ? QString::number(v, 'g', 10) : QString()); // none: empty
        csv += QLatin1Char('\n');
    }
    return csv;
}

QJsonDocument TelemetryHistory::toJson() const
{
    QJsonArray rows;
    for (const Row &row : m_rows) {
        QJsonObject o;
        o[QStringLiteral("elapsed_s")] = row.t;
        for (int i = 0; i < index(Series::Count); ++i)
            o[name(Series(i))] = std::isfinite(row.values[i]) ? QJsonValue(row.values[i]) : QJsonValue();
        rows.append(o);
    }
    QJsonObject root;
    root[QStringLiteral("rows")] = rows;
    return QJsonDocument(root);
}

} // namespace beam
