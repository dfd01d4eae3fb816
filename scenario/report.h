// SPDX-License-Identifier: MIT
#pragma once

#include "core/deadletters.h"
#include "core/histogram.h"
#include "core/littleslaw.h"
#include "core/snapshot.h"

#include <QJsonObject>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace beam {

/// Figures over the last second, as the newest snapshot has them (Snapshot::windowS): rates, back-pressure,
/// the mean in flight and the latencies, for the checks and Little's law (L = lambda x W). They are the very
/// numbers the window's tiles, charts and topology show.
struct RecentFigures {
    double windowS = 0; ///< the time covered (about 1 s; less in the first second of a run)
    double processedPerSec = 0; ///< processed successfully per second
    double producedPerSec = 0;
    double backpressureRatio = 0;
    double inFlightMean = 0; ///< L, time-weighted
    double latencyMeanUs = 0; ///< W, weighted by the number of events finished
    double consumerBusyMean = 0; ///< mean busy ratio of the active consumers: their measured utilisation rho
    double consumerIoWaitMean = 0; ///< mean share of the time the active consumers waited on I/O
    // What the charts show over the window, so a caption's claim about a chart can be checked:
    double latencyP50Us = 0; ///< p50 of the events finished in the window (the Latency chart's p50 line)
    double latencyP99Us = 0; ///< p99 of the same (the p99 line and the latency tile)
    double latencyMaxUs = 0; ///< the highest latency finished in the window
    double droppedPerSec = 0;
    double failedPerSec = 0; ///< failed attempts
    double restartsPerSec = 0; ///< consumer restarts
    double heldBackMaxRatio = 0; ///< the most held back any one producer was over the window, 0..1
    double rssMb = 0; ///< resident memory at the end of the window
    double inFlightNow = 0; ///< in flight at the end of the window
    double pacingLagP50Us = 0; ///< pacing lag (distance of creation from due time) of the events created in the window
    double pacingLagP99Us = 0; ///< its 99th percentile
    double cpuPercent = 0; ///< the process's CPU over the window, % of one core (time-weighted over the intervals)
    /// each engine thread's busy share (ThreadSample::utilisation), time-weighted, by thread name
    std::map<std::string, double> threadUtilisation;
};

RecentFigures recentFigures(const std::vector<std::shared_ptr<const Snapshot>> &history, double windowS = 1.0);

/// Judges Little's law over `history` (snapshots in time order; judgeLittlesLaw() and LittlesRule in
/// core/littleslaw.h say how): L, lambda and W over the last `windowS`, the trend of L over the last
/// LittlesRule::trendS, about two seconds of history to judge.
LittlesLaw littlesLaw(const std::vector<std::shared_ptr<const Snapshot>> &history, double windowS = 1.0);

/// What a report is made of besides the snapshot: run time, the engine-wide latency histogram, process
/// figures and the engine's notice. The headless summary, `--report-json`, scenario assertions (at the end or
/// at a time) and the window's JSON export all use the same report.
struct ReportInputs {
    double durationS = 0;
    Histogram latency; ///< engine-wide, cumulative
    std::uint64_t peakRssBytes = 0;
    double cpuPercentAvg = 0;
    std::string notice;
    std::vector<DeadLetter> deadLetters; ///< the last 20 are reported
    int warnings = 0; ///< warnings raised so far
    RecentFigures recent;
    LittlesLaw littles; ///< over the same window, with whether the system is steady
    /// The flight recorder's holding (docs/recording.md); `recorderOn` false: the run kept none.
    bool recorderOn = false;
    std::size_t recorderSnapshots = 0;
    std::size_t recorderBytes = 0;
    std::size_t recorderLimitBytes = 0;
    double recorderSpanS = 0;
};

/// The JSON report (field names documented in the README; scenario assertions address them by dotted path).
QJsonObject reportJson(const Snapshot &snapshot, const ReportInputs &inputs);

} // namespace beam
