// SPDX-License-Identifier: MIT
#include "report.h"
#include "core/queueingmodel.h"

#include "configjson.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {

double us(std::uint64_t ns)
{
    return static_cast<double>(ns) / 1000.0;
}

double num(std::uint64_t value)
{
    return static_cast<double>(value);
}

double num(std::int64_t value)
{
    return static_cast<double>(value);
}

/// The same from a snapshot's summary (already in microseconds).
QJsonObject latencyJson(const LatencySummary &summary)
{
    QJsonObject latency;
    latency[QStringLiteral("p50")] = summary.p50;
    latency[QStringLiteral("p90")] = summary.p90;
    latency[QStringLiteral("p99")] = summary.p99;
    latency[QStringLiteral("p999")] = summary.p999;
    latency[QStringLiteral("max")] = summary.max;
    latency[QStringLiteral("mean")] = summary.mean;
    return latency;
}

/// The engine-wide latency quantiles over the run, in microseconds.
QJsonObject latencyJson(const Histogram &histogram)
{
    QJsonObject latency;
    latency[QStringLiteral("p50")] = us(histogram.quantile(0.5));
    latency[QStringLiteral("p90")] = us(histogram.quantile(0.9));
    latency[QStringLiteral("p99")] = us(histogram.quantile(0.99));
    latency[QStringLiteral("p999")] = us(histogram.quantile(0.999));
    latency[QStringLiteral("max")] = us(histogram.max());
    latency[QStringLiteral("mean")] = histogram.mean() / 1000.0;
    return latency;
}

/// How work reached the executor threads over the run (docs/executor.md).
QJsonObject handoverJson(const Snapshot &s)
{
    QJsonObject handover;
    handover[QStringLiteral("inline_runs")] = num(s.handover.inlineRuns);
    handover[QStringLiteral("inline_refused")] = num(s.handover.inlineRefused);
    handover[QStringLiteral("handed_over")] = num(s.handover.notified);
    handover[QStringLiteral("signalled")] = num(s.handover.signalled);
    handover[QStringLiteral("wakeups")] = num(s.handover.wakeups);
    handover[QStringLiteral("poll_hits")] = num(s.handover.pollHits);
    handover[QStringLiteral("sleeps")] = num(s.handover.sleeps);
    return handover;
}

/// "consumers" (the active ones), "queue_depth_max" and "consumers_down".
void addConsumers(const Snapshot &s, QJsonObject &report)
{
    std::int64_t queueMax = 0;
    int down = 0;
    QJsonArray consumers; // by index, as the topology draws them (the rates over the snapshot's window)
    for (const auto &c : s.consumers) {
        queueMax = std::max(queueMax, c.queueDepth);
        down += c.active && c.state != "running" ? 1 : 0;
        if (!c.active)
            continue;
        QJsonObject consumer;
        consumer[QStringLiteral("index")] = c.index;
        consumer[QStringLiteral("processed_per_s")] = c.processedPerSec;
        consumer[QStringLiteral("queue_depth")] = num(c.queueDepth);
        consumer[QStringLiteral("busy")] = c.busyRatio;
        consumer[QStringLiteral("io_wait")] = c.ioWaitRatio;
        consumer[QStringLiteral("state")] = QString::fromStdString(c.state);
        consumer[QStringLiteral("crashes")] = num(c.crashes);
        consumer[QStringLiteral("crashes_in_window")] = num(c.crashesInWindow);
        consumer[QStringLiteral("restarts")] = num(c.restarts);
        consumers.append(consumer);
    }
    report[QStringLiteral("queue_depth_max")] = num(queueMax);
    report[QStringLiteral("consumers")] = consumers;
    report[QStringLiteral("consumers_down")] = down; // not running at this instant: down or hung
}

/// The last second: what the charts show now.
QJsonObject recentJson(const RecentFigures &r)
{
    QJsonObject recent;
    recent[QStringLiteral("processed_per_s")] = r.processedPerSec;
    recent[QStringLiteral("produced_per_s")] = r.producedPerSec;
    recent[QStringLiteral("backpressure_pct")] = r.backpressureRatio * 100.0;
    recent[QStringLiteral("in_flight_mean")] = r.inFlightMean;
    recent[QStringLiteral("latency_mean_us")] = r.latencyMeanUs;
    recent[QStringLiteral("latency_p50_us")] = r.latencyP50Us;
    recent[QStringLiteral("latency_p99_us")] = r.latencyP99Us;
    recent[QStringLiteral("latency_max_us")] = r.latencyMaxUs;
    recent[QStringLiteral("dropped_per_s")] = r.droppedPerSec;
    recent[QStringLiteral("failed_per_s")] = r.failedPerSec;
    recent[QStringLiteral("restarts_per_s")] = r.restartsPerSec;
    recent[QStringLiteral("held_back_max_pct")] = r.heldBackMaxRatio * 100.0;
    recent[QStringLiteral("rss_mb")] = r.rssMb;
    recent[QStringLiteral("in_flight_now")] = r.inFlightNow;
    recent[QStringLiteral("pacing_lag_p50_us")] = r.pacingLagP50Us;
    recent[QStringLiteral("pacing_lag_p99_us")] = r.pacingLagP99Us;
    recent[QStringLiteral("cpu_pct")] = r.cpuPercent;
    return recent;
}

/// Little's law as the tile shows it, from the one verdict (littlesLaw(), core/littleslaw.h): the means over
/// the window; the trend of L over the last few seconds with its standard error; the change it implies and
/// the limit it is judged against (sqrt(L), the noise of a count, or 3 standard errors if more). Read the
/// ratio only when `steady`.
QJsonObject littlesLawJson(const LittlesLaw &law)
{
    QJsonObject little;
    little[QStringLiteral("in_flight")] = law.inFlightMean;
    little[QStringLiteral("throughput_per_s")] = law.throughputPerSec;
    little[QStringLiteral("latency_mean_us")] = law.latencyMeanS * 1e6;
    little[QStringLiteral("throughput_x_latency")] = law.predicted;
    little[QStringLiteral("ratio")] = law.inFlightMean > 0 ? law.predicted / law.inFlightMean : 0.0;
    little[QStringLiteral("known")] = law.known;
    little[QStringLiteral("steady")] = law.known && law.steady;
    little[QStringLiteral("agrees")] = law.agrees;
    little[QStringLiteral("noise")] = law.noise;
    little[QStringLiteral("trend_per_s")] = law.trendPerSec;
    little[QStringLiteral("trend_error_per_s")] = law.trendErrorPerSec;
    little[QStringLiteral("trend_s")] = law.trendS;
    little[QStringLiteral("change")] = law.change();
    little[QStringLiteral("change_limit")] = law.limit;
    return little;
}

/// Many consumers, few threads: how busy each engine thread was running graph work (an I/O wait is not).
/// `executorsBusy` sums the executor threads' recent utilisation.
QJsonArray schedulersJson(const Snapshot &s, const RecentFigures &r, double &executorsBusy)
{
    QJsonArray schedulers;
    for (const auto &t : s.threads) {
        QJsonObject thread;
        thread[QStringLiteral("name")] = QString::fromStdString(t.name);
        thread[QStringLiteral("kind")]
            = t.kind == ThreadSample::Kind::Executor ? QStringLiteral("executor") : QStringLiteral("producer");
        thread[QStringLiteral("utilisation")] = t.utilisationRun;
        const auto recentBusy = r.threadUtilisation.find(t.name);
        thread[QStringLiteral("utilisation_recent")]
            = recentBusy != r.threadUtilisation.end() ? recentBusy->second : t.utilisation;
        if (t.kind == ThreadSample::Kind::Executor)
            executorsBusy += thread[QStringLiteral("utilisation_recent")].toDouble();
        schedulers.append(thread);
    }
    return schedulers;
}

/// Crashes by cause, and their total.
QJsonObject crashesJson(const Snapshot &s)
{
    QJsonObject crashes;
    crashes[QStringLiteral("random")] = num(s.crashesRandom);
    crashes[QStringLiteral("killed")] = num(s.crashesKilled);
    crashes[QStringLiteral("hang")] = num(s.crashesHang);
    crashes[QStringLiteral("exception")] = num(s.crashesException);
    crashes[QStringLiteral("total")] = num(s.crashes());
    return crashes;
}

/// The supervision tree: one node a supervisor, with its children's names.
QJsonArray supervisionJson(const Snapshot &s)
{
    QJsonArray tree;
    for (const auto &sup : s.supervisors) {
        QJsonObject node;
        node[QStringLiteral("name")] = QString::fromStdString(sup.name);
        node[QStringLiteral("strategy")] = QString::fromStdString(sup.strategy);
        node[QStringLiteral("state")] = QString::fromStdString(sup.state);
        node[QStringLiteral("restarts")] = num(sup.restarts);
        node[QStringLiteral("restarts_in_window")] = sup.restartsInWindow;
        node[QStringLiteral("max_restarts")] = sup.maxRestarts;
        node[QStringLiteral("max_seconds")] = sup.maxSeconds;
        node[QStringLiteral("budget_in_use")] = sup.budgetInUse;
        QJsonArray children;
        for (const auto &child : sup.children)
            children.append(QString::fromStdString(child));
        node[QStringLiteral("children")] = children;
        tree.append(node);
    }
    return tree;
}

/// The last 20 dead letters.
QJsonArray deadLettersJson(const std::vector<DeadLetter> &dead)
{
    QJsonArray letters;
    for (std::size_t i = dead.size() > 20 ? dead.size() - 20 : 0; i < dead.size(); ++i) {
        QJsonObject letter;
        letter[QStringLiteral("id")] = QString::number(dead[i].id);
        letter[QStringLiteral("key")] = static_cast<int>(dead[i].key);
        letter[QStringLiteral("attempts")] = dead[i].attempts;
        letter[QStringLiteral("reason")] = QString::fromStdString(dead[i].reason);
        letters.append(letter);
    }
    return letters;
}

} // namespace

RecentFigures recentFigures(const std::vector<std::shared_ptr<const Snapshot>> &history, double windowS)
{
    RecentFigures f;
    if (history.empty())
        return f;
    // Rates, ratios and latencies are the newest snapshot's own: the sampler makes them once, over its window,
    // for every reader (tiles, charts, topology, console and these figures alike).
    const Snapshot &last = *history.back();
    f.windowS = last.windowS;
    f.processedPerSec = last.processedPerSec;
    f.producedPerSec = last.producedPerSec;
    f.backpressureRatio = last.backpressureRatio;
    f.inFlightMean = last.inFlightMeanWindow;
    f.latencyMeanUs = last.window.mean;
    f.latencyP50Us = last.window.p50;
    f.latencyP99Us = last.window.p99;
    f.latencyMaxUs = last.window.max;
    f.droppedPerSec = last.droppedPerSec;
    f.failedPerSec = last.failedPerSec;
    f.restartsPerSec = last.restartsPerSec;
    f.rssMb = num(last.rssBytes) / (1024.0 * 1024.0);
    f.inFlightNow = num(last.inFlight);
    f.pacingLagP50Us = last.pacingLag.p50;
    f.pacingLagP99Us = last.pacingLag.p99;
    for (const auto &p : last.producers)
        f.heldBackMaxRatio = std::max(f.heldBackMaxRatio, p.backpressureRatio);
    int active = 0;
    for (const auto &c : last.consumers) {
        if (c.active) {
            f.consumerBusyMean += c.busyRatio;
            f.consumerIoWaitMean += c.ioWaitRatio;
            ++active;
        }
    }
    f.consumerBusyMean = active > 0 ? f.consumerBusyMean / active : 0;
    f.consumerIoWaitMean = active > 0 ? f.consumerIoWaitMean / active : 0;
    // The threads' busy shares are per interval (the Schedulers lanes draw them as they come): time-weighted here.
    std::map<std::string, double> threadCovered;
    double cpuCovered = 0;
    const double end = last.elapsedS;
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
        const Snapshot &s = **it;
        if (s.elapsedS <= end - windowS || s.intervalS <= 0)
            break;
        for (const auto &t : s.threads) {
            f.threadUtilisation[t.name] += t.utilisation * s.intervalS;
            threadCovered[t.name] += s.intervalS;
        }
        f.cpuPercent += s.cpuPercent * s.intervalS;
        cpuCovered += s.intervalS;
    }
    for (auto &[name, busy] : f.threadUtilisation)
        busy /= threadCovered[name]; // over the part of the window the thread was sampled in
    f.cpuPercent = cpuCovered > 0 ? f.cpuPercent / cpuCovered : last.cpuPercent;
    return f;
}

LittlesLaw littlesLaw(const std::vector<std::shared_ptr<const Snapshot>> &history, double windowS)
{
    // Per interval: lambda from the events finished in it and W from their latencies (the same events), L from
    // the time-weighted mean in flight. (The snapshot's rates cover its one-second window, not the interval.)
    std::vector<LittlesInterval> intervals;
    intervals.reserve(history.size());
    for (const auto &s : history)
        intervals.push_back({.endS = s->elapsedS,
            .lengthS = s->intervalS,
            .inFlightMean = s->inFlightMean,
            .finished = static_cast<double>(s->interval.count),
            .latencyMeanS = s->interval.mean / 1e6});
    LittlesRule rule;
    rule.windowS = windowS;
    return judgeLittlesLaw(intervals, rule);
}

QJsonObject modelJson(const QueueingModel &m, const RecentFigures &r)
{
    const auto orNull = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
    QJsonObject model;
    model[QStringLiteral("fit")] = QString::fromUtf8(toString(m.fit).data());
    model[QStringLiteral("why")] = QString::fromStdString(m.why);
    model[QStringLiteral("rho")] = orNull(m.rho);
    model[QStringLiteral("rho_cpu")] = m.rhoCpu;
    model[QStringLiteral("bottleneck_consumer")] = m.bottleneckConsumer;
    model[QStringLiteral("offered_eps")] = orNull(m.offeredPerSec);
    model[QStringLiteral("capacity_eps")] = orNull(m.capacityPerSec);
    model[QStringLiteral("capacity_stage")] = QString::fromUtf8(toString(m.capacityStage).data());
    model[QStringLiteral("throughput_eps")] = orNull(m.throughputPerSec);
    model[QStringLiteral("service_us")] = m.serviceUs;
    model[QStringLiteral("overhead_us")] = m.overheadUs;
    model[QStringLiteral("w_mean_us")] = orNull(m.wMeanUs);
    model[QStringLiteral("w_p99_us")] = orNull(m.wP99Us);
    model[QStringLiteral("l_mean")] = orNull(m.lMean);
    // Measured against predicted, over the same window as the recent figures: what a caption states.
    const bool drawn = m.drawsW() && m.wMeanUs > 0 && r.latencyMeanUs > 0;
    model[QStringLiteral("w_ratio")] = drawn ? QJsonValue(r.latencyMeanUs / m.wMeanUs) : QJsonValue();
    model[QStringLiteral("throughput_ratio")] = m.throughputPerSec > 0 && std::isfinite(m.throughputPerSec)
        ? QJsonValue(r.processedPerSec / m.throughputPerSec)
        : QJsonValue();
    return model;
}

/// Pacing lag since start: how far from its due time on its producer's schedule an event was created, late or
/// early (what batching costs), with the pacing in force.
QJsonObject pacingLagJson(const Snapshot &s)
{
    QJsonObject lag = latencyJson(s.pacingLagCumulative);
    lag[QStringLiteral("pacing")] = QString::fromStdString(s.config.pacingText());
    return lag;
}

QJsonObject reportJson(const Snapshot &s, const ReportInputs &in)
{
    const double runS = std::max(1e-9, in.durationS);
    QJsonObject report;
    report[QStringLiteral("version")] = QStringLiteral(BEAM_VERSION);
    report[QStringLiteral("config")] = configToJson(s.config);
    report[QStringLiteral("duration_s")] = in.durationS;
    report[QStringLiteral("state")] = QString::fromUtf8(toString(s.state).data());
    report[QStringLiteral("produced")] = num(s.produced);
    report[QStringLiteral("processed")] = num(s.processed);
    report[QStringLiteral("failed")] = num(s.failed);
    report[QStringLiteral("retried")] = num(s.retried);
    report[QStringLiteral("dead_lettered")] = num(s.deadLettered);
    report[QStringLiteral("dropped")] = num(s.dropped);
    report[QStringLiteral("in_flight")] = num(s.inFlight + static_cast<std::int64_t>(s.abandoned));
    report[QStringLiteral("lost")] = num(s.lost);
    report[QStringLiteral("max_in_flight_observed")] = num(s.maxInFlightObserved);
    // The limiter_node's own numbers: its threshold (the bound), its highest count, the events it refused.
    QJsonObject limiter;
    limiter[QStringLiteral("threshold")] = num(s.limit);
    limiter[QStringLiteral("count")] = num(s.limiterCount);
    limiter[QStringLiteral("count_max")] = num(s.limiterCountMax);
    limiter[QStringLiteral("refused")] = num(s.limiterRefused);
    report[QStringLiteral("limiter")] = limiter;
    report[QStringLiteral("throughput_eps")] = num(s.processed) / runS;
    QJsonObject recorder;
    recorder[QStringLiteral("on")] = in.recorderOn;
    recorder[QStringLiteral("snapshots")] = static_cast<double>(in.recorderSnapshots);
    recorder[QStringLiteral("bytes")] = static_cast<double>(in.recorderBytes);
    recorder[QStringLiteral("limit_bytes")] = static_cast<double>(in.recorderLimitBytes);
    recorder[QStringLiteral("span_s")] = in.recorderSpanS;
    report[QStringLiteral("flight_recorder")] = recorder;
    // A recorded run keeps each snapshot's summary of the histogram, not the histogram: a replay reports that.
    report[QStringLiteral("latency_us")]
        = in.latency.count() > 0 || s.cumulative.count == 0 ? latencyJson(in.latency) : latencyJson(s.cumulative);
    report[QStringLiteral("pacing_lag_us")] = pacingLagJson(s);
    report[QStringLiteral("peak_rss_bytes")] = num(in.peakRssBytes);
    report[QStringLiteral("rss_mb")] = num(s.rssBytes) / (1024.0 * 1024.0);
    report[QStringLiteral("cpu_percent_avg")] = in.cpuPercentAvg;
    report[QStringLiteral("executor_handover")] = handoverJson(s);
    report[QStringLiteral("safety_cap_hit")] = s.safetyCapHit;
    report[QStringLiteral("notice")] = QString::fromStdString(in.notice);
    report[QStringLiteral("warnings")] = in.warnings;

    addConsumers(s, report);

    // The last second: what the charts show now. Little's law: L = lambda x W.
    const RecentFigures &r = in.recent;
    report[QStringLiteral("recent")] = recentJson(r);
    report[QStringLiteral("littles_law")] = littlesLawJson(in.littles);
    QJsonObject rho;
    rho[QStringLiteral("consumers_measured")] = r.consumerBusyMean;
    rho[QStringLiteral("consumers_io_wait")] = r.consumerIoWaitMean;
    const QueueingModel model = modelOfSnapshot(s);
    rho[QStringLiteral("consumers_model")] = model.rhoConsumersMean;
    report[QStringLiteral("model")] = modelJson(model, r);
    rho[QStringLiteral("limiter")] = s.limit > 0 ? num(s.inFlight) / num(s.limit) : 0.0;
    report[QStringLiteral("utilisation")] = rho;
    double executorsBusy = 0;
    report[QStringLiteral("schedulers")] = schedulersJson(s, r, executorsBusy);
    // The executor threads together, in cores: oneTBB does not share work evenly between them, so one lane may
    // be full while another idles; their sum is what the work costs.
    rho[QStringLiteral("executors_busy_cores")] = executorsBusy;
    report[QStringLiteral("utilisation")] = rho;

    report[QStringLiteral("restarts")] = num(s.restarts);
    report[QStringLiteral("escalations")] = num(s.escalations);
    report[QStringLiteral("pipeline_restarts")] = num(s.pipelineRestarts);
    report[QStringLiteral("gave_up")] = s.gaveUp;
    report[QStringLiteral("redelivered")] = num(s.redelivered);
    report[QStringLiteral("abandoned")] = num(s.abandoned);
    report[QStringLiteral("crashes")] = crashesJson(s);
    QJsonObject recovery;
    recovery[QStringLiteral("count")] = num(s.recovery.count);
    recovery[QStringLiteral("p50")] = s.recovery.p50;
    recovery[QStringLiteral("p99")] = s.recovery.p99;
    recovery[QStringLiteral("max")] = s.recovery.max;
    report[QStringLiteral("recovery_us")] = recovery;
    report[QStringLiteral("supervision")] = supervisionJson(s);
    report[QStringLiteral("dead_letters_last")] = deadLettersJson(in.deadLetters);
    return report;
}

} // namespace beam
