// SPDX-License-Identifier: MIT
#pragma once

#include "core/sweep.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>

namespace beam {

/// Runs a what-if sweep (runSweep(), core/sweep.h: the same runner as `beam-me-up --sweep`) on a thread of its
/// own and hands each finished point to the GUI thread. The sweep's engines are its own; the window's engine is
/// the caller's to pause. Destroying the runner cancels a sweep in progress (it stops within about 0.1 s) and
/// joins its thread.
///
/// Threads: create, start and destroy on the GUI thread; the signals arrive there.
class SweepRunner : public QObject
{
    Q_OBJECT

public:
    explicit SweepRunner(QObject *parent = nullptr);
    ~SweepRunner() override;
    SweepRunner(const SweepRunner &) = delete;
    SweepRunner &operator=(const SweepRunner &) = delete;

    /// Starts sweeping `spec` over `base`; false (nothing started) while a sweep runs.
    bool start(const PipelineConfig &base, const SweepSpec &spec, const SweepOptions &options);
    [[nodiscard]] bool running() const { return m_running; }
    /// Asks a sweep in progress to stop after the run in progress; finished() follows.
    void cancel();

signals:
    /// One point measured, and the model for it (in the spec's order).
    void pointDone(const beam::SweepPoint &point);
    /// The sweep ended: every point, or fewer when cancelled or an engine refused (`error`).
    void finished(bool cancelled, const QString &error);

private:
    void join();

    std::thread m_thread;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    bool m_running = false;
};

} // namespace beam
