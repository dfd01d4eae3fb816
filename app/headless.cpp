// SPDX-License-Identifier: MIT
#include "headless.h"
#include "metrics.h"

#include "core/engine.h"
#include "core/processstats.h"
#include "core/warnings.h"
#include "scenario/junit.h"
#include "scenario/report.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
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

namespace {

/// A scenario's timeline and assertions, played against the engine as time passes.
class ScenarioPlay
{
public:
    ScenarioPlay(const Scenario &scenario, Engine &engine)
        : m_scenario(scenario)
        , m_engine(engine)
    {
        for (const auto &a : scenario.expect)
            m_results.push_back({a, {}, false, 0});
    }

    /// Applies the steps that are due and evaluates the timed assertions that are due.
    void advance(double elapsedS, const std::function<QJsonObject()> &report)
    {
        while (m_next < m_scenario.timeline.size() && m_scenario.timeline[m_next].atS <= elapsedS)
            apply(m_scenario.timeline[m_next++], elapsedS);
        QJsonObject now;
        for (auto &r : m_results) {
            if (r.done || !r.assertion.atS || *r.assertion.atS > elapsedS)
                continue;
            if (now.isEmpty())
                now = report();
            r.result = evaluate(r.assertion, now);
            r.done = true;
            r.atS = elapsedS;
            std::printf("[%6.1f s] %s %s\n", elapsedS, r.result.passed ? "PASS" : "FAIL", qPrintable(r.result.message));
            std::fflush(stdout);
        }
    }

    /// Evaluates the end-of-run assertions; a timed one the run ended before fails, saying so.
    void finish(double endS, const QJsonObject &final, const QString &why)
    {
        for (auto &r : m_results) {
            if (r.done)
                continue;
            r.done = true;
            r.atS = endS;
            if (r.assertion.atS) {
                r.result = {false, {},
                    QStringLiteral("%1: not reached, the run ended at %2 s%3")
                        .arg(r.assertion.text)
                        .arg(endS, 0, 'f', 1)
                        .arg(why.isEmpty() ? QString() : QStringLiteral(" (") + why + QLatin1Char(')'))};
            } else {
                r.result = evaluate(r.assertion, final);
            }
        }
    }

    [[nodiscard]] int failures() const
    {
        return static_cast<int>(
            std::count_if(m_results.begin(), m_results.end(), [](const auto &r) { return !r.result.passed; }));
    }

    /// The scenario asserts at the end on whether the top gave up, so giving up is its expected outcome, not
    /// an exit 4. (A timed assertion on gave_up says nothing about the end.)
    [[nodiscard]] bool judgesGivingUp() const
    {
        return std::any_of(m_results.begin(), m_results.end(),
            [](const auto &r) { return r.assertion.path == QLatin1String("gave_up") && !r.assertion.atS; });
    }

    void print() const
    {
        std::printf("assertions: %d of %d passed\n", static_cast<int>(m_results.size()) - failures(),
            static_cast<int>(m_results.size()));
        for (const auto &r : m_results)
            std::printf("  %s  %s\n", r.result.passed ? "PASS" : "FAIL", qPrintable(r.result.message));
        std::fflush(stdout);
    }

    [[nodiscard]] QList<JUnitCase> junitCases() const
    {
        QList<JUnitCase> cases;
        for (const auto &r : m_results)
            cases.append({r.assertion.text, r.result.passed, r.result.message, r.atS});
        return cases;
    }

private:
    void apply(const ScenarioStep &step, double elapsedS)
    {
        switch (step.kind) {
        case ScenarioStep::Kind::Set:
            report(step, elapsedS, m_engine.reconfigure(step.configAfter));
            break;
        case ScenarioStep::Kind::Action:
            switch (step.action) {
            case ScenarioStep::Action::KillConsumer:
                m_engine.killConsumer(step.target);
                break;
            case ScenarioStep::Action::Pause:
                m_engine.pause();
                break;
            case ScenarioStep::Action::Resume:
                m_engine.resume();
                break;
            case ScenarioStep::Action::AddProducer:
            case ScenarioStep::Action::RemoveProducer:
                report(step, elapsedS, m_engine.reconfigure(step.configAfter));
                return;
            }
            report(step, elapsedS, {});
            break;
        case ScenarioStep::Kind::Caption:
            std::printf("[%6.1f s] >> %s\n", elapsedS, qPrintable(step.caption));
            std::fflush(stdout);
            break;
        }
    }

    static void report(const ScenarioStep &step, double elapsedS, const std::vector<ConfigError> &errors)
    {
        std::printf("[%6.1f s] %s\n", elapsedS, qPrintable(step.describe()));
        for (const auto &e : errors) // validated when the file was read; the engine may still refuse (a bug)
            std::fprintf(stderr, "beam-me-up: step at %.1f s refused: %s\n", step.atS, e.message.c_str());
        std::fflush(stdout);
    }

    struct Result {
        Assertion assertion;
        AssertionResult result;
        bool done = false;
        double atS = 0;
    };
    const Scenario &m_scenario;
    Engine &m_engine;
    qsizetype m_next = 0;
    std::vector<Result> m_results;
};

} // namespace

int runHeadless(const CommandLine &options)
{
    installSignalHandlers();
    const Scenario *scenario = options.scenario ? &*options.scenario : nullptr;
    const PipelineConfig &c = scenario ? scenario->config : options.config;
    const std::optional<double> durationS = scenario ? std::optional<double>(scenario->durationS) : options.durationS;
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
    Engine engine(c);
    if (const auto errors = engine.start(); !errors.empty()) {
        for (const auto &e : errors)
            std::fprintf(stderr, "beam-me-up: %s\n", e.message.c_str());
        return ExitUsage;
    }
    std::optional<ScenarioPlay> play;
    if (scenario) {
        play.emplace(*scenario, engine);
        std::printf("scenario: %s (%s, %.1f s%s)\n", qPrintable(scenario->name), qPrintable(options.scenarioSource),
            scenario->durationS,
            options.speed > 1 ? qPrintable(QStringLiteral(", %1x faster").arg(options.speed)) : "");
        if (!scenario->description.isEmpty())
            std::printf("          %s\n", qPrintable(scenario->description));
    }
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
    }
    std::fflush(stdout);

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
    WarningMonitor monitor;
    std::uint64_t lastSequence = 0;
    int warnings = 0;
    const auto elapsedNow = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    const auto inputs = [&](double runS) {
        ReportInputs in;
        in.durationS = runS;
        in.latency = engine.latencyHistogram();
        const auto process = ProcessStats::read();
        in.peakRssBytes = process.peakRssBytes;
        in.cpuPercentAvg = static_cast<double>(process.cpuNs - startCpu) / 1e9 / std::max(1e-9, runS) * 100.0;
        in.notice = engine.notice();
        in.deadLetters = engine.deadLetters();
        in.warnings = warnings;
        in.recent = recentFigures(engine.history());
        return in;
    };

    // Timed fault injection (--kill-consumer, --hang-consumer), applied as their time comes.
    std::vector<std::pair<CommandLine::TimedFault, bool>> due;
    for (const auto &k : options.kills)
        due.push_back({k, true});
    for (const auto &h : options.hangs)
        due.push_back({h, false});
    const auto injectDue = [&] {
        const double elapsed = elapsedNow();
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
        if (play) {
            play->advance(elapsed, [&] {
                const double runS = elapsedNow();
                const auto snapshot = engine.sampleNow();
                return reportJson(*snapshot, inputs(runS));
            });
        }
        if (const auto latest = engine.latest(); latest && latest->sequence != lastSequence) {
            lastSequence = latest->sequence;
            for (const auto &w : monitor.observe(*latest)) {
                ++warnings;
                std::fprintf(stderr, "beam-me-up: warning at %.1f s: %s\n", w.atS, w.message.c_str());
            }
        }
    };

    for (int second = 1; !g_stopRequested.load(); ++second) {
        const auto lineAt = started + std::chrono::seconds(second);
        const auto endAt = durationS
            ? started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*durationS))
            : Clock::time_point::max();
        const auto wakeAt = std::min(lineAt, endAt);
        injectDue();
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
    const double runS = std::chrono::duration<double>(stopAt - started).count();
    ReportInputs in = inputs(runS); // the last second as it ran, before the drain
    engine.stop(StopMode::Drain, std::chrono::seconds(30));
    const auto final = engine.latest();
    publishMetrics(true);
    const auto process = ProcessStats::read();
    in.latency = engine.latencyHistogram();
    in.peakRssBytes = process.peakRssBytes;
    in.cpuPercentAvg = static_cast<double>(process.cpuNs - startCpu) / 1e9 / std::max(1e-9, runS) * 100.0;
    in.notice = engine.notice();
    in.deadLetters = engine.deadLetters();
    const auto &latency = in.latency;
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
        static_cast<long long>(s.config.maxInFlight), in.cpuPercentAvg,
        static_cast<double>(process.peakRssBytes) / (1024.0 * 1024.0));
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
    if (warnings > 0)
        std::printf("         warnings: %d (printed as they were raised)\n", warnings);
    if (!engine.notice().empty())
        std::printf("         note: %s\n", engine.notice().c_str());
    std::fflush(stdout);

    const QJsonObject report = reportJson(s, in);
    if (!options.reportJson.isEmpty() && !writeJson(options.reportJson, report))
        return ExitUsage;

    int failures = 0;
    if (play) {
        const QString why = s.gaveUp ? QStringLiteral("the top-level supervisor gave up")
            : g_stopRequested.load() ? QStringLiteral("interrupted")
                                     : QString();
        play->finish(runS, report, why);
        play->print();
        failures = play->failures();
        if (!options.junit.isEmpty()) {
            const QString error = writeJUnit(options.junit, scenario->name,
                QStringLiteral("beam-me-up.") + QFileInfo(options.scenarioSource).completeBaseName(), runS,
                play->junitCases());
            if (!error.isEmpty()) {
                std::fprintf(stderr, "beam-me-up: %s\n", qPrintable(error));
                return ExitUsage;
            }
        }
    }

    if (s.lost != 0 || s.inFlight != 0) {
        std::fprintf(stderr, "beam-me-up: conservation broken: lost %lld, in flight after drain %lld\n",
            static_cast<long long>(s.lost), static_cast<long long>(s.inFlight));
        return ExitLost;
    }
    if (failures > 0) {
        std::fprintf(
            stderr, "beam-me-up: %d assertion(s) of scenario '%s' failed\n", failures, qPrintable(scenario->name));
        return ExitAssertion;
    }
    if (s.gaveUp && !(play && play->judgesGivingUp())) {
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
