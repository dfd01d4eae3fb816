// SPDX-License-Identifier: MIT
#pragma once

#include "core/engine.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace beam {

using SnapshotPtr = std::shared_ptr<const Snapshot>;

/// The one bridge between the window and the engine. Owns the engine, polls its newest snapshot on a
/// GUI-thread timer (20 times a second) and emits it as a plain value; the engine never calls into the UI.
///
/// Nothing here waits on event processing: configuration changes are applied after a short quiet period
/// (a dragged slider sends one change, not fifty), and a draining stop runs on a helper thread.
/// Threads: GUI thread only.
class EngineBridge : public QObject
{
    Q_OBJECT

public:
    explicit EngineBridge(QObject *parent = nullptr);
    ~EngineBridge() override;

    [[nodiscard]] PipelineConfig config() const { return m_config; }
    [[nodiscard]] EngineState state() const;
    [[nodiscard]] Engine *engine() const { return m_engine.get(); }
    [[nodiscard]] SnapshotPtr latest() const { return m_latest; }
    /// The flight recorder of the run shown: the engine's, kept after it stopped until the next run or a reset
    /// (null before the first start and after a reset).
    [[nodiscard]] std::shared_ptr<FlightRecorder> recorder() const { return m_recorder; }
    /// What each new engine's flight recorder keeps; nullopt: no recorder (--history-minutes 0).
    void setRecorderLimits(std::optional<FlightRecorder::Limits> limits) { m_recorderLimits = limits; }
    /// Seconds since the run shown started, on the snapshots' clock (0 with no engine).
    [[nodiscard]] double elapsedS() const;
    /// Milliseconds a configuration change waits for quiet before it reaches the engine.
    static constexpr int kApplyDelayMs = 120;

public slots:
    void start();
    void pause();
    void resume();
    /// Producers stop, events in flight finish (on a helper thread), then stopped() is emitted.
    void stop();
    /// Stops at once and forgets the run: the next start() begins from zero.
    void reset();
    /// Takes a configuration; it reaches the running engine after kApplyDelayMs of quiet.
    void setConfig(const beam::PipelineConfig &config);
    /// Takes a configuration and applies it to the running engine now (a lesson's step, not a dragged slider).
    void applyNow(const beam::PipelineConfig &config);
    void killConsumer(int index);
    /// The window of every rate and ratio (Engine::setRateWindow), for this engine and the ones after it.
    void setRateWindow(double seconds);
    /// Makes a consumer stop making progress; its supervisor crashes it after the hang timeout.
    void hangConsumer(int index);

signals:
    void snapshotReady(const beam::SnapshotPtr &snapshot);
    void stateChanged(beam::EngineState state);
    void stopped();
    void configRejected(const QString &message);

private:
    void poll();
    void applyPending();
    void finishStop();
    /// Stops `engine` at once and destroys it, on a helper thread.
    void retire(std::unique_ptr<Engine> engine);
    /// Joins helper threads that have finished retiring an engine.
    void reapRetired();

    PipelineConfig m_config;
    double m_rateWindowS = Snapshot::kWindowS;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Engine> m_stopping; ///< an engine draining on a helper thread
    std::thread m_drainThread;
    bool m_drainAbandoned = false; ///< a reset came while m_stopping drained: drop it when it is done
    struct Retiring {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Retiring> m_retiring;
    SnapshotPtr m_latest;
    std::shared_ptr<FlightRecorder> m_recorder;
    std::optional<FlightRecorder::Limits> m_recorderLimits = FlightRecorder::Limits{};
    std::uint64_t m_lastSequence = 0;
    EngineState m_lastState = EngineState::Idle;
    QTimer m_poll;
    QTimer m_apply;
};

} // namespace beam

Q_DECLARE_METATYPE(beam::SnapshotPtr)
Q_DECLARE_METATYPE(beam::PipelineConfig)
