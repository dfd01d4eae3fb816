// SPDX-License-Identifier: MIT
// The Theory tab's what-if sweep: the window's engine pauses, the same runner as `beam-me-up --sweep` measures the
// rate from 20% to 95% of the model's capacity, and each point is drawn on the W-versus-rho plot as it arrives.
#include "mainwindow.h"

#include "axisticks.h"
#include "enginebridge.h"
#include "sweeprunner.h"
#include "theoryview.h"

#include <cmath>

namespace beam {

void MainWindow::createSweep()
{
    m_sweep = new SweepRunner(this);
    connect(m_theory, &TheoryView::sweepRequested, this, &MainWindow::startSweep);
    connect(m_sweep, &SweepRunner::pointDone, this, [this](const SweepPoint &point) {
        const QueueingModel &m = point.model;
        m_sweepMarks.push_back({m.rho, point.wMeanUs, point.wMinUs, point.wMaxUs, m.drawsW() ? m.wMeanUs : NAN});
        m_theory->setSweep(m_sweepMarks,
            tr("Sweep: %1 of %2 points · %3/s offered: W %4 measured, %5 by the model")
                .arg(m_sweepMarks.size())
                .arg(m_sweepPoints)
                .arg(point.value)
                .arg(ticks::format(point.wMeanUs, ticks::Unit::Microseconds),
                    m.drawsW() ? ticks::format(m.wMeanUs, ticks::Unit::Microseconds) : tr("none (saturated)")));
    });
    connect(m_sweep, &SweepRunner::finished, this, [this](bool cancelled, const QString &error) {
        QString status = !error.isEmpty() ? tr("Sweep stopped: %1").arg(error)
            : cancelled                   ? tr("Sweep cancelled after %1 points.").arg(m_sweepMarks.size())
                                          : tr("Sweep done: %1 points, each 0.5 s warm-up and 2 s measured "
                                                                 "(squares: measured mean W; the model's curve is drawn for the "
                                                                 "configuration shown).")
                              .arg(m_sweepMarks.size());
        m_theory->setSweep(m_sweepMarks, status);
        if (m_sweepPausedEngine)
            m_bridge->resume();
        m_sweepPausedEngine = false;
        m_theory->setSweepEnabled(true);
    });
}

void MainWindow::startSweep()
{
    const QueueingModel &model = m_theory->model();
    if (m_sweep->running() || model.capacityStage == ModelStage::Producers || !std::isfinite(model.capacityPerSec)) {
        m_theory->setSweep(m_sweepMarks, tr("Nothing to sweep: with no work and no I/O the model has no capacity."));
        return;
    }
    SweepSpec spec;
    spec.param = SweepParam::Rate;
    spec.lo = std::max<std::int64_t>(1, std::llround(0.2 * model.capacityPerSec));
    spec.hi = std::max<std::int64_t>(spec.lo + 1, std::llround(0.95 * model.capacityPerSec));
    spec.steps = 6;
    SweepOptions options;
    options.warmupS = 0.5;
    options.measureS = 2.0;
    options.repeats = 1;
    const PipelineConfig base = m_bridge->config();
    if (!checkSweep(base, spec).empty())
        return;
    // The sweep's engines need the cores: the live run waits, and goes on where it was afterwards.
    m_sweepPausedEngine = m_bridge->state() == EngineState::Running;
    if (m_sweepPausedEngine)
        m_bridge->pause();
    m_sweepMarks.clear();
    m_sweepPoints = spec.steps;
    m_theory->setSweepEnabled(false);
    m_theory->setSweep(m_sweepMarks,
        tr("Sweeping %1 to %2 events/s in %3 points (about %4 s); the live run is paused.")
            .arg(spec.lo)
            .arg(spec.hi)
            .arg(spec.steps)
            .arg(std::lround(spec.steps * (options.warmupS + options.measureS) + spec.steps * 0.3)));
    m_sweep->start(base, spec, options);
}

} // namespace beam
