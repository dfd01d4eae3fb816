// SPDX-License-Identifier: MIT
// libFuzzer target: bytes -> argv -> decodeArguments() -> parseCommandLine(), as main() does before it runs
// anything: flags, values, --scenario files and the built-in --lesson files (Beam::resources).
//
// Input encoding: the arguments after argv[0], separated by NUL bytes: "--headless\0--rate\0max" is
// `beam-me-up --headless --rate max`. An empty input is no argument; a trailing NUL adds an empty argument.
// argv[0] is always "beam-me-up".
//
// Harmless by construction: parseCommandLine() never starts the engine and never writes a file; for the files
// a run would write (--report-json, --junit, --bench-json, --screenshot) it only asks whether they could be
// written. Reads are kept inside a scratch folder: the target works in a fresh temporary directory (made at
// start, removed at a normal exit; a finding's abort leaves /tmp/beam-fuzz-cli-XXXXXX behind) holding a few scenario
// files and a folder, and skips an input with an absolute path or "..", so --scenario reads only those (no /dev/stdin,
// no FIFO, no /proc file that blocks). The thread count is checked around every input: a parser that started the engine
// would have started threads.
//
// Besides crashes, leaks, undefined behaviour and hangs, it aborts on a broken promise: every error is one
// non-empty line; the same arguments parse to the same result twice; an accepted command line holds a valid
// configuration and a mode its flags fit; an export has a recording, and a replay no settings of a run; every
// point of an accepted sweep is a valid configuration.
#include "app/commandline.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

void check(bool ok, const char *what, const QString &detail = {})
{
    if (ok)
        return;
    std::fprintf(stderr, "fuzz_commandline: broken promise: %s %s\n", what, qPrintable(detail));
    std::abort();
}

std::unique_ptr<QTemporaryDir> g_scratch; // removed by its destructor when the fuzzer exits normally

/// Threads of this process (/proc/self/stat's 20th field).
int threadCount()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    const auto fields = line.mid(line.lastIndexOf(')') + 2).split(' '); // after "pid (comm) ": field 3 on
    return fields.size() > 17 ? fields[17].toInt() : -1;
}

void write(const QString &name, const QByteArray &bytes)
{
    QFile file(name);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        std::abort();
}

/// An argument that could lead a read out of the scratch folder.
bool leavesScratch(const std::string &argument)
{
    return argument.find('/') == 0 || argument.find("=/") != std::string::npos
        || argument.find("..") != std::string::npos;
}

} // namespace

// Outside any namespace, as Q_INIT_RESOURCE asks, and outside extern "C", whose linkage it would take.
static void initResources()
{
    Q_INIT_RESOURCE(resources); // --lesson NAME reads :/lessons/NAME.json
}

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    initResources();
    g_scratch = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/beam-fuzz-cli-XXXXXX"));
    if (!g_scratch->isValid() || !QDir::setCurrent(g_scratch->path()))
        std::abort();
    write(QStringLiteral("s.json"),
        R"({"name": "s", "duration_s": 5, "config": {"consumers": 2},
            "timeline": [{"at_s": 1, "caption": "c", "check": ["lost == 0"]}], "expect": ["lost == 0"]})");
    write(QStringLiteral("short.json"), R"({"name": "short", "duration_s": 0.1})");
    write(QStringLiteral("bad.json"), R"({"name": "", "duration_s": 5, "config": {"rate": 1, "rate": 2}})");
    write(QStringLiteral("empty.json"), "");
    write(QStringLiteral("r.db"), "SQLite format 3"); // --replay checks only that it can be read
    QDir().mkdir(QStringLiteral("d"));
    (void)beam::helpText();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::vector<std::string> arguments{"beam-me-up"};
    if (size > 0) {
        arguments.emplace_back();
        for (std::size_t i = 0; i < size; ++i) {
            if (data[i] == 0)
                arguments.emplace_back();
            else
                arguments.back() += static_cast<char>(data[i]);
        }
    }
    for (const auto &argument : arguments) {
        if (leavesScratch(argument))
            return -1; // not added to the corpus
    }
    std::vector<const char *> argv;
    argv.reserve(arguments.size());
    for (const auto &argument : arguments)
        argv.push_back(argument.c_str());

    const int threads = threadCount(); // libFuzzer starts threads of its own, after LLVMFuzzerInitialize
    QStringList notUtf8;
    const QStringList decoded = beam::decodeArguments(static_cast<int>(argv.size()), argv.data(), notUtf8);
    check(decoded.size() == static_cast<qsizetype>(argv.size()), "decodeArguments lost an argument");
    const beam::CommandLine first = beam::parseCommandLine(decoded);
    const beam::CommandLine again = beam::parseCommandLine(decoded);
    check(first.errors == again.errors && first.mode == again.mode && first.config == again.config,
        "the same arguments parsed differently");
    for (const auto &e : notUtf8 + first.errors) {
        check(!e.isEmpty(), "an empty error");
        check(!e.contains(QLatin1Char('\n')) && !e.contains(QLatin1Char('\r')), "an error spans lines", e);
    }
    if (first.errors.isEmpty() && notUtf8.isEmpty()) {
        const auto &c = first.scenario ? first.scenario->config : first.config;
        check(c.validate().empty(), "an accepted configuration does not validate");
        check(first.speed >= 1 && first.speed <= 100, "--speed out of range");
        if (first.durationS)
            check(*first.durationS >= 0.1 && *first.durationS <= 31'536'000, "--duration out of range");
        for (const auto &fault : first.kills)
            check(fault.consumer >= 0 && fault.consumer < first.config.consumers, "a kill of no consumer");
        if (first.mode == beam::CommandLine::Mode::Headless)
            check(first.screenshot.isEmpty() && !first.presentation && !first.windowSize, "window flags headless");
        if (first.mode == beam::CommandLine::Mode::Window)
            check(first.reportJson.isEmpty() && first.kills.empty() && !first.durationS, "headless flags in a window");
        if (first.mode == beam::CommandLine::Mode::Sweep) {
            check(first.sweep.has_value(), "a sweep without its spec");
            for (const auto value : beam::sweepValues(*first.sweep))
                check(beam::sweepConfig(first.config, first.sweep->param, value).validate().empty(),
                    "an accepted sweep has a point that does not validate");
            check(!first.scenario && first.replayPath.isEmpty() && first.recordPath.isEmpty() && !first.durationS
                    && first.screenshot.isEmpty() && !first.presentation,
                "a sweep beside another run");
        }
        check(!first.exports() || !first.replayPath.isEmpty(), "an export without --replay");
        check(first.replayPath.isEmpty()
                || (first.recordPath.isEmpty() && !first.scenario && first.config == beam::PipelineConfig{}),
            "--replay beside a run's settings");
    }
    check(threadCount() == threads, "the parser started a thread (the engine?)");
    return 0;
}
