// SPDX-License-Identifier: MIT
#pragma once

#include <QFile>
#include <QString>

namespace beam {

/// For a report that goes to stdout (CommandLine::stdoutReport): keeps the descriptor the program was started
/// with for that report, and points descriptor 1 at stderr. Every other line the run prints (telemetry, the
/// summary, scenario steps, Qt's messages) then lands on stderr without each printf knowing, and stdout carries
/// the one document. Returns false, with `error` set, if the descriptors cannot be arranged.
/// Threads: call once from main(), before anything is printed and before any other thread starts.
bool reserveStdoutForReport(QString &error);

/// Opens `file` for writing the report the command line named `path`: stdout when writesToStdout(path) (the
/// descriptor kept by reserveStdoutForReport(), else descriptor 1), otherwise the file, truncated. On failure
/// returns false with `error` set to a sentence naming the path.
bool openReport(QFile &file, const QString &path, QString &error);

} // namespace beam
