// SPDX-License-Identifier: MIT
#include "sweeprun.h"

#include "headless.h"
#include "quitsignals.h"
#include "reportoutput.h"

#include "core/sweep.h"
#include "core/sweepcsv.h"
#include "core/sweepsvg.h"

#include <atomic>
#include <cmath>
#include <cstdio>

namespace beam {

namespace {

std::atomic<bool> g_cancel{false};

/// "sweep rate 2/6 = 1500 (repeat 1/3): 1499/s, W 1103 us (model 1100 us), p99 2310 us, overhead 41 us"
void printRun(const SweepRunProgress &p)
{
    const SweepRun &r = p.run;
    const QString model = p.model.drawsW()
        ? QStringLiteral("model %1 us").arg(p.model.wMeanUs, 0, 'f', 0)
        : QStringLiteral("model: %1").arg(QString::fromStdString(std::string(toString(p.model.fit))));
    const QString overhead
        = r.overheadUs ? QStringLiteral("%1 us").arg(*r.overheadUs, 0, 'f', 0) : QStringLiteral("not measured");
    std::fprintf(stderr, "sweep %s %d/%d = %lld (repeat %d/%d): %.0f/s, W %.0f us (%s), p99 %.0f us, overhead %s\n",
        toString(p.param).data(), p.point + 1, p.points, static_cast<long long>(p.value), p.repeat + 1, p.repeats,
        r.throughputPerSec, r.wMeanUs, qPrintable(model), r.wP99Us, qPrintable(overhead));
}

/// Writes `text` to `path` (stdout for `-`); says so on stderr. False, with the reason on stderr, if it cannot.
bool writeText(const QString &flag, const QString &path, const std::string &text)
{
    QFile file;
    QString error;
    if (!openReport(file, path, error)) {
        std::fprintf(stderr, "beam-me-up: %s: %s\n", qPrintable(flag), qPrintable(error));
        return false;
    }
    const auto bytes = QByteArray::fromStdString(text);
    if (file.write(bytes) != bytes.size() || !file.flush()) {
        std::fprintf(stderr, "beam-me-up: %s: cannot write '%s': %s\n", qPrintable(flag), qPrintable(path),
            qPrintable(file.errorString()));
        return false;
    }
    if (!writesToStdout(path))
        std::fprintf(stderr, "sweep: wrote %s\n", qPrintable(path));
    return true;
}

} // namespace

int runSweepCommand(const CommandLine &options)
{
    setOnQuitSignals(g_cancel);
    const SweepSpec &spec = *options.sweep;
    const SweepOptions &o = options.sweepOptions;
    const double seconds = spec.steps * o.repeats * (o.warmupS + o.measureS);
    std::fprintf(stderr, "sweep %s: %d points x %d runs of %.1f s warm-up + %.1f s measured, about %.0f s\n",
        toString(spec).c_str(), spec.steps, o.repeats, o.warmupS, o.measureS, std::ceil(seconds));
    SweepCallbacks callbacks;
    callbacks.onRun = printRun;
    const SweepResult result = runSweep(options.config, spec, o, callbacks, &g_cancel);
    if (!result.error.empty()) {
        std::fprintf(stderr, "beam-me-up: --sweep: %s\n", result.error.c_str());
        return ExitUsage;
    }
    if (result.cancelled)
        std::fprintf(
            stderr, "sweep: stopped after %zu of %d points; writing those\n", result.points.size(), spec.steps);
    bool ok = true;
    if (!options.sweepCsv.isEmpty())
        ok = writeText(QStringLiteral("--sweep-csv"), options.sweepCsv, sweepCsv(result.points)) && ok;
    if (!options.sweepSvg.isEmpty())
        ok = writeText(QStringLiteral("--sweep-svg"), options.sweepSvg,
                 sweepSvg(SweepChartSource{options.config, spec, o}, result.points))
            && ok;
    return ok ? ExitOk : ExitUsage;
}

} // namespace beam
