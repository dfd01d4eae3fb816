// SPDX-License-Identifier: MIT
#include "headless.h"
#include "consoletelemetry.h"
#include "enginestage.h"
#include "metrics.h"
#include "quitsignals.h"
#include "reportoutput.h"
#include "runrecord.h"

#include "core/engine.h"
#include "scenario/junit.h"
#include "scenario/report.h"
#include "scenario/runinfo.h"
#include "scenario/scenarioplayer.h"

#include "recording/flightrecording.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace beam {

namespace {

std::atomic<bool> g_stopRequested{false};

void printScenario(const Scenario &scenario, const CommandLine &options)
{
    std::printf("scenario: %s (%s, %.1f s%s)\n", qPrintable(scenario.name), qPrintable(options.scenarioSource),
        scenario.durationS / options.speed,
        options.speed > 1 ? qPrintable(QStringLiteral(", %1x faster").arg(options.speed)) : "");
    if (!scenario.description.isEmpty())
        std::printf("          %s\n", qPrintable(scenario.description));
    if (!scenario.needs.isEmpty())
        std::printf("          needs: %s\n", qPrintable(scenario.needs));
    std::fflush(stdout);
}

/// The endpoint listens before the engine starts, so a port in use fails fast and runs nothing. False: it could not.
bool startEndpoint(const CommandLine &options, std::unique_ptr<MetricsEndpoint> &endpoint)
{
    if (options.metricsPort != 0) {
        std::string error;
        endpoint = MetricsEndpoint::start(options.metricsBind.toStdString(), options.metricsPort, error);
        if (!endpoint) {
            std::fprintf(stderr, "beam-me-up: --metrics-port: %s\n", error.c_str());
            return false;
        }
    }
    return true;
}

/// Faults and steps that are due, warnings, metrics; a console line each second. It wakes every 5 ms while a
/// scenario plays (its steps fire on time); otherwise only when something is due, and at least every 100 ms
/// (a stop request, the metrics), so an idle run costs next to no wake-ups.
void runLoop(Engine &engine, RunRecord &record, std::optional<ScenarioPlayer> &player, MetricsPublisher &metrics,
    ConsoleTelemetry &console, TimedFaults &faults, std::optional<double> durationS)
{
    double nextLine = 1.0;
    // A run ends when the top-level supervisor gives up, unless a scenario plays: its captions go on to
    // explain what happened (in the window as headless), so it plays to its end on the stopped pipeline.
    while (!g_stopRequested.load() && (player || !engine.gaveUp())) {
        const double now = record.elapsedS();
        faults.injectDue(engine, now);
        if (player)
            player->advance();
        record.watchWarnings();
        metrics.publish(engine);
        if (now >= nextLine) {
            console.printLine(engine, now);
            nextLine = std::floor(now) + 1.0;
        }
        if (durationS && now >= *durationS)
            break;
        const double wake = std::min({nextLine, durationS.value_or(nextLine), faults.nextAtS()});
        const double longest = player ? 0.005 : 0.1;
        std::this_thread::sleep_for(std::chrono::duration<double>(std::clamp(wake - record.elapsedS(), 0.0, longest)));
    }
}

/// Drains the engine and returns its final snapshot; `in` (the last second as it ran, before the drain) takes
/// what only the drain knows.
std::shared_ptr<const Snapshot> drain(
    Engine &engine, RunRecord &record, MetricsPublisher &metrics, double runS, ReportInputs &in)
{
    engine.stop(StopMode::Drain, std::chrono::seconds(30));
    auto final = engine.latest();
    metrics.publish(engine, true);
    const ReportInputs drained = record.inputs(runS);
    in.latency = drained.latency;
    in.peakRssBytes = drained.peakRssBytes;
    in.cpuPercentAvg = drained.cpuPercentAvg;
    in.notice = drained.notice;
    in.deadLetters = drained.deadLetters;
    return final;
}

/// --junit: one test case per assertion, and the run's own outcome. False: it could not be written.
bool writeJUnitReport(const CommandLine &options, const ScenarioPlayer &player, const Snapshot &final,
    const RunOutcome &outcome, const Engine &engine, double runS)
{
    QFile file;
    QString error;
    if (openReport(file, options.junit, error))
        error = writeJUnit(file, options.junit, options.scenario->name,
            QStringLiteral("beam-me-up.") + QFileInfo(options.scenarioSource).completeBaseName(), runS,
            player.junitCases() + outcomeCases(final, outcome, engine.notice()));
    if (!error.isEmpty()) {
        std::fprintf(stderr, "beam-me-up: %s\n", qPrintable(error));
        return false;
    }
    return true;
}

/// Why the run failed, if it did, on stderr.
void printFailure(const RunOutcome &outcome, const Snapshot &final, const Scenario *scenario, const Engine &engine)
{
    if (outcome.lost)
        std::fprintf(stderr, "beam-me-up: conservation broken: lost %lld, in flight after drain %lld\n",
            static_cast<long long>(final.lost), static_cast<long long>(final.inFlight));
    else if (!outcome.threadFailure.empty())
        std::fprintf(stderr, "beam-me-up: error: %s (exit %d)\n", outcome.threadFailure.c_str(), int(ExitThreadFailed));
    else if (outcome.failedAssertions > 0)
        std::fprintf(stderr, "beam-me-up: %d assertion(s) of scenario '%s' failed\n", outcome.failedAssertions,
            qPrintable(scenario->name));
    else if (outcome.gaveUpUnexpectedly)
        std::fprintf(stderr, "beam-me-up: %s\n", engine.notice().c_str());
}

} // namespace

void printVerdicts(const ScenarioPlayer &player)
{
    const auto &verdicts = player.verdicts();
    std::printf("assertions: %d of %d passed\n", player.passed(), static_cast<int>(verdicts.size()));
    for (const auto &v : verdicts) {
        const char *word = v.state == Verdict::State::Passed ? "PASS"
            : v.state == Verdict::State::Failed              ? "FAIL"
                                                             : "SKIP";
        std::printf("  %s  %s%s\n", word,
            v.caption >= 0 ? qPrintable(QStringLiteral("caption %1: ").arg(v.captionNumber)) : "",
            qPrintable(v.message));
    }
    std::fflush(stdout);
}

bool writeJsonFile(const QString &path, const QJsonObject &object)
{
    QFile file;
    QString error;
    if (openReport(file, path, error)) {
        const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Indented);
        if (file.write(json) == json.size() && file.flush())
            return true;
        error = QStringLiteral("cannot write '%1': %2").arg(path, file.errorString());
    }
    std::fprintf(stderr, "beam-me-up: %s\n", qPrintable(error));
    return false;
}

namespace { } // namespace

std::optional<FlightRecorder::Limits> recorderLimits(const CommandLine &options, std::optional<double> durationS)
{
    if (options.historyMinutes && *options.historyMinutes == 0)
        return std::nullopt; // --history-minutes 0: nothing kept
    FlightRecorder::Limits limits;
    limits.keepS = options.historyMinutes ? *options.historyMinutes * 60.0 : limits.keepS;
    // A run being recorded is kept whole (within the recorder's memory bound), however long it runs.
    if (!options.recordPath.isEmpty())
        limits.keepS = std::max(limits.keepS, durationS ? *durationS + 60.0 : 1e9);
    return limits;
}

bool saveRun(const std::shared_ptr<FlightRecorder> &recorder, const CommandLine &options)
{
    if (options.recordPath.isEmpty() || !recorder || recorder->empty())
        return true;
    QElapsedTimer clock;
    clock.start();
    std::string error;
    // The configuration the run started with: a lesson's, the flags', or the window's saved settings.
    const RecordingInfo info
        = describeRun(recorder->at(0)->config, options.scenario ? options.scenarioSource : QString(), options.speed);
    if (!saveRecording(*recorder, info, options.recordPath.toStdString(), error)) {
        std::fprintf(stderr, "beam-me-up: error: %s\n", error.c_str());
        return false;
    }
    std::fprintf(options.stdoutReport.isEmpty() ? stdout : stderr,
        "recording: %s (%zu snapshots, %.1f s of the run, saved in %lld ms)\n", qPrintable(options.recordPath),
        recorder->size(), recorder->lastS() - recorder->firstS(), static_cast<long long>(clock.elapsed()));
    return true;
}

int runHeadless(const CommandLine &options)
{
    setOnQuitSignals(g_stopRequested);
    const Scenario *scenario = options.scenario ? &*options.scenario : nullptr;
    // A lesson played faster runs on its sped-up configuration (shorter sampling, supervision windows, back-off).
    const PipelineConfig config = scenario ? scenario->fasterBy(std::max(1.0, options.speed)).config : options.config;
    const std::optional<double> durationS
        = scenario ? std::optional<double>(scenario->durationS / options.speed) : options.durationS;

    std::unique_ptr<MetricsEndpoint> endpoint;
    if (!startEndpoint(options, endpoint))
        return ExitUsage;
    Engine engine(config);
    const auto limits = recorderLimits(options, durationS);
    engine.setRecorder(limits ? std::make_shared<FlightRecorder>(*limits) : nullptr);
    if (auto hook = Engine::testFaultHook(std::getenv("BEAM_TEST_FAULT")))
        engine.setFaultHook(std::move(hook)); // tests of the whole program only
    if (scenario)
        engine.setRateWindow(Snapshot::kWindowS / std::max(1.0, options.speed));
    if (const auto errors = engine.start(); !errors.empty()) {
        for (const auto &e : errors)
            std::fprintf(stderr, "beam-me-up: %s\n", e.message.c_str());
        return ExitUsage;
    }
    RunRecord record(engine);
    MetricsPublisher metrics(endpoint.get(), config.intervalMs);
    metrics.publish(engine, true);
    if (endpoint)
        std::printf("beam-me-up: Prometheus metrics at %s\n", endpoint->url().c_str());
    std::optional<ScenarioPlayer> player;
    // The stage stamps what it prints with the lesson clock, the one its verdicts are stamped with.
    EngineStage stage(
        engine, [&record] { return record.reportNow(); }, [&record] { return record.reportLatest(); },
        [&record] { return record.latestSequence(); }, [&player] { return player ? player->position() : 0.0; });
    if (scenario) {
        printScenario(*scenario, options);
        player.emplace(
            *scenario, stage, [&record] { return record.elapsedS(); }, options.speed);
        if (const auto recorder = engine.recorder()) {
            player->setMarkSink([&engine, recorder](LessonMark mark) {
                mark.atS = engine.elapsedS();
                recorder->addMark(std::move(mark));
            });
        }
    }
    ConsoleTelemetry console(options.quiet);
    console.printHeader(config);
    TimedFaults faults(options);
    if (player)
        player->start();
    runLoop(engine, record, player, metrics, console, faults, durationS);

    const double runS = record.elapsedS();
    ReportInputs in = record.inputs(runS); // the last second as it ran, before the drain
    const auto final = drain(engine, record, metrics, runS, in);
    printSummary(*final, in, runS);

    const QJsonObject report = reportJson(*final, in);
    if (!options.reportJson.isEmpty() && !writeJsonFile(options.reportJson, report))
        return ExitUsage;
    if (player) {
        const QString why = final->gaveUp ? QStringLiteral("the top-level supervisor gave up")
            : g_stopRequested.load()      ? QStringLiteral("interrupted")
                                          : QString();
        player->finish(report, why);
        printVerdicts(*player);
    }
    if (!saveRun(engine.recorder(), options))
        return ExitUsage;
    const RunOutcome outcome = judgeRun(*final, player ? &*player : nullptr, engine.failure());
    if (player && !options.junit.isEmpty() && !writeJUnitReport(options, *player, *final, outcome, engine, runS))
        return ExitUsage;
    printFailure(outcome, *final, scenario, engine);
    return exitCode(outcome);
}

} // namespace beam
