// SPDX-License-Identifier: MIT
// beam-me-up: one binary, two faces. The window needs QApplication; the headless mode and the benchmark need
// only QtCore and never a display.
#include "commandline.h"
#include "headless.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("beam-me-up"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BEAM_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("BEAM Me Up"));

    const beam::CommandLine options = beam::parseCommandLine(QCoreApplication::arguments());
    if (!options.errors.isEmpty()) {
        for (const QString &error : options.errors)
            std::fprintf(stderr, "beam-me-up: %s\n", qPrintable(error));
        std::fprintf(stderr, "Try 'beam-me-up --help'.\n");
        return beam::ExitUsage;
    }
    switch (options.mode) {
    case beam::CommandLine::Mode::Help:
        std::fputs(qPrintable(options.helpText), stdout);
        return beam::ExitOk;
    case beam::CommandLine::Mode::Version:
        std::printf("beam-me-up %s\n", BEAM_VERSION);
        return beam::ExitOk;
    case beam::CommandLine::Mode::Bench:
        return beam::runBench(options);
    case beam::CommandLine::Mode::Window:
    case beam::CommandLine::Mode::Headless:
        break;
    }
    return beam::runHeadless(options);
}
