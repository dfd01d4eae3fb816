// SPDX-License-Identifier: MIT
#include "reportoutput.h"

#include "commandline.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace beam {

namespace {
int g_reportFd = STDOUT_FILENO; // where a report for stdout goes
} // namespace

bool reserveStdoutForReport(QString &error)
{
    std::fflush(stdout);
    const int kept = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (kept == -1 || dup2(STDERR_FILENO, STDOUT_FILENO) == -1) {
        error = QStringLiteral("cannot keep stdout for the report: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        if (kept != -1)
            close(kept);
        return false;
    }
    g_reportFd = kept;
    // stdout is stderr now: whole lines, so that the two interleave as they were printed.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    return true;
}

bool openReport(QFile &file, const QString &path, QString &error)
{
    bool ok = false;
    if (writesToStdout(path)) {
        ok = file.open(g_reportFd, QIODevice::WriteOnly, QFileDevice::DontCloseHandle);
    } else {
        file.setFileName(path);
        ok = file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    }
    if (!ok)
        error = QStringLiteral("cannot write '%1': %2").arg(path, file.errorString());
    return ok;
}

} // namespace beam
