// SPDX-License-Identifier: MIT
#include "commandline.h"

#include "scenario/configjson.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringDecoder>

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace beam {

namespace {

struct Flags {
    // Not addHelpOption(): it also lists --help-all, "help including Qt specific options", but this parser
    // refuses Qt's own options (beam-me-up -reverse exits 2), except -platform, which --help lists already.
    QCommandLineOption help{QStringList{QStringLiteral("h"), QStringLiteral("help")},
        QStringLiteral("Displays help on commandline options.")};
    // ... so --help-all is another name for --help, kept for whoever types it: the same help, exit 0, no window.
    QCommandLineOption helpAll = [] {
        QCommandLineOption option{QStringLiteral("help-all"), QStringLiteral("The same as --help.")};
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        return option;
    }();
    QCommandLineOption version{
        QStringList{QStringLiteral("v"), QStringLiteral("version")}, QStringLiteral("Displays version information.")};
    QCommandLineOption headless{
        QStringLiteral("headless"), QStringLiteral("Run without a window: console telemetry, JSON report.")};
    QCommandLineOption duration{QStringLiteral("duration"),
        QStringLiteral("Stop after SECONDS (0.1..31536000). Default: until SIGINT/SIGTERM."),
        QStringLiteral("seconds")};
    QCommandLineOption producers{
        QStringLiteral("producers"), QStringLiteral("Producers, 1..64 (default 1)."), QStringLiteral("n")};
    QCommandLineOption consumers{
        QStringLiteral("consumers"), QStringLiteral("Consumers, 1..256 (default 8)."), QStringLiteral("n")};
    QCommandLineOption rate{QStringLiteral("rate"),
        QStringLiteral("Events/s per producer, 1..50000000, or max (default 1000)."), QStringLiteral("n|max")};
    QCommandLineOption maxInFlight{QStringLiteral("max-in-flight"),
        QStringLiteral("Bound on events in flight, 1..1000000 (default 1000)."), QStringLiteral("n")};
    QCommandLineOption workUs{QStringLiteral("work-us"),
        QStringLiteral("CPU busy work per event in microseconds, 0..100000 (default 0)."), QStringLiteral("us")};
    QCommandLineOption ioUs{QStringLiteral("io-us"),
        QStringLiteral("Simulated I/O wait per event in microseconds, 0..1000000 (default 0); parks no worker thread."),
        QStringLiteral("us")};
    QCommandLineOption pacing{QStringLiteral("pacing"),
        QStringLiteral("How producers pace: exact (each on its own thread, every 100 us slot), batched (the default: "
                       "one pacing thread, an event waits at most 1000 us for company), or a budget in us, "
                       "0..100000 (0 is exact)."),
        QStringLiteral("exact|batched|us")};
    QCommandLineOption faultRate{QStringLiteral("fault-rate"),
        QStringLiteral("Probability that processing an event fails, 0..1 (default 0)."), QStringLiteral("p")};
    QCommandLineOption maxAttempts{QStringLiteral("max-attempts"),
        QStringLiteral("Attempts before an event is dead-lettered, 1..100 (default 3)."), QStringLiteral("n")};
    QCommandLineOption overload{QStringLiteral("overload"),
        QStringLiteral("Overload policy: backpressure, drop or unbounded (default backpressure)."),
        QStringLiteral("policy")};
    QCommandLineOption safetyCap{QStringLiteral("safety-cap"),
        QStringLiteral("Unbounded policy: in flight at which producers stop, 1000..100000000 (default 10000000)."),
        QStringLiteral("n")};
    QCommandLineOption interval{QStringLiteral("interval"),
        QStringLiteral("Sampling interval in milliseconds, 10..5000 (default 100)."), QStringLiteral("ms")};
    QCommandLineOption seed{QStringLiteral("seed"), QStringLiteral("Random seed, 0..18446744073709551615 (default 1)."),
        QStringLiteral("n")};
    QCommandLineOption reportJson{QStringLiteral("report-json"),
        QStringLiteral("Write the final report as JSON to FILE (- for stdout)."), QStringLiteral("file")};
    QCommandLineOption quiet{QStringLiteral("quiet"), QStringLiteral("No per-second lines; only the summary.")};
    QCommandLineOption bench{
        QStringLiteral("bench"), QStringLiteral("Run the throughput and scaling benchmark, print the table, exit.")};
    QCommandLineOption benchSeconds{QStringLiteral("bench-seconds"),
        QStringLiteral("Seconds measured per benchmark row, 0.5..600 (default 5)."), QStringLiteral("seconds")};
    QCommandLineOption crashRate{QStringLiteral("crash-rate"),
        QStringLiteral("Probability that processing an event crashes its consumer, 0..1 (default 0)."),
        QStringLiteral("p")};
    QCommandLineOption strategy{QStringLiteral("strategy"),
        QStringLiteral("Consumers' supervisor: one_for_one, one_for_all or rest_for_one (default one_for_one)."),
        QStringLiteral("strategy")};
    QCommandLineOption maxRestarts{QStringLiteral("max-restarts"),
        QStringLiteral(
            "Consumers' restart intensity: restarts allowed within --max-seconds, 0..1000000 (default 200)."),
        QStringLiteral("n")};
    QCommandLineOption maxSeconds{QStringLiteral("max-seconds"),
        QStringLiteral("Consumers' restart intensity window in seconds, 0.001..3600 (default 1)."),
        QStringLiteral("s")};
    QCommandLineOption topMaxRestarts{QStringLiteral("top-max-restarts"),
        QStringLiteral("Pipeline and producers supervisors' intensity: restarts (escalations) allowed within "
                       "--top-max-seconds, 0..1000000 (default 3, as in OTP)."),
        QStringLiteral("n")};
    QCommandLineOption topMaxSeconds{QStringLiteral("top-max-seconds"),
        QStringLiteral("Their window in seconds, 0.001..3600 (default 5, as in OTP)."), QStringLiteral("s")};
    QCommandLineOption backoffMinMs{QStringLiteral("backoff-min-ms"),
        QStringLiteral("Restart back-off minimum, 0..600000 ms (default 0: restart at once)."), QStringLiteral("ms")};
    QCommandLineOption backoffMaxMs{QStringLiteral("backoff-max-ms"),
        QStringLiteral("Restart back-off maximum, 0..600000 ms, at least --backoff-min-ms (default 0)."),
        QStringLiteral("ms")};
    QCommandLineOption backoffJitter{QStringLiteral("backoff-jitter"),
        QStringLiteral("Restart back-off jitter factor, 0..1 (default 0.2)."), QStringLiteral("f")};
    QCommandLineOption poisonKey{QStringLiteral("poison-key"),
        QStringLiteral("Events with this key (0..4095) always fail and end dead-lettered."), QStringLiteral("key")};
    QCommandLineOption slowConsumer{QStringLiteral("slow-consumer"),
        QStringLiteral("Make one consumer FACTOR times slower (index 0..consumers-1, factor 1..1000)."),
        QStringLiteral("index:factor")};
    QCommandLineOption hangTimeoutMs{QStringLiteral("hang-timeout-ms"),
        QStringLiteral("A consumer with work and no progress this long is crashed, 10..600000 ms (default 5000)."),
        QStringLiteral("ms")};
    QCommandLineOption onEscalation{QStringLiteral("on-escalation"),
        QStringLiteral(
            "When the top supervisor gives up: stop (exit 4) or restart the pipeline once more (default stop)."),
        QStringLiteral("stop|restart")};
    QCommandLineOption killConsumer{QStringLiteral("kill-consumer"),
        QStringLiteral("Kill consumer INDEX at SECONDS after start (repeatable)."), QStringLiteral("index@seconds")};
    QCommandLineOption hangConsumer{QStringLiteral("hang-consumer"),
        QStringLiteral("Make consumer INDEX hang at SECONDS after start (repeatable)."),
        QStringLiteral("index@seconds")};
    QCommandLineOption platform{QStringLiteral("platform"),
        QStringLiteral("The window's Qt platform plugin, as Qt's own -platform: xcb, wayland, vnc (a VNC server on "
                       "port 5900), offscreen."),
        QStringLiteral("name")};
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
        QStringLiteral("Open the window, save a PNG of it to FILE after --screenshot-after seconds, exit."),
        QStringLiteral("file")};
    QCommandLineOption presentation{QStringLiteral("presentation"),
        QStringLiteral("Open the window in presentation mode, for a projector: large type, full screen on its display "
                       "(F5 toggles it; with --window-size, a window of that size instead).")};
    QCommandLineOption windowSize{QStringLiteral("window-size"),
        QStringLiteral("The window's size in pixels instead of the saved one, e.g. 1920x1080 (width 640..7680, height "
                       "480..4320)."),
        QStringLiteral("wxh")};
    QCommandLineOption screenshotAfter{QStringLiteral("screenshot-after"),
        QStringLiteral("Seconds before the screenshot, 0.1..3600 (default 3)."), QStringLiteral("seconds")};
    QCommandLineOption screenshotCaptions{QStringLiteral("screenshot-captions"),
        QStringLiteral("With --lesson or --scenario: open the window, save a PNG of it into FOLDER as each caption "
                       "leaves the screen (NAME-caption-N.png), exit when the lesson ends."),
        QStringLiteral("folder")};
    QCommandLineOption benchRuns{QStringLiteral("bench-runs"),
        QStringLiteral("Runs per benchmark row, 1..15; the median is reported (default 1)."), QStringLiteral("n")};
    QCommandLineOption scenario{QStringLiteral("scenario"),
        QStringLiteral("Play the scenario in FILE (JSON; see the README): headless, run its timeline and check its "
                       "assertions (exit 5 if one fails); in the window, play it in the Lessons panel."),
        QStringLiteral("file")};
    QCommandLineOption lesson{QStringLiteral("lesson"),
        QStringLiteral("Play a built-in lesson: steady-state, slow-consumer, overload-three-ways, let-it-crash, "
                       "crash-storm, scaling-out, littles-law, schedulers, queueing-theory, batching."),
        QStringLiteral("name")};
    QCommandLineOption junit{QStringLiteral("junit"),
        QStringLiteral(
            "With --scenario or --lesson, headless: write one JUnit test case per assertion to FILE (- for stdout)."),
        QStringLiteral("file")};
    QCommandLineOption speed{QStringLiteral("speed"),
        QStringLiteral("Play a scenario this many times faster (timeline, duration and @-times), 1..100 (default 1)."),
        QStringLiteral("factor")};
    QCommandLineOption metricsPort{QStringLiteral("metrics-port"),
        QStringLiteral("Headless: serve Prometheus metrics at http://ADDRESS:PORT/metrics, port 1..65535."),
        QStringLiteral("port")};
    QCommandLineOption metricsBind{QStringLiteral("metrics-bind"),
        QStringLiteral("Address the metrics endpoint listens on, a numeric IPv4 address (default 127.0.0.1; 0.0.0.0 "
                       "for every interface)."),
        QStringLiteral("address")};
    QCommandLineOption benchSections{QStringLiteral("bench-sections"),
        QStringLiteral("Benchmark sections to run, comma-separated: throughput, io, producers (default all three)."),
        QStringLiteral("list")};
    QCommandLineOption benchJson{QStringLiteral("bench-json"),
        QStringLiteral("Write the benchmark rows as JSON to FILE (- for stdout)."), QStringLiteral("file")};
    QCommandLineOption record{QStringLiteral("record"),
        QStringLiteral("Record the run into FILE, an SQLite database of every snapshot, event and lesson mark "
                       "(docs/recording.md); FILE's folder must exist."),
        QStringLiteral("file")};
    QCommandLineOption replay{QStringLiteral("replay"),
        QStringLiteral("Replay the recording in FILE instead of running the engine (engine settings, --scenario, "
                       "--lesson, --bench and --record are refused beside it)."),
        QStringLiteral("file")};
    QCommandLineOption historyMinutes{QStringLiteral("history-minutes"),
        QStringLiteral("Minutes of the run the flight recorder keeps for the time cursor and --record, 0..120 "
                       "(default 10; 0: nothing is kept, the cheapest run; within 64 MB in any case)."),
        QStringLiteral("minutes")};
    QCommandLineOption exportCsv{QStringLiteral("export-csv"),
        QStringLiteral("With --replay: write each table of the recording as FOLDER/TABLE.csv and exit (no window, no "
                       "engine); FOLDER is made if missing."),
        QStringLiteral("folder")};
    QCommandLineOption exportTrace{QStringLiteral("export-trace"),
        QStringLiteral("With --replay: write the recording as a Chrome trace (chrome://tracing, ui.perfetto.dev) to "
                       "FILE and exit."),
        QStringLiteral("file")};
    QCommandLineOption sweep{QStringLiteral("sweep"),
        QStringLiteral("What-if sweep: run the engine at STEPS values of PARAM from LO to HI, both included, and "
                       "measure W and throughput beside the queueing model's, then exit. PARAM: rate (the total "
                       "events/s, split over --producers), consumers, io-us or max-in-flight; STEPS 2..100 (default "
                       "6, or each whole value when there are fewer); the other flags set the rest of the "
                       "configuration."),
        QStringLiteral("param=lo..hi[:steps]")};
    QCommandLineOption sweepCsv{QStringLiteral("sweep-csv"),
        QStringLiteral("Write the sweep's points, model beside measurement, as CSV to FILE (- for stdout, also the "
                       "default when --sweep-svg is not given either)."),
        QStringLiteral("file")};
    QCommandLineOption sweepSvg{QStringLiteral("sweep-svg"),
        QStringLiteral("Draw the sweep to FILE as an SVG chart: W against the swept value, the model's curve and the "
                       "measured points."),
        QStringLiteral("file")};
    QCommandLineOption sweepWarmup{QStringLiteral("sweep-warmup"),
        QStringLiteral("Seconds each sweep run warms up before it is measured, 0..600 (default 1)."),
        QStringLiteral("seconds")};
    QCommandLineOption sweepSeconds{QStringLiteral("sweep-seconds"),
        QStringLiteral("Seconds each sweep run is measured, 0.2..3600 (default 3)."), QStringLiteral("seconds")};
    QCommandLineOption sweepRepeats{QStringLiteral("sweep-repeats"),
        QStringLiteral("Runs per sweep point, each on a new engine, 1..20 (default 3)."), QStringLiteral("n")};
};

/// Which flag sets which configuration field, so range errors name the flag the user typed.
const std::map<std::string, QString> &flagOfField()
{
    static const std::map<std::string, QString> map{
        {"producers", QStringLiteral("--producers")},
        {"crash_rate", QStringLiteral("--crash-rate")},
        {"max_restarts", QStringLiteral("--max-restarts")},
        {"max_seconds", QStringLiteral("--max-seconds")},
        {"top_max_restarts", QStringLiteral("--top-max-restarts")},
        {"top_max_seconds", QStringLiteral("--top-max-seconds")},
        {"backoff_min_ms", QStringLiteral("--backoff-min-ms")},
        {"backoff_max_ms", QStringLiteral("--backoff-max-ms")},
        {"backoff_jitter", QStringLiteral("--backoff-jitter")},
        {"poison_key", QStringLiteral("--poison-key")},
        {"slow_consumer", QStringLiteral("--slow-consumer")},
        {"hang_timeout_ms", QStringLiteral("--hang-timeout-ms")},
        {"consumers", QStringLiteral("--consumers")},
        {"rate", QStringLiteral("--rate")},
        {"max_in_flight", QStringLiteral("--max-in-flight")},
        {"work_us", QStringLiteral("--work-us")},
        {"io_us", QStringLiteral("--io-us")},
        {"pacing_us", QStringLiteral("--pacing")},
        {"fault_rate", QStringLiteral("--fault-rate")},
        {"max_attempts", QStringLiteral("--max-attempts")},
        {"safety_cap", QStringLiteral("--safety-cap")},
        {"interval_ms", QStringLiteral("--interval")},
    };
    return map;
}

bool isIpv4Address(const QString &text)
{
    in_addr buffer{};
    return inet_pton(AF_INET, text.toLatin1().constData(), &buffer) == 1;
}

class Reader
{
public:
    Reader(const QCommandLineParser &parser, QStringList &errors)
        : m_parser(parser)
        , m_errors(errors)
    { }

    template <typename T> void integer(const QCommandLineOption &option, T &target, const char *range)
    {
        if (!m_parser.isSet(option))
            return;
        const QString text = m_parser.value(option);
        bool ok = false;
        const qlonglong value = text.trimmed().toLongLong(&ok);
        if (!ok || value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
            fail(option, text, QStringLiteral("a whole number in %1").arg(QLatin1String(range)));
            return;
        }
        target = static_cast<T>(value);
    }

    void unsignedInteger(const QCommandLineOption &option, std::uint64_t &target, const char *range)
    {
        if (!m_parser.isSet(option))
            return;
        const QString text = m_parser.value(option);
        bool ok = false;
        const qulonglong value = text.trimmed().toULongLong(&ok);
        if (!ok || text.trimmed().startsWith(QLatin1Char('-'))) {
            fail(option, text, QStringLiteral("a whole number in %1").arg(QLatin1String(range)));
            return;
        }
        target = value;
    }

    std::optional<double> real(const QCommandLineOption &option, const char *range)
    {
        if (!m_parser.isSet(option))
            return std::nullopt;
        const QString text = m_parser.value(option);
        bool ok = false;
        const double value = text.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(value)) {
            fail(option, text, QStringLiteral("a number in %1").arg(QLatin1String(range)));
            return std::nullopt;
        }
        return value;
    }

    void fail(const QCommandLineOption &option, const QString &text, const QString &expected)
    {
        m_errors
            << QStringLiteral("--%1: '%2' is not %3").arg(option.names().constFirst(), escapeControl(text), expected);
    }

private:
    const QCommandLineParser &m_parser;
    QStringList &m_errors;
};

constexpr double kMinScenarioS = 0.1; // the shortest duration_s a scenario file may have
// --window-size: from a VGA projector to 8K UHD.
constexpr QSize kMinWindowSize{640, 480};
constexpr QSize kMaxWindowSize{7680, 4320};

/// A file the run will write at its end: refuse an unwritable place before anything runs. A report may go to
/// stdout (`-`, /dev/stdout); an existing file needs to be writable itself, a new one a writable folder.
void checkWritable(
    const QCommandLineParser &parser, const QCommandLineOption &option, bool stdoutAllowed, QStringList &errors)
{
    if (!parser.isSet(option))
        return;
    const QString path = parser.value(option);
    const QString flag = option.names().constFirst();
    if (path.isEmpty()) {
        // An empty name would otherwise read as "not asked for": the run would go on and write nothing.
        errors << QStringLiteral("--%1: '' is not a file name (give the file to write%2)")
                      .arg(flag, stdoutAllowed ? QStringLiteral(", or - for stdout") : QString());
        return;
    }
    const auto cannot = [&](const QString &why) {
        errors << QStringLiteral("--%1: cannot write '%2' (%3)").arg(flag, escapeControl(path), why);
    };
    if (stdoutAllowed && writesToStdout(path)) {
        // Written to the descriptor the program was given, never reopened by name: a pipe made by another user
        // (a container engine's) cannot be opened again through /dev/stdout, though it can be written.
        if (fcntl(STDOUT_FILENO, F_GETFL) == -1)
            cannot(QStringLiteral("stdout is closed"));
        return;
    }
    const QFileInfo file(path);
    const QByteArray local = QFile::encodeName(path);
    if (file.isDir()) {
        cannot(QStringLiteral("it is a directory"));
    } else if (file.exists()) {
        // The file itself decides (a device, a fifo, a file in a folder of root's), as open() will.
        if (access(local.constData(), W_OK) != 0)
            cannot(QStringLiteral("permission denied"));
    } else {
        const QFileInfo dir(file.absolutePath());
        if (!dir.isDir())
            cannot(QStringLiteral("no such directory"));
        else if (access(QFile::encodeName(dir.absoluteFilePath()).constData(), W_OK | X_OK) != 0)
            cannot(QStringLiteral("permission denied"));
    }
}

/// At most one report goes to stdout, so that it is one document a pipe can parse.
void checkStdoutOnce(
    const QCommandLineParser &parser, std::initializer_list<const QCommandLineOption *> options, CommandLine &result)
{
    QStringList claims;
    for (const auto *option : options) {
        if (parser.isSet(*option) && writesToStdout(parser.value(*option))) {
            claims << QStringLiteral("--%1 '%2'").arg(option->names().constFirst(), parser.value(*option));
            if (result.stdoutReport.isEmpty())
                result.stdoutReport = QStringLiteral("--") + option->names().constFirst();
        }
    }
    if (claims.size() > 1)
        result.errors << QStringLiteral("%1: only one report can go to stdout; give the others a file")
                             .arg(claims.join(QStringLiteral(" and ")));
}

QStringList lessonNames()
{
    return {QStringLiteral("steady-state"), QStringLiteral("slow-consumer"), QStringLiteral("overload-three-ways"),
        QStringLiteral("let-it-crash"), QStringLiteral("crash-storm"), QStringLiteral("scaling-out"),
        QStringLiteral("littles-law"), QStringLiteral("schedulers"), QStringLiteral("queueing-theory"),
        QStringLiteral("batching")};
}

/// Reads and checks the scenario named by --scenario or --lesson, played at --speed, with --seed if given.
void loadScenario(const QCommandLineParser &parser, const Flags &f, CommandLine &result)
{
    // The file itself (missing, a directory, too large, unreadable) is the flag's fault; what is inside it is
    // named by its JSON path.
    const auto bytes = readScenarioFile(result.scenarioSource);
    if (const auto *error = std::get_if<QString>(&bytes)) {
        result.errors << QStringLiteral("--%1: %2")
                             .arg(parser.isSet(f.lesson) ? QStringLiteral("lesson") : QStringLiteral("scenario"),
                                 *error);
        return;
    }
    auto loaded = parseScenario(std::get<QByteArray>(bytes), result.scenarioSource);
    if (const auto *errors = std::get_if<QStringList>(&loaded)) {
        result.errors << *errors;
        return;
    }
    Scenario scenario = std::get<Scenario>(std::move(loaded));
    if (scenario.durationS / result.speed < kMinScenarioS) {
        result.errors << QStringLiteral("--speed: %1 would make the %2 s scenario shorter than %3 s; at most %4")
                             .arg(numberText(result.speed), numberText(scenario.durationS), numberText(kMinScenarioS))
                             .arg(numberText(std::floor(scenario.durationS / kMinScenarioS)));
        return;
    }
    if (result.speed > scenario.maxSpeed) {
        result.errors << QStringLiteral("--speed: %1 is faster than \"%2\" can be played and still hold its claims; "
                                        "at most %3 (its max_speed)")
                             .arg(numberText(result.speed), scenario.name, numberText(scenario.maxSpeed));
        return;
    }
    if (parser.isSet(f.seed))
        scenario.config.seed = result.config.seed;
    for (auto &step : scenario.timeline)
        step.configAfter.seed = scenario.config.seed;
    result.scenario = scenario; // played faster by the player, which knows --speed
}

/// --scenario / --lesson / --junit / --speed. A scenario brings its own configuration, so configuration flags
/// beside it would silently lose: they are refused, except --seed (to replay a scenario with another seed).
void readScenario(const QCommandLineParser &parser, const Flags &f, Reader &read, CommandLine &result)
{
    if (auto speed = read.real(f.speed, "1..100")) {
        if (*speed < 1 || *speed > 100)
            result.errors << QStringLiteral("--speed: %1 is out of range 1..100").arg(numberText(*speed));
        else
            result.speed = *speed;
    }
    if (parser.isSet(f.scenario) && parser.isSet(f.lesson)) {
        result.errors << QStringLiteral("--scenario and --lesson: choose one");
        return;
    }
    if (parser.isSet(f.lesson)) {
        const QString name = parser.value(f.lesson);
        if (!lessonNames().contains(name)) {
            read.fail(f.lesson, name, QStringLiteral("a lesson: %1").arg(lessonNames().join(QStringLiteral(", "))));
            return;
        }
        result.scenarioSource = QStringLiteral(":/lessons/%1.json").arg(name);
    } else if (parser.isSet(f.scenario)) {
        result.scenarioSource = parser.value(f.scenario);
        if (result.scenarioSource.isEmpty()) {
            result.errors << QStringLiteral(
                "--scenario: '' is not a file name (give a scenario file, or --lesson NAME)");
            return;
        }
    }
    if (result.scenarioSource.isEmpty()) {
        for (const auto *option : {&f.junit, &f.speed}) {
            if (parser.isSet(*option))
                result.errors << QStringLiteral("--%1 needs --scenario or --lesson").arg(option->names().constFirst());
        }
        return;
    }
    if (parser.isSet(f.bench))
        result.errors << QStringLiteral("--bench and a scenario: choose one (the benchmark has its own settings)");
    result.junit = parser.value(f.junit);
    if (!result.junit.isEmpty() && result.mode != CommandLine::Mode::Headless)
        result.errors << QStringLiteral("--junit: only with --headless (the window shows the assertions instead)");
    for (const auto *option : {&f.producers, &f.consumers, &f.rate, &f.maxInFlight, &f.workUs, &f.ioUs, &f.pacing,
             &f.faultRate, &f.maxAttempts, &f.overload, &f.safetyCap, &f.interval, &f.crashRate, &f.strategy,
             &f.maxRestarts, &f.maxSeconds, &f.topMaxRestarts, &f.topMaxSeconds, &f.backoffMinMs, &f.backoffMaxMs,
             &f.backoffJitter, &f.poisonKey, &f.slowConsumer, &f.hangTimeoutMs, &f.onEscalation, &f.duration,
             &f.killConsumer, &f.hangConsumer}) {
        if (parser.isSet(*option)) {
            result.errors << QStringLiteral("--%1: cannot be combined with a scenario, which sets the configuration "
                                            "and the timeline (edit its \"config\" or \"timeline\" instead)")
                                 .arg(option->names().constFirst());
        }
    }
    loadScenario(parser, f, result);
}

/// Every flag, in the order --help lists them.
QList<QCommandLineOption> everyOption(const Flags &f)
{
    return {f.help, f.helpAll, f.version, f.headless, f.duration, f.producers, f.consumers, f.rate, f.maxInFlight,
        f.workUs, f.ioUs, f.pacing, f.faultRate, f.maxAttempts, f.overload, f.safetyCap, f.interval, f.seed,
        f.reportJson, f.quiet, f.bench, f.benchSeconds, f.benchRuns, f.benchSections, f.benchJson, f.crashRate,
        f.strategy, f.maxRestarts, f.maxSeconds, f.topMaxRestarts, f.topMaxSeconds, f.backoffMinMs, f.backoffMaxMs,
        f.backoffJitter, f.poisonKey, f.slowConsumer, f.hangTimeoutMs, f.onEscalation, f.killConsumer, f.hangConsumer,
        f.screenshot, f.screenshotAfter, f.screenshotCaptions, f.presentation, f.windowSize, f.scenario, f.lesson,
        f.junit, f.speed, f.platform, f.metricsPort, f.metricsBind, f.record, f.replay, f.historyMinutes, f.exportCsv,
        f.exportTrace, f.sweep, f.sweepCsv, f.sweepSvg, f.sweepWarmup, f.sweepSeconds, f.sweepRepeats};
}

/// Every flag, and the description --help starts with.
void describeOptions(QCommandLineParser &parser, const Flags &f)
{
    // Qt's own single-dash options (-platform vnc) read as long options, not as bundled letters.
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(QStringLiteral(
        "BEAM Me Up: see concurrency happen. Paced producers, a bound on events in flight (back-pressure),\n"
        "a router that partitions by key, and serial consumers with fault injection, on a oneTBB flow graph."));
    parser.addOptions(everyOption(f));
}

/// A flag given twice would keep its last value without a word: refused, except the repeatable ones.
void checkGivenOnce(const QCommandLineParser &parser, const Flags &f, QStringList &errors)
{
    for (const auto &option : everyOption(f)) {
        const QStringList values = parser.values(option);
        if (values.size() < 2 || option.names() == f.killConsumer.names() || option.names() == f.hangConsumer.names())
            continue;
        QStringList quoted;
        for (const auto &value : values)
            quoted << QLatin1Char('\'') + escapeControl(value) + QLatin1Char('\'');
        errors << QStringLiteral("--%1: given %2 times (%3); give it once")
                      .arg(option.names().constFirst())
                      .arg(values.size())
                      .arg(quoted.join(QStringLiteral(", ")));
    }
}

/// "--FLAG: 'VALUE' WHY", unless a line about the flag is there already (one line a flag).
void refuseOnce(
    const QCommandLineParser &parser, const QCommandLineOption &option, const QString &why, QStringList &errors)
{
    const QString name = QStringLiteral("--%1").arg(option.names().constFirst());
    if (!parser.isSet(option) || std::any_of(errors.begin(), errors.end(), [&name](const QString &e) {
            return e.startsWith(name + QLatin1Char(':')) || e.startsWith(name + QLatin1Char(' '));
        }))
        return;
    const QString value = option.valueName().isEmpty()
        ? QString()
        : QStringLiteral("'%1' ").arg(escapeControl(parser.values(option).join(QStringLiteral("', '"))));
    errors << QStringLiteral("%1: %2%3").arg(name, value, why);
}

/// --record FILE: written as FILE.part and renamed at the end, so FILE's folder must exist and be writable.
void readRecord(const QCommandLineParser &parser, const Flags &f, CommandLine &result)
{
    if (!parser.isSet(f.record))
        return;
    const QString path = parser.value(f.record);
    if (path.isEmpty()) {
        result.errors << QStringLiteral("--record: '' is not a file name (give the file to record into, e.g. r.db)");
        return;
    }
    const QFileInfo file(path);
    const QFileInfo folder(file.absolutePath());
    QString why;
    if (file.isDir())
        why = QStringLiteral("it is a directory");
    else if (!folder.isDir())
        why = QStringLiteral("no such directory");
    else if (access(QFile::encodeName(folder.absoluteFilePath()).constData(), W_OK | X_OK) != 0)
        why = QStringLiteral("permission denied: the recording is written beside it, then renamed");
    if (why.isEmpty())
        result.recordPath = path;
    else
        result.errors << QStringLiteral("--record: cannot write '%1' (%2)").arg(escapeControl(path), why);
}

/// --replay FILE: a file this user can read (what is inside is checked when it is read). The recording brings the
/// run's settings, so engine settings and other runs beside it are refused.
void readReplay(const QCommandLineParser &parser, const Flags &f, CommandLine &result)
{
    if (!parser.isSet(f.replay))
        return;
    const QString path = parser.value(f.replay);
    const QFileInfo file(path);
    if (path.isEmpty())
        result.errors << QStringLiteral("--replay: '' is not a file name (give a recording, e.g. r.db)");
    else if (!file.exists())
        result.errors << QStringLiteral("--replay: '%1' does not exist").arg(escapeControl(path));
    else if (file.isDir())
        result.errors << QStringLiteral("--replay: '%1' is a directory, not a recording").arg(escapeControl(path));
    else if (access(QFile::encodeName(path).constData(), R_OK) != 0)
        result.errors << QStringLiteral("--replay: cannot read '%1' (%2)")
                             .arg(escapeControl(path), QString::fromLocal8Bit(std::strerror(errno)));
    else
        result.replayPath = path;
    for (const auto *option : {&f.scenario, &f.lesson, &f.bench, &f.record})
        refuseOnce(parser, *option,
            QStringLiteral("cannot be combined with --replay (a replay shows a recorded run, it starts none)"),
            result.errors);
    for (const auto *option :
        {&f.producers, &f.consumers, &f.rate, &f.maxInFlight, &f.workUs, &f.ioUs, &f.pacing, &f.faultRate,
            &f.maxAttempts, &f.overload, &f.safetyCap, &f.interval, &f.seed, &f.crashRate, &f.strategy, &f.maxRestarts,
            &f.maxSeconds, &f.topMaxRestarts, &f.topMaxSeconds, &f.backoffMinMs, &f.backoffMaxMs, &f.backoffJitter,
            &f.poisonKey, &f.slowConsumer, &f.hangTimeoutMs, &f.onEscalation, &f.duration, &f.killConsumer,
            &f.hangConsumer, &f.reportJson, &f.quiet, &f.metricsPort, &f.metricsBind, &f.historyMinutes})
        refuseOnce(parser, *option,
            QStringLiteral("cannot be combined with --replay (the recording holds the run's own settings)"),
            result.errors);
}

/// --export-csv FOLDER, --export-trace FILE: need --replay; they open no window.
void readExports(const QCommandLineParser &parser, const Flags &f, CommandLine &result)
{
    for (const auto *option : {&f.exportCsv, &f.exportTrace}) {
        if (parser.isSet(*option) && !parser.isSet(f.replay))
            refuseOnce(parser, *option, QStringLiteral("needs --replay (the recording to export)"), result.errors);
    }
    if (parser.isSet(f.exportCsv)) {
        const QString folder = QDir::cleanPath(parser.value(f.exportCsv));
        const QFileInfo info(folder);
        QString why;
        if (parser.value(f.exportCsv).isEmpty())
            why = QStringLiteral("it is not a folder name");
        else if (info.exists() && !info.isDir())
            why = QStringLiteral("it is a file, not a folder");
        else if (!info.exists() && !QFileInfo(info.absolutePath()).isDir())
            why = QStringLiteral("no such directory");
        else if (access(QFile::encodeName(info.exists() ? info.absoluteFilePath() : info.absolutePath()).constData(),
                     W_OK | X_OK)
            != 0)
            why = QStringLiteral("permission denied");
        if (why.isEmpty())
            result.exportCsvFolder = parser.value(f.exportCsv);
        else
            result.errors << QStringLiteral("--export-csv: cannot write into '%1' (%2)")
                                 .arg(escapeControl(parser.value(f.exportCsv)), why);
    }
    const qsizetype before = result.errors.size();
    checkWritable(parser, f.exportTrace, false, result.errors);
    if (parser.isSet(f.exportTrace) && result.errors.size() == before)
        result.exportTracePath = parser.value(f.exportTrace);
    if (!parser.isSet(f.exportCsv) && !parser.isSet(f.exportTrace))
        return;
    for (const auto *option :
        {&f.platform, &f.screenshot, &f.screenshotAfter, &f.screenshotCaptions, &f.presentation, &f.windowSize})
        refuseOnce(parser, *option,
            QStringLiteral("is not for an export (--export-csv and --export-trace open no window)"), result.errors);
}

/// A flag the chosen mode has no use for would be ignored without a word: refused, saying where it belongs.
void checkModeUses(const QCommandLineParser &parser, const Flags &f, CommandLine &result)
{
    const auto refuse = [&](const QCommandLineOption &option, const QString &why) {
        const QString name = QStringLiteral("--%1").arg(option.names().constFirst());
        // One line a flag: a flag already refused (e.g. beside a scenario) says so once.
        if (!parser.isSet(option) || std::any_of(result.errors.begin(), result.errors.end(), [&name](const QString &e) {
                return e.startsWith(name + QLatin1Char(':'));
            }))
            return;
        // A value, when the flag takes one, so the line shows all that was typed.
        const QString value = option.valueName().isEmpty()
            ? QString()
            : QStringLiteral("'%1' ").arg(escapeControl(parser.values(option).join(QStringLiteral("', '"))));
        result.errors << QStringLiteral("%1: %2%3").arg(name, value, why);
    };
    if (result.mode == CommandLine::Mode::Bench) {
        const QString own = QStringLiteral(
            "is not for --bench (the benchmark has its own settings; it takes --bench-seconds, --bench-runs, "
            "--bench-json)");
        for (const auto *option : {&f.producers, &f.consumers, &f.rate, &f.maxInFlight, &f.workUs, &f.ioUs, &f.pacing,
                 &f.faultRate, &f.maxAttempts, &f.overload, &f.safetyCap, &f.interval, &f.seed, &f.crashRate,
                 &f.strategy, &f.maxRestarts, &f.maxSeconds, &f.topMaxRestarts, &f.topMaxSeconds, &f.backoffMinMs,
                 &f.backoffMaxMs, &f.backoffJitter, &f.poisonKey, &f.slowConsumer, &f.hangTimeoutMs, &f.onEscalation,
                 &f.duration, &f.killConsumer, &f.hangConsumer, &f.reportJson, &f.quiet, &f.record, &f.historyMinutes})
            refuse(*option, own);
        for (const auto *option :
            {&f.platform, &f.screenshot, &f.screenshotAfter, &f.screenshotCaptions, &f.presentation, &f.windowSize})
            refuse(*option, QStringLiteral("is not for --bench (it is for the window)"));
    }
    if (result.mode == CommandLine::Mode::Window) {
        refuse(f.duration, QStringLiteral("needs --headless (the window runs until it is closed)"));
        refuse(f.reportJson, QStringLiteral("needs --headless (the window writes no report)"));
        refuse(f.quiet, QStringLiteral("needs --headless (the window prints no per-second lines)"));
        for (const auto *option : {&f.killConsumer, &f.hangConsumer})
            refuse(*option, QStringLiteral("needs --headless (in the window, click a consumer to kill it)"));
    }
    if (result.mode == CommandLine::Mode::Headless)
        refuse(f.platform, QStringLiteral("is not for --headless (a platform plugin is for the window)"));
    if (result.mode != CommandLine::Mode::Bench) {
        for (const auto *option : {&f.benchSeconds, &f.benchRuns, &f.benchSections, &f.benchJson})
            refuse(*option, QStringLiteral("needs --bench"));
    }
    if (!parser.isSet(f.screenshot))
        refuse(f.screenshotAfter, QStringLiteral("needs --screenshot (it is the seconds before it)"));
    if (!parser.isSet(f.lesson) && !parser.isSet(f.scenario))
        refuse(f.screenshotCaptions, QStringLiteral("needs --lesson or --scenario (its captions are the moments)"));
    if (parser.isSet(f.screenshotCaptions) && parser.isSet(f.screenshot))
        refuse(f.screenshotCaptions, QStringLiteral("and --screenshot: choose one"));
    if (parser.isSet(f.platform) && parser.value(f.platform).trimmed().isEmpty())
        refuse(f.platform, QStringLiteral("is not a platform plugin (xcb, wayland, vnc, offscreen)"));
}

/// The pipeline's own settings: sizes, pacing, work per event, overload policy, seed.
void readEngineOptions(const QCommandLineParser &parser, const Flags &f, Reader &read, CommandLine &result)
{
    PipelineConfig &c = result.config;
    read.integer(f.producers, c.producers, "1..64");
    read.integer(f.consumers, c.consumers, "1..256");
    read.integer(f.maxInFlight, c.maxInFlight, "1..1000000");
    read.integer(f.workUs, c.workUs, "0..100000");
    read.integer(f.ioUs, c.ioUs, "0..1000000");
    read.integer(f.maxAttempts, c.maxAttempts, "1..100");
    read.integer(f.safetyCap, c.safetyCap, "1000..100000000");
    read.integer(f.interval, c.intervalMs, "10..5000");
    read.unsignedInteger(f.seed, c.seed, "0..18446744073709551615");
    if (parser.isSet(f.rate)) {
        const QString text = parser.value(f.rate).trimmed();
        if (text == QLatin1String("max")) {
            c.rate.reset();
        } else {
            bool ok = false;
            const qlonglong value = text.toLongLong(&ok);
            if (ok)
                c.rate = value < 0 ? 0 : static_cast<std::uint64_t>(value); // 0 (and below) fails validation
            else
                read.fail(f.rate, text, QStringLiteral("a whole number in 1..50000000 or 'max'"));
            if (ok && value < 0)
                result.errors
                    << QStringLiteral("--rate: rate = %1 events/s is out of range 1..50000000 events/s").arg(value);
        }
    }
    if (auto p = read.real(f.faultRate, "0..1"))
        c.faultRate = *p;
    if (parser.isSet(f.pacing)) {
        const QString text = parser.value(f.pacing).trimmed();
        bool ok = false;
        const int budget = text.toInt(&ok);
        if (text == QLatin1String("exact"))
            c.pacingUs = 0;
        else if (text == QLatin1String("batched"))
            c.pacingUs = PipelineConfig::kDefaultPacingUs;
        else if (ok && budget >= 0 && budget <= PipelineConfig::kMaxPacingUs)
            c.pacingUs = budget;
        else
            read.fail(f.pacing, text, QStringLiteral("exact, batched, or a budget in us 0..100000"));
    }
    if (parser.isSet(f.overload)) {
        const QString text = parser.value(f.overload);
        if (auto policy = overloadPolicyFromString(text.toStdString()))
            c.overload = *policy;
        else
            read.fail(f.overload, text, QStringLiteral("one of backpressure, drop, unbounded"));
    }
}

/// --bench-seconds, --bench-runs, --bench-sections.
void readBenchOptions(const QCommandLineParser &parser, const Flags &f, Reader &read, CommandLine &result)
{
    if (auto s = read.real(f.benchSeconds, "0.5..600")) {
        if (*s < 0.5 || *s > 600.0)
            result.errors << QStringLiteral("--bench-seconds: %1 s is out of range 0.5..600 s").arg(numberText(*s));
        else
            result.bench.secondsPerRow = *s;
    }
    if (parser.isSet(f.benchRuns)) {
        int runs = 0;
        read.integer(f.benchRuns, runs, "1..15");
        if (runs < 1 || runs > 15) {
            if (result.errors.filter(QStringLiteral("--bench-runs")).isEmpty())
                result.errors << QStringLiteral("--bench-runs: %1 is out of range 1..15").arg(runs);
        } else {
            result.bench.runs = runs;
        }
    }
    if (parser.isSet(f.benchSections)) {
        const QString text = parser.value(f.benchSections);
        static const std::map<QString, BenchSection> names{{QStringLiteral("throughput"), BenchSection::Throughput},
            {QStringLiteral("io"), BenchSection::Io}, {QStringLiteral("producers"), BenchSection::Producers}};
        std::vector<BenchSection> sections;
        bool ok = !text.trimmed().isEmpty();
        for (const QString &name : text.split(QLatin1Char(','))) {
            const auto found = names.find(name.trimmed());
            if (found == names.end()) {
                ok = false;
                break;
            }
            if (std::find(sections.begin(), sections.end(), found->second) == sections.end())
                sections.push_back(found->second);
        }
        if (ok)
            result.bench.sections = sections;
        else
            read.fail(f.benchSections, text, QStringLiteral("a comma-separated list of throughput, io, producers"));
    }
}

/// How consumers fail (crash rate, poison key, a slow consumer) and how their supervisors restart them.
void readFaultAndRestartOptions(const QCommandLineParser &parser, const Flags &f, Reader &read, CommandLine &result)
{
    PipelineConfig &c = result.config;
    if (auto p = read.real(f.crashRate, "0..1"))
        c.crashRate = *p;
    if (auto p = read.real(f.maxSeconds, "0.001..3600"))
        c.maxSeconds = *p;
    if (auto p = read.real(f.backoffJitter, "0..1"))
        c.backoffJitter = *p;
    read.integer(f.maxRestarts, c.maxRestarts, "0..1000000");
    if (auto p = read.real(f.topMaxSeconds, "0.001..3600"))
        c.topMaxSeconds = *p;
    read.integer(f.topMaxRestarts, c.topMaxRestarts, "0..1000000");
    read.integer(f.backoffMinMs, c.backoffMinMs, "0..600000");
    read.integer(f.backoffMaxMs, c.backoffMaxMs, "0..600000");
    read.integer(f.hangTimeoutMs, c.hangTimeoutMs, "10..600000");
    if (parser.isSet(f.poisonKey)) {
        std::int64_t key = -1;
        read.integer(f.poisonKey, key, "0..4095");
        if (key < 0 || key >= PipelineConfig::kKeySpace) {
            if (result.errors.filter(QStringLiteral("--poison-key")).isEmpty())
                result.errors << QStringLiteral("--poison-key: %1 is out of range 0..4095").arg(key);
        } else {
            c.poisonKey = static_cast<std::uint32_t>(key);
        }
    }
    if (parser.isSet(f.strategy)) {
        const QString text = parser.value(f.strategy);
        if (auto strategy = restartStrategyFromString(text.toStdString()))
            c.strategy = *strategy;
        else
            read.fail(f.strategy, text, QStringLiteral("one of one_for_one, one_for_all, rest_for_one"));
    }
    if (parser.isSet(f.onEscalation)) {
        const QString text = parser.value(f.onEscalation);
        if (auto policy = escalationPolicyFromString(text.toStdString()))
            c.onEscalation = *policy;
        else
            read.fail(f.onEscalation, text, QStringLiteral("one of stop, restart"));
    }
    if (parser.isSet(f.slowConsumer)) {
        // Digits only, as in a scenario's "slow_consumer": toInt() would also take "-0" and "+1".
        static const QRegularExpression form(QStringLiteral("^([0-9]{1,9}):([0-9]{1,9})$"));
        const QString text = parser.value(f.slowConsumer);
        const auto match = form.match(text.trimmed());
        bool okIndex = false;
        bool okFactor = false;
        const int index = match.hasMatch() ? match.captured(1).toInt(&okIndex) : 0;
        const int factor = match.hasMatch() ? match.captured(2).toInt(&okFactor) : 0;
        if (!okIndex || !okFactor)
            read.fail(
                f.slowConsumer, text, QStringLiteral("INDEX:FACTOR, e.g. 3:10 (index 0..consumers-1, factor 1..1000)"));
        else
            c.slowConsumer = SlowConsumer{index, factor};
    }
}

/// --kill-consumer / --hang-consumer, each INDEX@SECONDS and repeatable, into `into`.
void readTimedFaults(const QCommandLineParser &parser, const QCommandLineOption &option, Reader &read,
    CommandLine &result, std::vector<CommandLine::TimedFault> &into)
{
    const PipelineConfig &c = result.config;
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,9}$"));
    for (const QString &text : parser.values(option)) {
        const auto parts = text.split(QLatin1Char('@'));
        bool okIndex = false;
        bool okTime = false;
        const int index
            = parts.size() == 2 && digits.match(parts[0].trimmed()).hasMatch() ? parts[0].toInt(&okIndex) : -1;
        const double at = parts.size() == 2 ? parts[1].toDouble(&okTime) : -1;
        if (!okIndex || !okTime || index < 0 || index >= c.consumers || at < 0 || !std::isfinite(at)) {
            read.fail(option, text,
                QStringLiteral("INDEX@SECONDS with index 0..%1 and seconds >= 0, e.g. 2@1.5").arg(c.consumers - 1));
            continue;
        }
        // A fault timed after the run's end would never happen, and nothing would say so.
        if (result.durationS && at > *result.durationS) {
            result.errors << QStringLiteral("--%1: '%2' is at %3 s, after the run ends (--duration %4)")
                                 .arg(option.names().constFirst(), escapeControl(text))
                                 .arg(numberText(at), numberText(*result.durationS));
            continue;
        }
        into.push_back({index, at});
    }
}

/// Range checks belong to the configuration type; name the flag that carried the value.
void checkConfig(CommandLine &result)
{
    for (const auto &error : result.config.validate()) {
        const auto flag = flagOfField().find(error.field);
        const QString name = flag != flagOfField().end() ? flag->second : QString::fromStdString(error.field);
        const QString line = QStringLiteral("%1: %2").arg(name, QString::fromStdString(error.message));
        if (!result.errors.contains(line)
            && !(error.field == "rate" && !result.errors.filter(QStringLiteral("--rate")).isEmpty()))
            result.errors << line;
    }
}

/// The window's flags: --platform, --screenshot*, --presentation, --window-size.
void readWindowOptions(const QCommandLineParser &parser, const Flags &f, Reader &read, CommandLine &result)
{
    result.platform = parser.value(f.platform);
    result.screenshot = parser.value(f.screenshot);
    if (parser.isSet(f.screenshotCaptions)) {
        result.screenshotCaptions = parser.value(f.screenshotCaptions);
        const QFileInfo folder(result.screenshotCaptions);
        if (!folder.isDir() || !folder.isWritable())
            result.errors << QStringLiteral("--screenshot-captions: '%1' is not a folder this user can write to")
                                 .arg(escapeControl(result.screenshotCaptions));
    }
    result.presentation = parser.isSet(f.presentation);
    if (parser.isSet(f.windowSize)) {
        const QString text = parser.value(f.windowSize);
        const auto parts = text.trimmed().split(QLatin1Char('x'), Qt::KeepEmptyParts, Qt::CaseInsensitive);
        bool okWidth = false;
        bool okHeight = false;
        const QSize size(
            parts.size() == 2 ? parts[0].toInt(&okWidth) : 0, parts.size() == 2 ? parts[1].toInt(&okHeight) : 0);
        if (okWidth && okHeight && size.width() >= kMinWindowSize.width() && size.width() <= kMaxWindowSize.width()
            && size.height() >= kMinWindowSize.height() && size.height() <= kMaxWindowSize.height())
            result.windowSize = size;
        else
            read.fail(f.windowSize, text,
                QStringLiteral("WIDTHxHEIGHT in pixels with width %1..%2 and height %3..%4, e.g. 1920x1080")
                    .arg(kMinWindowSize.width())
                    .arg(kMaxWindowSize.width())
                    .arg(kMinWindowSize.height())
                    .arg(kMaxWindowSize.height()));
    }
    if (auto after = read.real(f.screenshotAfter, "0.1..3600")) {
        if (*after < 0.1 || *after > 3600)
            result.errors
                << QStringLiteral("--screenshot-after: %1 s is out of range 0.1..3600 s").arg(numberText(*after));
        else
            result.screenshotAfterS = *after;
    }
}

/// --metrics-port and --metrics-bind (headless only).
void readMetricsOptions(
    const QCommandLineParser &parser, const Flags &f, Reader &read, bool headless, CommandLine &result)
{
    if (parser.isSet(f.metricsPort)) {
        std::int64_t port = -1;
        read.integer(f.metricsPort, port, "1..65535");
        if (port < 1 || port > 65535) {
            if (result.errors.filter(QStringLiteral("--metrics-port")).isEmpty())
                result.errors << QStringLiteral("--metrics-port: %1 is out of range 1..65535").arg(port);
        } else {
            result.metricsPort = static_cast<int>(port);
        }
        if (!headless)
            result.errors << QStringLiteral(
                "--metrics-port: the metrics endpoint runs in headless mode; add --headless");
    }
    if (parser.isSet(f.metricsBind)) {
        const QString text = parser.value(f.metricsBind).trimmed();
        if (!isIpv4Address(text))
            read.fail(f.metricsBind, text,
                QStringLiteral("a numeric IPv4 address, e.g. 127.0.0.1 or 0.0.0.0 (Debian's civetweb has no IPv6)"));
        else
            result.metricsBind = text;
        if (!parser.isSet(f.metricsPort))
            result.errors << QStringLiteral("--metrics-bind: needs --metrics-port");
    }
}

/// The window's flags need a build with the window, and a run with it (not --headless).
void checkWindowFlags(
    const QCommandLineParser &parser, const Flags &f, bool headless, bool windowBuilt, CommandLine &result)
{
    if (!windowBuilt) {
        // Said once a flag, before the lines below would explain the window's flags in terms of --headless.
        for (const auto *option :
            {&f.screenshot, &f.screenshotAfter, &f.screenshotCaptions, &f.presentation, &f.windowSize, &f.platform}) {
            if (parser.isSet(*option))
                result.errors << QStringLiteral("--%1: this beam-me-up was built without the window "
                                                "(BEAM_BUILD_WINDOW=OFF): it runs headless only")
                                     .arg(option->names().constFirst());
        }
    } else {
        if (headless && (!result.screenshot.isEmpty() || !result.screenshotCaptions.isEmpty()))
            result.errors << QStringLiteral("--screenshot and --headless: a screenshot needs the window");
        if (headless && result.presentation)
            result.errors << QStringLiteral("--presentation and --headless: presentation mode needs the window");
        if (headless && parser.isSet(f.windowSize))
            result.errors << QStringLiteral("--window-size and --headless: a window size needs the window");
    }
}

/// --sweep-warmup, --sweep-seconds, --sweep-repeats.
void readSweepTimes(const QCommandLineParser &parser, const Flags &f, Reader &read, CommandLine &result)
{
    SweepOptions &o = result.sweepOptions;
    if (auto s = read.real(f.sweepWarmup, "0..600")) {
        if (*s < 0 || *s > 600)
            result.errors << QStringLiteral("--sweep-warmup: %1 s is out of range 0..600 s").arg(numberText(*s));
        else
            o.warmupS = *s;
    }
    if (auto s = read.real(f.sweepSeconds, "0.2..3600")) {
        if (*s < 0.2 || *s > 3600)
            result.errors << QStringLiteral("--sweep-seconds: %1 s is out of range 0.2..3600 s").arg(numberText(*s));
        else
            o.measureS = *s;
    }
    if (parser.isSet(f.sweepRepeats)) {
        int repeats = 0;
        read.integer(f.sweepRepeats, repeats, "1..20");
        if (repeats < 1 || repeats > 20) {
            if (result.errors.filter(QStringLiteral("--sweep-repeats")).isEmpty())
                result.errors << QStringLiteral("--sweep-repeats: %1 is out of range 1..20").arg(repeats);
        } else {
            o.repeats = repeats;
        }
    }
}

/// What cannot go beside --sweep: the flag it sets at each point, other runs, and what only another mode uses.
void checkSweepConflicts(const QCommandLineParser &parser, const Flags &f, CommandLine &result)
{
    const QString spec = escapeControl(parser.value(f.sweep));
    if (result.sweep) {
        const std::map<SweepParam, const QCommandLineOption *> swept{{SweepParam::Rate, &f.rate},
            {SweepParam::Consumers, &f.consumers}, {SweepParam::IoUs, &f.ioUs},
            {SweepParam::MaxInFlight, &f.maxInFlight}};
        refuseOnce(parser, *swept.at(result.sweep->param),
            QStringLiteral("cannot be combined with --sweep %1, which sets it at each point").arg(spec), result.errors);
    }
    for (const auto *option : {&f.scenario, &f.lesson, &f.bench, &f.replay, &f.record})
        refuseOnce(parser, *option,
            QStringLiteral("cannot be combined with --sweep (a sweep runs engines of its own, one a point and "
                           "repeat; choose one)"),
            result.errors);
    refuseOnce(parser, f.headless,
        QStringLiteral("is not for --sweep (a sweep never opens the window; leave --headless out)"), result.errors);
    for (const auto *option : {&f.duration, &f.reportJson, &f.quiet, &f.killConsumer, &f.hangConsumer, &f.metricsPort,
             &f.metricsBind, &f.historyMinutes, &f.junit, &f.speed})
        refuseOnce(parser, *option,
            QStringLiteral("is not for --sweep (each point runs --sweep-warmup, then --sweep-seconds, and the sweep "
                           "writes --sweep-csv and --sweep-svg)"),
            result.errors);
    for (const auto *option :
        {&f.platform, &f.screenshot, &f.screenshotAfter, &f.screenshotCaptions, &f.presentation, &f.windowSize})
        refuseOnce(parser, *option, QStringLiteral("is not for --sweep (it is for the window)"), result.errors);
}

/// --sweep PARAM=LO..HI[:STEPS] and its flags. Without --sweep, its flags are refused.
void readSweep(const QCommandLineParser &parser, const Flags &f, Reader &read, CommandLine &result)
{
    if (!parser.isSet(f.sweep)) {
        for (const auto *option : {&f.sweepCsv, &f.sweepSvg, &f.sweepWarmup, &f.sweepSeconds, &f.sweepRepeats})
            refuseOnce(parser, *option, QStringLiteral("needs --sweep (the sweep it is about)"), result.errors);
        return;
    }
    const QString text = parser.value(f.sweep);
    std::string error;
    result.sweep = parseSweepSpec(text.toStdString(), error);
    if (!result.sweep)
        result.errors << QStringLiteral("--sweep: '%1' %2").arg(escapeControl(text), QString::fromStdString(error));
    readSweepTimes(parser, f, read, result);
    checkSweepConflicts(parser, f, result);
    if (result.sweep) {
        // Each point's configuration, in PipelineConfig's words; the base's own faults are its flags' lines.
        for (const auto &message : checkSweep(result.config, *result.sweep))
            result.errors
                << QStringLiteral("--sweep: '%1': %2").arg(escapeControl(text), QString::fromStdString(message));
    }
    checkWritable(parser, f.sweepCsv, true, result.errors);
    checkWritable(parser, f.sweepSvg, true, result.errors);
    result.sweepCsv = parser.value(f.sweepCsv);
    result.sweepSvg = parser.value(f.sweepSvg);
    if (!parser.isSet(f.sweepCsv) && !parser.isSet(f.sweepSvg)) {
        result.sweepCsv = QStringLiteral("-"); // the points must go somewhere: stdout, as --sweep-csv - would
        if (result.stdoutReport.isEmpty())
            result.stdoutReport = QStringLiteral("--sweep-csv");
    }
}

} // namespace

bool writesToStdout(const QString &path)
{
    return path == QLatin1String("-") || path == QLatin1String("/dev/stdout") || path == QLatin1String("/dev/fd/1")
        || path == QLatin1String("/proc/self/fd/1");
}

QString helpText()
{
    const Flags f;
    QCommandLineParser parser;
    describeOptions(parser, f);
    return parser.helpText();
}

QStringList decodeArguments(int argc, const char *const *argv, QStringList &errors)
{
    const Flags f;
    QStringList valued; // the flags that take a value, as typed with one dash or two
    for (const auto &option : everyOption(f)) {
        if (!option.valueName().isEmpty()) {
            for (const auto &name : option.names())
                valued << QStringLiteral("-%1").arg(name) << QStringLiteral("--%1").arg(name);
        }
    }
    QStringList arguments;
    for (int i = 0; i < argc; ++i) {
        const QByteArrayView bytes(argv[i]);
        QStringDecoder toUtf16(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = toUtf16.decode(bytes);
        if (i > 0 && toUtf16.hasError()) {
            const QString previous = i > 1 ? arguments.constLast() : QString();
            if (valued.contains(previous)) {
                errors << QStringLiteral("%1: '%2' is not UTF-8 (values, names and paths are read as UTF-8)")
                              .arg(escapeControl(previous), describeBytes(bytes));
            } else {
                errors << QStringLiteral("argument %1, '%2', is not UTF-8 (flags, names and paths are read as UTF-8)")
                              .arg(i)
                              .arg(describeBytes(bytes));
            }
        }
        arguments << text;
    }
    return arguments;
}
CommandLine parseCommandLine(const QStringList &arguments, bool windowBuilt)
{
    CommandLine result;
    const Flags f;
    QCommandLineParser parser;
    describeOptions(parser, f);
    if (!parser.parse(arguments)) {
        result.errors << escapeControl(parser.errorText()); // Qt's sentence quotes the argument as typed
        return result;
    }
    if (parser.isSet(f.help) || parser.isSet(f.helpAll)) {
        result.mode = CommandLine::Mode::Help;
        return result;
    }
    if (parser.isSet(f.version)) {
        result.mode = CommandLine::Mode::Version;
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.errors << QStringLiteral("unexpected argument '%1': every setting is a --flag (see --help)")
                             .arg(escapeControl(parser.positionalArguments().constFirst()));
    }

    // Without the window, headless is what a run is: --headless may be given or left out.
    const bool headless
        = parser.isSet(f.headless) || (!windowBuilt && !parser.isSet(f.bench) && !parser.isSet(f.sweep));
    Reader read(parser, result.errors);
    readEngineOptions(parser, f, read, result);
    if (auto d = read.real(f.duration, "0.1..31536000")) {
        if (*d < 0.1 || *d > 31'536'000.0)
            result.errors << QStringLiteral("--duration: %1 s is out of range 0.1..31536000 s").arg(numberText(*d));
        else
            result.durationS = *d;
    }
    if (auto minutes = read.real(f.historyMinutes, "0..120")) {
        if (*minutes < 0 || *minutes > 120)
            result.errors << QStringLiteral("--history-minutes: %1 is out of range 0..120").arg(numberText(*minutes));
        else if (*minutes == 0 && parser.isSet(f.record))
            result.errors << QStringLiteral(
                "--history-minutes: 0 keeps nothing, so --record would save nothing (give 1..120, or leave it out)");
        else
            result.historyMinutes = *minutes;
    }
    readBenchOptions(parser, f, read, result);
    readFaultAndRestartOptions(parser, f, read, result);
    readTimedFaults(parser, f.killConsumer, read, result, result.kills);
    readTimedFaults(parser, f.hangConsumer, read, result, result.hangs);
    result.reportJson = parser.value(f.reportJson);
    result.benchJson = parser.value(f.benchJson);
    result.quiet = parser.isSet(f.quiet);
    checkConfig(result);

    readWindowOptions(parser, f, read, result);
    // Beside --sweep, the metrics flags are refused as not for a sweep, not as needing --headless.
    readMetricsOptions(parser, f, read, headless || parser.isSet(f.sweep), result);
    if (parser.isSet(f.bench))
        result.mode = CommandLine::Mode::Bench;
    else if (parser.isSet(f.sweep))
        result.mode = CommandLine::Mode::Sweep;
    else if (headless)
        result.mode = CommandLine::Mode::Headless;
    else
        result.mode = CommandLine::Mode::Window;
    readScenario(parser, f, read, result);
    readRecord(parser, f, result);
    readReplay(parser, f, result);
    readExports(parser, f, result);
    checkWritable(parser, f.junit, true, result.errors);
    checkWritable(parser, f.reportJson, true, result.errors);
    checkWritable(parser, f.benchJson, true, result.errors);
    checkWritable(parser, f.screenshot, false, result.errors);
    checkStdoutOnce(parser, {&f.reportJson, &f.junit, &f.benchJson, &f.sweepCsv, &f.sweepSvg}, result);
    readSweep(parser, f, read, result);
    checkWindowFlags(parser, f, headless, windowBuilt, result);
    if (parser.isSet(f.headless) && parser.isSet(f.bench))
        result.errors << QStringLiteral("--bench and --headless: choose one");
    checkModeUses(parser, f, result);
    checkGivenOnce(parser, f, result.errors);
    return result;
}

} // namespace beam
