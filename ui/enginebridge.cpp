// SPDX-License-Identifier: MIT
#include "enginebridge.h"

#include <cstdlib>
#include <thread>

namespace beam {

EngineBridge::EngineBridge(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<PipelineConfig>();
    m_poll.setInterval(50);
    connect(&m_poll, &QTimer::timeout, this, &EngineBridge::poll);
    m_apply.setSingleShot(true);
    m_apply.setInterval(kApplyDelayMs);
    connect(&m_apply, &QTimer::timeout, this, &EngineBridge::applyPending);
}

EngineBridge::~EngineBridge()
{
    if (m_engine)
        m_engine->stop(StopMode::Now);
    // A drain in progress stops now (what is in flight is counted as abandoned), so joining it takes
    // milliseconds, not the drain's timeout.
    if (m_stopping)
        m_stopping->requestStopNow();
    if (m_drainThread.joinable())
        m_drainThread.join();
    for (auto &r : m_retiring)
        r.thread.join();
}

void EngineBridge::retire(std::unique_ptr<Engine> engine)
{
    reapRetired();
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([engine = std::move(engine), done]() mutable {
        engine->stop(StopMode::Now);
        engine.reset();
        done->store(true, std::memory_order_release);
    });
    m_retiring.push_back({std::move(thread), std::move(done)});
}

void EngineBridge::reapRetired()
{
    for (auto it = m_retiring.begin(); it != m_retiring.end();) {
        if (it->done->load(std::memory_order_acquire)) {
            it->thread.join(); // it has finished: no wait
            it = m_retiring.erase(it);
        } else {
            ++it;
        }
    }
}

EngineState EngineBridge::state() const
{
    return m_engine ? m_engine->state() : EngineState::Idle;
}

void EngineBridge::start()
{
    if (m_engine && m_engine->state() != EngineState::Stopped && m_engine->state() != EngineState::Idle)
        return;
    auto engine = std::make_unique<Engine>(m_config);
    engine->setRecorder(m_recorderLimits ? std::make_shared<FlightRecorder>(*m_recorderLimits) : nullptr);
    engine->setRateWindow(m_rateWindowS);
    if (auto hook = Engine::testFaultHook(std::getenv("BEAM_TEST_FAULT")))
        engine->setFaultHook(std::move(hook)); // tests of the whole program only
    if (const auto errors = engine->start(); !errors.empty()) {
        emit configRejected(QString::fromStdString(errors.front().message));
        return;
    }
    m_engine = std::move(engine);
    m_recorder = m_engine->recorder();
    m_lastSequence = 0;
    m_poll.start();
    poll();
}

double EngineBridge::elapsedS() const
{
    const Engine *engine = m_engine ? m_engine.get() : m_stopping.get();
    return engine ? engine->elapsedS() : 0.0;
}

void EngineBridge::pause()
{
    if (m_engine)
        m_engine->pause();
    poll();
}

void EngineBridge::resume()
{
    if (m_engine)
        m_engine->resume();
    poll();
}

void EngineBridge::stop()
{
    if (!m_engine || m_stopping)
        return;
    // Draining may take a while (a slow consumer, long I/O): it happens on a helper thread, while the GUI keeps
    // showing snapshots as the engine empties.
    m_stopping = std::move(m_engine);
    Engine *draining = m_stopping.get();
    if (m_drainThread.joinable())
        m_drainThread.join();
    m_drainThread = std::thread([this, draining] {
        draining->stop(StopMode::Drain, std::chrono::seconds(30));
        // Queued to the GUI thread; dropped by Qt if the bridge is gone (its destructor joins this thread).
        QMetaObject::invokeMethod(this, &EngineBridge::finishStop, Qt::QueuedConnection);
    });
}

void EngineBridge::finishStop()
{
    if (!m_stopping)
        return;
    if (m_drainThread.joinable())
        m_drainThread.join(); // it queued this call as its last act
    if (m_engine || m_drainAbandoned) {
        // A reset or a new start came while it drained: the newer engine stays, the drained one goes.
        m_drainAbandoned = false;
        m_stopping.reset();
        return;
    }
    m_engine = std::move(m_stopping); // kept, stopped, so its final snapshot and history stay readable
    m_latest = m_engine->latest();
    emit snapshotReady(m_latest);
    m_lastState = EngineState::Stopped;
    emit stateChanged(EngineState::Stopped);
    emit stopped();
}

void EngineBridge::reset()
{
    // Stopping waits for the events being processed (up to one event's CPU work): on a helper thread, so the
    // window never waits for it.
    if (m_engine)
        retire(std::move(m_engine));
    m_drainAbandoned = m_stopping != nullptr;
    if (m_stopping)
        m_stopping->requestStopNow(); // the run is forgotten: no reason to wait for its drain
    m_latest.reset();
    m_recorder.reset();
    m_lastSequence = 0;
    m_poll.stop();
    m_lastState = EngineState::Idle;
    emit stateChanged(EngineState::Idle);
}

void EngineBridge::setConfig(const PipelineConfig &config)
{
    m_config = config;
    m_apply.start(); // restarts the quiet period
}

void EngineBridge::applyNow(const PipelineConfig &config)
{
    m_config = config;
    m_apply.stop();
    applyPending();
}

void EngineBridge::applyPending()
{
    if (!m_engine)
        return;
    const auto state = m_engine->state();
    if (state != EngineState::Running && state != EngineState::Paused)
        return;
    PipelineConfig next = m_config;
    next.seed = m_engine->config().seed; // the seed belongs to the run
    if (const auto errors = m_engine->reconfigure(next); !errors.empty())
        emit configRejected(QString::fromStdString(errors.front().message));
}

void EngineBridge::setRateWindow(double seconds)
{
    m_rateWindowS = seconds;
    if (m_engine)
        m_engine->setRateWindow(seconds);
}

void EngineBridge::killConsumer(int index)
{
    if (m_engine)
        m_engine->killConsumer(index);
}

void EngineBridge::hangConsumer(int index)
{
    if (m_engine)
        m_engine->hangConsumer(index);
}

void EngineBridge::poll()
{
    Engine *engine = m_engine ? m_engine.get() : m_stopping.get();
    if (!engine)
        return;
    const auto state = engine->state();
    if (state != m_lastState) {
        m_lastState = state;
        emit stateChanged(state);
    }
    auto snapshot = engine->latest();
    if (!snapshot || snapshot->sequence == m_lastSequence)
        return;
    m_lastSequence = snapshot->sequence;
    m_latest = snapshot;
    emit snapshotReady(snapshot);
}

} // namespace beam
