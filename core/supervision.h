// SPDX-License-Identifier: MIT
#pragma once

#include "core/consumer.h"
#include "core/enginecontext.h"
#include "core/pipelineconfig.h"
#include "core/snapshot.h"
#include "core/supervisor.h"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace beam {

/// The supervision tree of a running pipeline and the hands that carry out its decisions:
///
///     pipeline (one_for_all)
///     ├── producers (one_for_one, children added and removed at run time, like a DynamicSupervisor)
///     └── consumers (the configured strategy and intensity)
///
/// A consumer that goes down reports here; the consumers supervisor decides, and Stop / Restart signals go
/// to the consumers in the decided order (after the back-off, on the timer thread). When the consumers
/// supervisor exceeds its intensity it stops its children and escalates to the pipeline supervisor, which
/// restarts it; when the pipeline supervisor exceeds its own intensity it gives up, and the pipeline
/// either stops (the consumers stay down, the producers are held) or, with on_escalation = restart, is
/// restarted once more.
///
/// Threads: consumerCrashed() from consumer tasks; the rest from the control thread or the sampler. One
/// mutex guards the supervisors; it is never held while waiting for anything.
class Supervision : public ConsumerObserver
{
public:
    using Consumers = std::array<std::unique_ptr<Consumer>, 256>;

    Supervision(EngineContext &context, Consumers &consumers, const PipelineConfig &config, std::int64_t startNs);

    void consumerCrashed(int index, CrashCause cause) override;

    /// Applies a new configuration (strategy, intensity, back-off, children).
    void reconfigure(const PipelineConfig &config);
    /// The watchdog: crashes (cause hang) a consumer that holds work and made no progress for the timeout.
    void watch(std::int64_t nowNs, int consumerCount);

    [[nodiscard]] bool gaveUp() const { return m_gaveUp.load(std::memory_order_acquire); }
    [[nodiscard]] std::string reason() const;
    /// Fills the snapshot's supervision fields.
    void sample(Snapshot &snapshot, std::int64_t nowNs) const;

private:
    double seconds(std::int64_t ns) const { return static_cast<double>(ns - m_startNs) / 1e9; }
    void restartConsumers(const std::vector<int> &order);
    void restartEverything(double now);

    EngineContext &m_context;
    Consumers &m_consumers;
    const std::int64_t m_startNs;

    mutable std::mutex m_mutex;
    PipelineConfig m_config;
    Supervisor m_pipeline;
    Supervisor m_producers;
    Supervisor m_consumerSupervisor;
    std::uint64_t m_escalations = 0;
    std::uint64_t m_pipelineRestarts = 0;
    bool m_restartedOnce = false;
    std::string m_reason;
    std::atomic<bool> m_gaveUp{false};

    // Watchdog state, touched by the sampler thread only.
    struct Watch {
        std::uint64_t finished = 0;
        std::int64_t stuckSinceNs = 0;
    };
    std::vector<Watch> m_watch = std::vector<Watch>(256);
};

} // namespace beam
