// SPDX-License-Identifier: MIT
#include "recordingexport.h"

#include "headless.h"
#include "recording/export.h"
#include "recording/recordingfile.h"

#include <QFile>

#include <cstdio>

namespace beam {

namespace {

int failed(const std::string &error)
{
    std::fprintf(stderr, "beam-me-up: error: %s\n", error.c_str());
    return ExitUsage;
}

void wrote(const std::string &path)
{
    std::fprintf(stderr, "beam-me-up: wrote %s\n", path.c_str());
}

} // namespace

int runExports(const CommandLine &options)
{
    // Paths as the file system spells them (QFile::encodeName), as every other file of the program is opened.
    const auto local = [](const QString &path) { return QFile::encodeName(path).toStdString(); };
    std::string error;
    const auto recording = readRecording(local(options.replayPath), error);
    if (!recording)
        return failed(error);
    if (!options.exportCsvFolder.isEmpty()) {
        std::vector<std::string> files;
        const bool ok = exportCsv(local(options.replayPath), local(options.exportCsvFolder), files, error);
        for (const auto &file : files)
            wrote(file);
        if (!ok)
            return failed(error);
    }
    if (!options.exportTracePath.isEmpty()) {
        if (!exportTrace(*recording, local(options.exportTracePath), error))
            return failed(error);
        wrote(local(options.exportTracePath));
    }
    return ExitOk;
}

} // namespace beam
