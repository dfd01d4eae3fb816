// SPDX-License-Identifier: MIT
#pragma once

#include "core/consumer.h"
#include "core/flightrecorder.h"
#include "core/histogram.h"
#include "core/pacer.h"
#include "core/pipelineconfig.h"
#include "core/producer.h"
#include "core/router.h"
#include "core/snapshot.h"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace beam {

class Supervision;

/// Turns the engine's counters into immutable snapshots: on its own thread at the sampling interval, or on
/// demand (sampleNow()), one at a time. Keeps the history and the newest snapshot. It reads the engine's parts
/// and never changes them (the hang watchdog has a thread of its own: Watchdog).
///
/// Threads: start(), stop() and setInterval() from the engine's control thread; sample(), latest() and history()
/// from any thread. The thread is stopped before any part it reads goes (the engine declares it after them).
class Sampler
{
public:
    /// What a sample reads: the engine's parts, by reference (they outlive the sampler).
    struct Sources {
        std::mutex &engineMutex; ///< guards config, state changes and the producer lists
        const PipelineConfig &config; ///< the configuration in force
        const std::atomic<EngineState> &state; ///< the engine's state
        const std::vector<std::unique_ptr<Producer>> &producers; ///< every producer ever started
        const std::vector<Producer *> &running; ///< the producers running now
        EngineContext &context; ///< the limiter, the ledger lock and the settings shared by the engine's threads
        GraphRunner &runner; ///< its threads' activity and hand-over counters
        const std::array<std::unique_ptr<Consumer>, Router::kMaxConsumers> &consumers; ///< created ones first
        const std::atomic<int> &createdConsumers; ///< how many consumers exist
        const std::unique_ptr<Router> &router; ///< null before start
        const std::unique_ptr<Supervision> &supervision; ///< null before start
        const Pacer &pacer; ///< the shared pacing thread (its activity)
    };

    explicit Sampler(const Sources &sources);
    ~Sampler();
    Sampler(const Sampler &) = delete;
    Sampler &operator=(const Sampler &) = delete;

    /// The run begins at `startNs`: rates of the first sample count from there. Before start(), and before the
    /// engine leaves Idle (nothing may sample concurrently).
    void begin(std::int64_t startNs);
    /// Starts the sampling thread.
    void start();
    /// Stops the sampling thread and joins it (no sample is taken by it afterwards). Idempotent.
    void stop();
    /// The sampling interval, from the next wait on.
    void setInterval(int ms) { m_intervalMs.store(ms); }
    /// Takes the next sample now if the sampler is in its idle rhythm (a paused engine with nothing left in its
    /// window is sampled every kIdleInterval): call on resume and on any change of settings. Any thread.
    void wake();
    /// How often an idle, paused engine is sampled.
    static constexpr std::chrono::milliseconds kIdleInterval{500};
    /// The window rates and ratios cover (Snapshot::windowS), from the next sample on.
    void setWindow(double seconds) { m_windowNs.store(static_cast<std::int64_t>(seconds * 1e9)); }

    /// Every snapshot from now on is also kept by `recorder` (null: by none). Before start().
    void setRecorder(std::shared_ptr<FlightRecorder> recorder) { m_recorder = std::move(recorder); }

    /// Takes a snapshot now and returns it (also appended to the history and made the newest).
    std::shared_ptr<const Snapshot> sample();
    [[nodiscard]] std::shared_ptr<const Snapshot> latest() const;
    [[nodiscard]] std::vector<std::shared_ptr<const Snapshot>> history() const;

private:
    /// Every ledger count, read in one cut (LedgerLock): they add up.
    struct Ledger {
        std::vector<Producer::Counters> producers; ///< by position in Sources::producers
        std::vector<Consumer::Counters> consumers; ///< by consumer index
        std::uint64_t routerDeadLettered = 0;
        std::int64_t inFlight = 0; ///< the limiter's events in flight
        std::int64_t count = 0; ///< the limiter_node's count
        std::int64_t threshold = 0; ///< the limiter_node's threshold
    };
    struct Previous;

    void loop();
    Ledger readLedger(int created);
    void sampleExecutorThreads(Snapshot &s, std::int64_t now, double dt);
    void sampleProducerThreads(Snapshot &s, std::int64_t now, double dt);
    void sampleProducers(Snapshot &s, const Ledger &ledger, const Previous &w, double wdt, std::int64_t now,
        std::uint64_t &inFlightArea);
    void sampleConsumers(Snapshot &s, const Ledger &ledger, const Previous &w, double wdt, std::int64_t now,
        std::uint64_t &inFlightArea, Histogram &recovery);
    void sampleLedger(Snapshot &s, const Ledger &ledger, std::int64_t now, std::uint64_t &inFlightArea);
    void sampleRates(
        Snapshot &s, const Previous &w, double dt, double wdt, std::uint64_t inFlightArea, std::int64_t windowNs);
    void remember(
        const Snapshot &s, std::int64_t now, std::int64_t cpuNs, std::uint64_t inFlightArea, Histogram cumulative);
    /// The producers' pacing lag, over the window and since start.
    void samplePacingLag(Snapshot &s, const Previous &w);
    void publish(const std::shared_ptr<Snapshot> &snapshot);

    Sources m_sources;

    std::thread m_thread;
    std::mutex m_threadMutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    bool m_poked = false; ///< wake() was called (under m_threadMutex)
    std::atomic<bool> m_idle{false}; ///< the last sample found the engine paused and its window empty
    std::atomic<int> m_intervalMs{100};
    std::atomic<std::int64_t> m_windowNs{static_cast<std::int64_t>(Snapshot::kWindowS * 1e9)};

    std::mutex m_sampleMutex; ///< one sample at a time (the thread or sampleNow)
    std::int64_t m_startNs = 0;
    std::uint64_t m_sequence = 0;
    std::uint64_t m_lastEvent = 0; ///< the newest engine event already in a snapshot
    /// The consumers' latency recorders' and the producers' lag recorders' totals at their last merge: while they
    /// stand still the last merged histograms are kept instead of merged again.
    static constexpr std::uint64_t kNeverMerged = ~std::uint64_t{0};
    std::uint64_t m_latencyMerged = kNeverMerged;
    std::uint64_t m_lagMerged = kNeverMerged;
    /// The cumulative counts at one sample: the previous sample's give the interval's figures, the one about
    /// a window ago the window's (Snapshot::windowS).
    struct Previous {
        std::int64_t ns = 0;
        std::int64_t cpuNs = 0;
        std::uint64_t produced = 0;
        std::uint64_t processed = 0;
        std::uint64_t failed = 0;
        std::uint64_t dropped = 0;
        std::uint64_t deadLettered = 0;
        std::uint64_t restarts = 0;
        std::uint64_t limiterRefused = 0;
        std::uint64_t inFlightArea = 0; ///< event·ns, modulo 2^64
        Histogram latency;
        Histogram pacingLag;
        std::vector<std::uint64_t> consumerProcessed = std::vector<std::uint64_t>(Router::kMaxConsumers, 0);
        std::vector<std::uint64_t> consumerBusy = std::vector<std::uint64_t>(Router::kMaxConsumers, 0);
        std::vector<std::uint64_t> consumerIoWait = std::vector<std::uint64_t>(Router::kMaxConsumers, 0);
        std::vector<std::uint64_t> consumerCrashes = std::vector<std::uint64_t>(Router::kMaxConsumers, 0);
        std::vector<Producer::Counters> producerCounters; ///< by producer index
        std::vector<std::uint64_t> executorBusy;
        std::vector<std::uint64_t> producerBusy; ///< by producer index
        std::uint64_t pacerBusy = 0;
        std::uint64_t pacedHeldNs = 0; ///< EngineContext::pacedHeldNs
    } m_previous;
    /// Samples of the last window, oldest first; the front is where the window starts (at most one older than
    /// Snapshot::kWindowS). Begins with the run's start.
    std::deque<Previous> m_marks;

    std::shared_ptr<FlightRecorder> m_recorder;
    mutable std::mutex m_historyMutex;
    std::deque<std::shared_ptr<const Snapshot>> m_history;
    std::shared_ptr<const Snapshot> m_latest;
    std::shared_ptr<const Snapshot> m_latestLight; ///< m_latest without its threads' slices and its histogram
};

} // namespace beam
