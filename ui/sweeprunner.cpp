// SPDX-License-Identifier: MIT
#include "sweeprunner.h"

#include <QMetaObject>
#include <QPointer>

namespace beam {

SweepRunner::SweepRunner(QObject *parent)
    : QObject(parent)
{ }

SweepRunner::~SweepRunner()
{
    cancel();
    join(); // runSweep() reads the flag every 0.1 s and stops its engine at once
}

bool SweepRunner::start(const PipelineConfig &base, const SweepSpec &spec, const SweepOptions &options)
{
    if (m_running)
        return false;
    join(); // the previous sweep's thread has ended (finished() came from its last act)
    m_cancel->store(false);
    m_running = true;
    m_thread = std::thread([this, base, spec, options, cancel = m_cancel] {
        SweepCallbacks callbacks;
        // Queued to this object: delivered on the GUI thread, dropped if it is gone by then.
        callbacks.onPoint = [this](const SweepPoint &point) {
            QMetaObject::invokeMethod(
                this, [this, point] { emit pointDone(point); }, Qt::QueuedConnection);
        };
        const SweepResult result = runSweep(base, spec, options, callbacks, cancel.get());
        const QString error = QString::fromStdString(result.error);
        const bool cancelled = result.cancelled;
        QMetaObject::invokeMethod(
            this,
            [this, cancelled, error] {
                m_running = false;
                emit finished(cancelled, error);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void SweepRunner::cancel()
{
    m_cancel->store(true);
}

void SweepRunner::join()
{
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace beam
