// SPDX-License-Identifier: MIT
// beam-me-up: one binary, two faces. The window needs a QApplication; the headless mode and the benchmark
// use a QCoreApplication and never need a display. Built without the window (BEAM_BUILD_WINDOW=OFF, for a slim
// server image), it is the headless face only.
#include "commandline.h"
#include "headless.h"
#include "recordingexport.h"
#include "replay.h"
#include "reportoutput.h"
#include "sweeprun.h"

#include <QCoreApplication>
#include <QFileInfo>

#if BEAM_WITH_WINDOW
#include "controlpanel.h"
#include "mainwindow.h"
#include "quitsignals.h"
#include "runrecord.h"
#include "timecursor.h"

#include <QApplication>
#include <QIcon>
#include <QTimer>

#include <csignal>
#endif

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

void describeApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("beam-me-up"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BEAM_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("BEAM Me Up"));
}

#if BEAM_WITH_WINDOW
bool haveDisplay()
{
    const auto set = [](const char *name) {
        const char *value = std::getenv(name);
        return value && *value;
    };
    return set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM");
}

/// Says on stderr that the window is larger than `asked` and why (its panels' minimum), unless it is not or its
/// size was `explained` already; remembers the size explained.
void explainWindowSize(const QWidget &window, const std::optional<QSize> &asked, QSize &explained)
{
    if (!asked || window.size() == explained
        || (window.width() <= asked->width() && window.height() <= asked->height()))
        return;
    explained = window.size();
    std::fprintf(stderr, "beam-me-up: --window-size %dx%d: the window's panels need at least %dx%d, so it is %dx%d\n",
        asked->width(), asked->height(), window.minimumWidth(), window.minimumHeight(), window.width(),
        window.height());
}

int runWindow(int argc, char *argv[], const beam::CommandLine &options);
#endif

} // namespace

int main(int argc, char *argv[])
{
    Q_INIT_RESOURCE(resources); // the built-in lessons (:/lessons) are read while parsing the command line
    QStringList notUtf8;
    const QStringList arguments = beam::decodeArguments(argc, argv, notUtf8);
    beam::CommandLine options = beam::parseCommandLine(arguments, BEAM_WITH_WINDOW != 0);
    if (!notUtf8.isEmpty())
        options.errors = notUtf8; // the rest would be about replacement characters, not what was typed

    if (!options.errors.isEmpty()) {
        for (const QString &error : options.errors)
            std::fprintf(stderr, "beam-me-up: %s\n", qPrintable(error));
        std::fprintf(stderr, "Try 'beam-me-up --help'.\n");
        return beam::ExitUsage;
    }
    if (!options.stdoutReport.isEmpty()) {
        QString error;
        if (!beam::reserveStdoutForReport(error)) {
            std::fprintf(stderr, "beam-me-up: %s: %s\n", qPrintable(options.stdoutReport), qPrintable(error));
            return beam::ExitUsage;
        }
    }
    // --replay with --export-csv or --export-trace: the recording is written out, nothing runs, no window opens.
    if (options.exports())
        return beam::runExports(options);
    switch (options.mode) {
    case beam::CommandLine::Mode::Help: {
        // The usage line is the application's argv[0]: a QCoreApplication needs no display, and it gets the
        // program's name, as every other message says it, not the path the binary was started by.
        int helpArgc = 1;
        char name[] = "beam-me-up";
        char *helpArgv[] = {name, nullptr};
        const QCoreApplication app(helpArgc, helpArgv);
        std::fputs(qPrintable(beam::helpText()), stdout);
        return beam::ExitOk;
    }
    case beam::CommandLine::Mode::Version:
        std::printf("beam-me-up %s\n", BEAM_VERSION);
        return beam::ExitOk;
    case beam::CommandLine::Mode::Bench:
    case beam::CommandLine::Mode::Sweep:
    case beam::CommandLine::Mode::Headless: {
        QCoreApplication app(argc, argv);
        describeApplication();
        if (options.mode == beam::CommandLine::Mode::Bench)
            return beam::runBench(options);
        if (options.mode == beam::CommandLine::Mode::Sweep)
            return beam::runSweepCommand(options);
        return options.replayPath.isEmpty() ? beam::runHeadless(options) : beam::replayHeadless(options);
    }
    case beam::CommandLine::Mode::Window:
        break;
    }
#if BEAM_WITH_WINDOW
    return runWindow(argc, argv, options);
#else
    return beam::ExitUsage; // parseCommandLine() makes every run headless without the window
#endif
}

#if BEAM_WITH_WINDOW
namespace {

int runWindow(int argc, char *argv[], const beam::CommandLine &options)
{
    // -platform NAME: Qt reads it from argv too; the variable makes it hold whichever dashes were typed.
    if (!options.platform.isEmpty())
        qputenv("QT_QPA_PLATFORM", options.platform.toLocal8Bit());
    if (!haveDisplay()) {
        std::fprintf(stderr,
            "beam-me-up: no display (DISPLAY and WAYLAND_DISPLAY are unset): run with --headless, "
            "or set QT_QPA_PLATFORM=offscreen for screenshots\n");
        return beam::ExitUsage;
    }
    // A recording to replay is read before any window opens: a bad one is one line and exit 2.
    std::optional<beam::Recording> replay;
    if (!options.replayPath.isEmpty() && !(replay = beam::readReplay(options.replayPath)))
        return beam::ExitUsage;
    QApplication app(argc, argv);
    // Caught from here on; acted on once the event loop runs (below).
    beam::QuitSignals quitSignals;
    describeApplication();
    // The installed .desktop file and icon share this id; the icon is also built in, for an uninstalled binary.
    QGuiApplication::setDesktopFileName(QStringLiteral(BEAM_APP_ID));
    QApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral(BEAM_APP_ID), QIcon(QStringLiteral(":/icons/beam-me-up.svg"))));
    beam::MainWindow window;
    window.bridge()->setRecorderLimits(beam::recorderLimits(options, std::nullopt));
    if (replay)
        window.showRecording(*replay, options.replayPath);
    // Settings given on the command line win over the saved ones (the window starts with them).
    if (!(options.config == beam::PipelineConfig{}))
        window.controls()->setConfig(options.config);
    if (options.presentation)
        window.setPresentationMode(true);
    // A size asked for is a window of that size, in presentation mode too (a screenshot of what a projector
    // of that resolution shows), rather than the full screen of whatever display this is.
    if (options.windowSize) {
        window.setFullScreen(false);
        window.resize(*options.windowSize);
    }
    window.show();
    // The window will not be smaller than its panels' minimum sizes: a screenshot or a projector asked for a
    // smaller size gets a larger one, so say so rather than let it pass unnoticed. Checked once the event loop
    // runs, after the layout requests that showing posts (fonts, style sheet); labels filling in later can still
    // add a pixel.
    // Said again at the end if it grew after that check (a label that wrapped): a screenshot's size is explained.
    QSize explained;
    const auto explainSize = [&] { explainWindowSize(window, options.windowSize, explained); };
    if (options.windowSize)
        QTimer::singleShot(0, &window, explainSize);
    if (options.scenario)
        window.playScenario(*options.scenario, options.speed, options.scenarioSource);
    if (!options.screenshot.isEmpty())
        window.scheduleScreenshot(options.screenshot, options.screenshotAfterS);
    if (!options.screenshotCaptions.isEmpty())
        window.screenshotCaptions(options.screenshotCaptions, QFileInfo(options.scenarioSource).completeBaseName());

    // SIGINT and SIGTERM quit as the Quit action does (the engine stops on a helper thread, exit 0), so that
    // Ctrl-C in a terminal and `docker stop` end the window cleanly, with its summary.
    const char *quitSignal = nullptr;
    QObject::connect(&quitSignals, &beam::QuitSignals::received, &window, [&window, &quitSignal](int signal) {
        quitSignal = signal == SIGINT ? "SIGINT" : "SIGTERM";
        window.close();
    });
    // Said once the event loop runs: from here on a signal quits cleanly (a script may wait for this line).
    QTimer::singleShot(0, &window, [] {
        std::fprintf(stderr, "beam-me-up: the window is open (pid %lld); Ctrl+Q, SIGINT or SIGTERM quits\n",
            static_cast<long long>(QCoreApplication::applicationPid()));
    });
    const int code = QApplication::exec();
    explainSize();
    const auto last = window.lastSnapshot();
    beam::printWindowSummary(last.get(), quitSignal);
    if (replay.has_value() || beam::saveRun(window.timeCursor()->recorder(), options))
        return code;
    return beam::ExitUsage;
}

} // namespace
#endif
