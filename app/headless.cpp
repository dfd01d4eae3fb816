// SPDX-License-Identifier: MIT
#include "headless.h"
#include "metrics.h"

#include "core/engine.h"
#include "core/processstats.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

namespace beam {

namespace {

std::atomic<bool> g_stopRequested{false};

void onSignal(int)
{
    g_stopRequested.store(true);
}

void installSignalHandlers()
{
    struct sigaction action {
    };
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

QJsonObject configJson(const PipelineConfig &c)
{
    QJsonObject o;
    o[QStringLiteral("producers")] = c.producers;
    o[QStringLiteral("consumers")] = c.consumers;
    o[QStringLiteral("rate")] = c.rate ? QJsonValue(static_cast<double>(*c.rate)) : QJsonValue(QStringLiteral("max"));
    o[QStringLiteral("max_in_flight")] = static_cast<double>(c.maxInFlight);
    o[QStringLiteral("work_us")] = c.workUs;
    o[QStringLiteral("io_us")] = c.ioUs;
    o[QStringLiteral("fault_rate")] = c.faultRate;
    o[QStringLiteral("max_attempts")] = c.maxAttempts;
    o[QStringLiteral("overload")] = QString::fromUtf8(toString(c.overload).data());
    o[QStringLiteral("safety_cap")] = static_cast<double>(c.safetyCap);
    o[QStringLiteral("interval_ms")] = c.intervalMs;
    o[QStringLiteral("seed")] = QString::number(c.seed); // a string: JSON numbers lose 64-bit integers
    o[QStringLiteral("crash_rate")] = c.crashRate;
    o[QStringLiteral("strategy")] = QString::fromUtf8(toString(c.strategy).data());
    o[QStringLiteral("max_restarts")] = c.maxRestarts;
    o[QStringLiteral("max_seconds")] = c.maxSeconds;
    o[QStringLiteral("top_max_restarts")] = c.topMaxRestarts;
    o[QStringLiteral("top_max_seconds")] = c.topMaxSeconds;
    o[QStringLiteral("backoff_min_ms")] = c.backoffMinMs;
    o[QStringLiteral("backoff_max_ms")] = c.backoffMaxMs;
    o[QStringLiteral("backoff_jitter")] = c.backoffJitter;
    o[QStringLiteral("poison_key")] = c.poisonKey ? QJsonValue(static_cast<int>(*c.poisonKey)) : QJsonValue();
    o[QStringLiteral("slow_consumer")] = c.slowConsumer
        ? QJsonValue(QStringLiteral("%1:%2").arg(c.slowConsumer->index).arg(c.slowConsumer->factor))
        : QJsonValue();
    o[QStringLiteral("hang_timeout_ms")] = c.hangTimeoutMs;
    o[QStringLiteral("on_escalation")] = QString::fromUtf8(toString(c.onEscalation).data());
    return o;
}

QJsonObject latencyJson(double p50, double p90, double p99, double p999, double max)
{
    QJsonObject o;
    o[QStringLiteral("p50")] = p50;
    o[QStringLiteral("p90")] = p90;
    o[QStringLiteral("p99")] = p99;
    o[QStringLiteral("p999")] = p999;
    o[QStringLiteral("max")] = max;
    return o;
}

bool writeJson(const QString &path, const QJsonObject &object)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "beam-me-up: cannot write '%s': %s\n", qPrintable(path), qPrintable(file.errorString()));
        return false;
    }
    file.write(QJsonDocument(object).toJson(QJsonDocument::Indented));
    return true;
}

double us(std::uint64_t ns)
{
    return static_cast<double>(ns) / 1000.0;
}

} // namespace

int runHeadless(const CommandLine &options)
{
    installSignalHandlers();
    // The endpoint listens before the engine starts, so a port in use fails fast and runs nothing.
    std::unique_ptr<MetricsEndpoint> metrics;
    if (options.metricsPort != 0) {
        std::string error;
        metrics = MetricsEndpoint::start(options.metricsBind.toStdString(), options.metricsPort, error);
        if (!metrics) {
            std::fprintf(stderr, "beam-me-up: --metrics-port: %s\n", error.c_str());
            return ExitUsage;
        }
    }
    Engine engine(options.config);
    if (const auto errors = engine.start(); !errors.empty()) {
        for (const auto &e : errors)
            std::fprintf(stderr, "beam-me-up: %s\n", e.message.c_str());
        return ExitUsage;
    }
    const PipelineConfig &c = options.config;
    // Scrapes read what this loop publishes once per sampling interval; they never touch the engine.
    auto publishedAt = std::chrono::steady_clock::time_point{};
    const auto publishMetrics = [&](bool now) {
        const auto at = std::chrono::steady_clock::now();
        if (!metrics || (!now && at - publishedAt < std::chrono::milliseconds(c.intervalMs)))
            return;
        publishedAt = at;
        metrics->publish(makeMetricsSample(engine.latest(), engine.latencyHistogram()));
    };
    publishMetrics(true);
    if (metrics)
        std::printf("beam-me-up: Prometheus metrics at %s\n", metrics->url().c_str());
    if (!options.quiet) {
        std::printf("beam-me-up %s headless: %d producer(s) at %s ev/s each, %d consumers, max in flight %lld, "
                    "overload %s, work %d us, io %d us, fault rate %g\n",
            BEAM_VERSION, c.producers, c.rateText().c_str(), c.consumers, static_cast<long long>(c.maxInFlight),
            toString(c.overload).data(), c.workUs, c.ioUs, c.faultRate);
        std::printf("%8s %12s %12s %9s %9s %10s %9s %6s %6s %8s %6s\n", "elapsed", "produced/s", "processed/s",
            "p50 us", "p99 us", "failed/s", "in flight", "bp %", "cpu %", "rss MB", "lost");
        std::fflush(stdout);
    }

    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    const auto startCpu = ProcessStats::read().cpuNs;
    auto lastCpu = startCpu;
    auto lastTime = started;
    std::uint64_t lastProduced = 0;
    std::uint64_t lastProcessed = 0;
    std::uint64_t lastFailed = 0;
    Histogram lastLatency;
    std::string lastNotice;

    // Timed fault injection (--kill-consumer, --hang-consumer), applied as their time comes.
    std::vector<std::pair<CommandLine::TimedFault, bool>> due;
    for (const auto &k : options.kills)
        due.push_back({k, true});
    for (const auto &h : options.hangs)
        due.push_back({h, false});
    const auto injectDue = [&] {
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        for (auto it = due.begin(); it != due.end();) {
            if (it->first.atS > elapsed) {
                ++it;
                continue;
            }
            if (it->second)
                engine.killConsumer(it->first.consumer);
            else
                engine.hangConsumer(it->first.consumer);
            it = due.erase(it);
        }
    };

    for (int second = 1; !g_stopRequested.load(); ++second) {
        const auto lineAt = started + std::chrono::seconds(second);
        const auto endAt = options.durationS
            ? started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*options.durationS))
            : Clock::time_point::max();
        const auto wakeAt = std::min(lineAt, endAt);
        while (!g_stopRequested.load() && !engine.gaveUp() && Clock::now() < wakeAt) {
            std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(5), wakeAt - Clock::now()));
            injectDue();
            publishMetrics(false);
        }
        if (engine.gaveUp())
            break;
        if (g_stopRequested.load() || Clock::now() < lineAt) {
            if (!g_stopRequested.load() && Clock::now() >= endAt)
                break;
            if (g_stopRequested.load())
                break;
        }

        const auto now = Clock::now();
        const auto snapshot = engine.sampleNow();
        // Back-pressure over the whole second, not just the last sampling interval.
        double pressure = 0;
        int samples = 0;
        for (const auto &h : engine.history()) {
            if (h->elapsedS > snapshot->elapsedS - 1.0) {
                pressure += h->backpressureRatio * h->intervalS;
                samples += 1;
            }
        }
        const double secondPressure = samples > 0 ? pressure / std::min(1.0, snapshot->elapsedS) : 0.0;
        const auto latency = engine.latencyHistogram();
        const auto window = latency.since(lastLatency);
        const auto cpu = ProcessStats::read().cpuNs;
        const double dt = std::chrono::duration<double>(now - lastTime).count();
        if (!options.quiet) {
            std::printf("%7.1fs %12.0f %12.0f %9.1f %9.1f %10.0f %9lld %6.1f %6.1f %8.1f %6lld\n",
                std::chrono::duration<double>(now - started).count(),
                static_cast<double>(snapshot->produced - lastProduced) / dt,
                static_cast<double>(snapshot->processed - lastProcessed) / dt, us(window.quantile(0.5)),
                us(window.quantile(0.99)), static_cast<double>(snapshot->failed - lastFailed) / dt,
                static_cast<long long>(snapshot->inFlight), std::min(1.0, secondPressure) * 100.0,
                static_cast<double>(cpu - lastCpu) / 1e9 / dt * 100.0,
                static_cast<double>(snapshot->rssBytes) / (1024.0 * 1024.0), static_cast<long long>(snapshot->lost));
            std::fflush(stdout);
        }
        if (const auto notice = engine.notice(); !notice.empty() && notice != lastNotice) {
            std::fprintf(stderr, "beam-me-up: %s\n", notice.c_str());
            lastNotice = notice;
        }
        lastTime = now;
        lastCpu = cpu;
        lastProduced = snapshot->produced;
        lastProcessed = snapshot->processed;
        lastFailed = snapshot->failed;
        lastLatency = latency;
        if (now >= endAt)
            break;
    }

    const auto stopAt = Clock::now();
    engine.stop(StopMode::Drain, std::chrono::seconds(30));
    const auto final = engine.latest();
    publishMetrics(true);
    const double runS = std::chrono::duration<double>(stopAt - started).count();
    const auto process = ProcessStats::read();
    const double cpuAvg = static_cast<double>(process.cpuNs - startCpu) / 1e9 / std::max(1e-9, runS) * 100.0;
    const auto latency = engine.latencyHistogram();
    const auto &s = *final;

    std::printf("\nsummary: %.1f s, produced %llu, processed %llu, failed attempts %llu, retried %llu, "
                "dead-lettered %llu, dropped %llu, in flight %lld, lost %lld\n",
        runS, static_cast<unsigned long long>(s.produced), static_cast<unsigned long long>(s.processed),
        static_cast<unsigned long long>(s.failed), static_cast<unsigned long long>(s.retried),
        static_cast<unsigned long long>(s.deadLettered), static_cast<unsigned long long>(s.dropped),
        static_cast<long long>(s.inFlight) + static_cast<long long>(s.abandoned), static_cast<long long>(s.lost));
    std::printf("         throughput %.0f events/s; latency p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us; "
                "max in flight %lld of %lld; cpu %.1f%% of a core; peak rss %.1f MB\n",
        static_cast<double>(s.processed) / std::max(1e-9, runS), us(latency.quantile(0.5)), us(latency.quantile(0.99)),
        us(latency.quantile(0.999)), us(latency.max()), static_cast<long long>(s.maxInFlightObserved),
        static_cast<long long>(c.maxInFlight), cpuAvg, static_cast<double>(process.peakRssBytes) / (1024.0 * 1024.0));
    const std::uint64_t crashTotal = s.crashesRandom + s.crashesKilled + s.crashesHang;
    if (s.restarts + crashTotal + s.escalations > 0) {
        std::printf("         supervision: crashes %llu (random %llu, killed %llu, hang %llu), restarts %llu, "
                    "redelivered %llu, escalations %llu, recovery p50 %.1f us, p99 %.1f us%s\n",
            static_cast<unsigned long long>(crashTotal), static_cast<unsigned long long>(s.crashesRandom),
            static_cast<unsigned long long>(s.crashesKilled), static_cast<unsigned long long>(s.crashesHang),
            static_cast<unsigned long long>(s.restarts), static_cast<unsigned long long>(s.redelivered),
            static_cast<unsigned long long>(s.escalations), s.recovery.p50, s.recovery.p99,
            s.gaveUp ? "; the top-level supervisor GAVE UP" : "");
    }
    if (!engine.notice().empty())
        std::printf("         note: %s\n", engine.notice().c_str());
    std::fflush(stdout);

    if (!options.reportJson.isEmpty()) {
        QJsonObject report;
        report[QStringLiteral("version")] = QStringLiteral(BEAM_VERSION);
        report[QStringLiteral("config")] = configJson(c);
        report[QStringLiteral("duration_s")] = runS;
        report[QStringLiteral("produced")] = static_cast<double>(s.produced);
        report[QStringLiteral("processed")] = static_cast<double>(s.processed);
        report[QStringLiteral("failed")] = static_cast<double>(s.failed);
        report[QStringLiteral("retried")] = static_cast<double>(s.retried);
        report[QStringLiteral("dead_lettered")] = static_cast<double>(s.deadLettered);
        report[QStringLiteral("dropped")] = static_cast<double>(s.dropped);
        report[QStringLiteral("in_flight")] = static_cast<double>(s.inFlight + static_cast<std::int64_t>(s.abandoned));
        report[QStringLiteral("lost")] = static_cast<double>(s.lost);
        report[QStringLiteral("max_in_flight_observed")] = static_cast<double>(s.maxInFlightObserved);
        report[QStringLiteral("throughput_eps")] = static_cast<double>(s.processed) / std::max(1e-9, runS);
        report[QStringLiteral("latency_us")] = latencyJson(us(latency.quantile(0.5)), us(latency.quantile(0.9)),
            us(latency.quantile(0.99)), us(latency.quantile(0.999)), us(latency.max()));
        report[QStringLiteral("peak_rss_bytes")] = static_cast<double>(process.peakRssBytes);
        report[QStringLiteral("cpu_percent_avg")] = cpuAvg;
        report[QStringLiteral("safety_cap_hit")] = s.safetyCapHit;
        report[QStringLiteral("notice")] = QString::fromStdString(engine.notice());
        report[QStringLiteral("restarts")] = static_cast<double>(s.restarts);
        report[QStringLiteral("escalations")] = static_cast<double>(s.escalations);
        report[QStringLiteral("pipeline_restarts")] = static_cast<double>(s.pipelineRestarts);
        report[QStringLiteral("gave_up")] = s.gaveUp;
        report[QStringLiteral("redelivered")] = static_cast<double>(s.redelivered);
        report[QStringLiteral("abandoned")] = static_cast<double>(s.abandoned);
        QJsonObject crashes;
        crashes[QStringLiteral("random")] = static_cast<double>(s.crashesRandom);
        crashes[QStringLiteral("killed")] = static_cast<double>(s.crashesKilled);
        crashes[QStringLiteral("hang")] = static_cast<double>(s.crashesHang);
        crashes[QStringLiteral("total")] = static_cast<double>(s.crashesRandom + s.crashesKilled + s.crashesHang);
        report[QStringLiteral("crashes")] = crashes;
        QJsonObject recovery;
        recovery[QStringLiteral("count")] = static_cast<double>(s.recovery.count);
        recovery[QStringLiteral("p50")] = s.recovery.p50;
        recovery[QStringLiteral("p99")] = s.recovery.p99;
        recovery[QStringLiteral("max")] = s.recovery.max;
        report[QStringLiteral("recovery_us")] = recovery;
        QJsonArray tree;
        for (const auto &sup : s.supervisors) {
            QJsonObject node;
            node[QStringLiteral("name")] = QString::fromStdString(sup.name);
            node[QStringLiteral("strategy")] = QString::fromStdString(sup.strategy);
            node[QStringLiteral("state")] = QString::fromStdString(sup.state);
            node[QStringLiteral("restarts")] = static_cast<double>(sup.restarts);
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
        report[QStringLiteral("supervision")] = tree;
        QJsonArray letters;
        const auto dead = engine.deadLetters();
        for (std::size_t i = dead.size() > 20 ? dead.size() - 20 : 0; i < dead.size(); ++i) {
            QJsonObject letter;
            letter[QStringLiteral("id")] = QString::number(dead[i].id);
            letter[QStringLiteral("key")] = static_cast<int>(dead[i].key);
            letter[QStringLiteral("attempts")] = dead[i].attempts;
            letter[QStringLiteral("reason")] = QString::fromStdString(dead[i].reason);
            letters.append(letter);
        }
        report[QStringLiteral("dead_letters_last")] = letters;
        if (!writeJson(options.reportJson, report))
            return ExitUsage;
    }

    if (s.lost != 0 || s.inFlight != 0) {
        std::fprintf(stderr, "beam-me-up: conservation broken: lost %lld, in flight after drain %lld\n",
            static_cast<long long>(s.lost), static_cast<long long>(s.inFlight));
        return ExitLost;
    }
    if (s.gaveUp) {
        std::fprintf(stderr, "beam-me-up: %s\n", engine.notice().c_str());
        return ExitEscalated;
    }
    return ExitOk;
}

int runBench(const CommandLine &options)
{
    const BenchOptions &b = options.bench;
    std::printf("beam-me-up %s benchmark: 1 producer, unthrottled, no work, back-pressure on (max in flight %lld), "
                "full telemetry\n%.1f s measured per row after %.1f s warm-up, median of %d run(s); bare graph = the "
                "same shape in plain "
                "oneTBB, no telemetry\n\n",
        BEAM_VERSION, static_cast<long long>(b.maxInFlight), b.secondsPerRow, b.warmupSeconds, b.runs);
    std::printf(
        "%9s %14s %9s %9s %16s %7s\n", "consumers", "engine ev/s", "p50 us", "p99 us", "bare graph ev/s", "ratio");
    std::fflush(stdout);

    const auto rowJson = [](const BenchRow &row) {
        QJsonObject o;
        o[QStringLiteral("consumers")] = row.consumers;
        o[QStringLiteral("events_per_sec")] = row.eventsPerSec;
        o[QStringLiteral("p50_us")] = row.p50Us;
        o[QStringLiteral("p99_us")] = row.p99Us;
        return o;
    };
    QJsonArray rows;
    QJsonArray baseline;
    QJsonArray ioRows;
    for (int consumers : b.consumerCounts) {
        PipelineConfig config;
        config.consumers = consumers;
        config.rate.reset();
        config.maxInFlight = b.maxInFlight;
        const BenchRow row = benchEngine(config, b);
        const BenchRow bare = benchBareGraph(consumers, b);
        std::printf("%9d %14.0f %9.1f %9.1f %16.0f %6.0f%%\n", consumers, row.eventsPerSec, row.p50Us, row.p99Us,
            bare.eventsPerSec, 100.0 * row.eventsPerSec / std::max(1.0, bare.eventsPerSec));
        std::fflush(stdout);
        rows.append(rowJson(row));
        baseline.append(rowJson(bare));
    }

    std::printf("\nscaling with simulated I/O: %d us per event, unthrottled, each serial consumer can finish at most "
                "%.0f events/s\n",
        b.ioUs, 1e6 / b.ioUs);
    std::printf(
        "%9s %14s %9s %9s %16s %7s\n", "consumers", "engine ev/s", "p50 us", "p99 us", "ideal ev/s", "of ideal");
    for (int consumers : b.ioConsumerCounts) {
        PipelineConfig config;
        config.consumers = consumers;
        config.rate.reset();
        config.ioUs = b.ioUs;
        config.maxInFlight = std::int64_t{consumers} * 32; // a backlog per consumer, so none idles
        const BenchRow row = benchEngine(config, b);
        const double ideal = consumers * 1e6 / b.ioUs;
        std::printf("%9d %14.0f %9.1f %9.1f %16.0f %6.0f%%\n", consumers, row.eventsPerSec, row.p50Us, row.p99Us, ideal,
            100.0 * row.eventsPerSec / ideal);
        std::fflush(stdout);
        ioRows.append(rowJson(row));
    }

    if (!options.benchJson.isEmpty()) {
        QJsonObject o;
        o[QStringLiteral("rows")] = rows;
        o[QStringLiteral("baseline")] = baseline;
        o[QStringLiteral("io_rows")] = ioRows;
        if (!writeJson(options.benchJson, o))
            return ExitUsage;
    }
    return ExitOk;
}

} // namespace beam
