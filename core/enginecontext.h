// SPDX-License-Identifier: MIT
#pragma once

#include "core/deadletters.h"
#include "core/event.h"
#include "core/eventlog.h"
#include "core/ledgerlock.h"
#include "core/limiter.h"
#include "core/pipelineconfig.h"
#include "core/solocounter.h"
#include "core/timerservice.h"

#include <oneapi/tbb/flow_graph.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace beam {

class GraphRunner;

/// Under AddressSanitizer, marks an object's storage unusable once the object is destroyed, so that a thread
/// still using it (a producer outliving the context it wakes) is reported at once instead of reading memory
/// that merely has not been reused yet. Declare it as the object's first member: it is destroyed last. Does
/// nothing in other builds.
class LifetimeCanary
{
public:
    /// Watches `size` bytes at `object`: the object it is the first member of.
    LifetimeCanary(const void *object, std::size_t size)
        : m_object(object)
        , m_size(size)
    {
#if defined(__SANITIZE_ADDRESS__)
        ASAN_UNPOISON_MEMORY_REGION(m_object, m_size);
#endif
    }
#if defined(__SANITIZE_ADDRESS__)
    ~LifetimeCanary()
    {
        ASAN_POISON_MEMORY_REGION(m_object, m_size);
    }
#else
    ~LifetimeCanary() = default;
#endif
    LifetimeCanary(const LifetimeCanary &) = delete;
    LifetimeCanary &operator=(const LifetimeCanary &) = delete;

private:
    [[maybe_unused]] const void *m_object; // read only under ASan
    [[maybe_unused]] std::size_t m_size;
};

/// Events counted together with the time each was counted, so that a reader can integrate a count over time
/// exactly: with A(t) events counted by time t at times t_i, the area under A up to t is A(t)·t − Σ t_i. The
/// engine keeps one for events admitted (per producer) and one for events finished (per consumer); the area
/// between them over an interval, divided by its length, is the time-weighted mean number in flight, which is
/// the L of Little's law (a 10 Hz sample of the in-flight count is not: it misses every burst between samples).
/// One writer at a time; any reader. The pair (count, Σ t_i) is published under a sequence number, so a reader
/// never combines a count with a sum from another update.
class alignas(64) TimedTally
{
public:
    void add(std::uint64_t count, std::int64_t atNs)
    {
        const auto sequence = m_sequence.load(std::memory_order_relaxed);
        m_sequence.store(sequence + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
        m_count.store(m_count.load(std::memory_order_relaxed) + count, std::memory_order_relaxed);
        m_timeSum.store(m_timeSum.load(std::memory_order_relaxed) + count * static_cast<std::uint64_t>(atNs),
            std::memory_order_relaxed);
        m_sequence.store(sequence + 2, std::memory_order_release);
    }
    /// The area under the count from the start up to `atNs`, in event·ns, modulo 2^64: the difference of two
    /// readings is exact while it stays below 2^63 (an hour with a million in flight is 3.6·10^18).
    [[nodiscard]] std::uint64_t areaAt(std::int64_t atNs) const
    {
        for (;;) {
            const auto before = m_sequence.load(std::memory_order_acquire);
            const auto count = m_count.load(std::memory_order_relaxed);
            const auto timeSum = m_timeSum.load(std::memory_order_relaxed);
            std::atomic_thread_fence(std::memory_order_acquire);
            if ((before & 1U) == 0 && m_sequence.load(std::memory_order_relaxed) == before)
                return count * static_cast<std::uint64_t>(atNs) - timeSum;
        }
    }

private:
    std::atomic<std::uint64_t> m_sequence{0};
    std::atomic<std::uint64_t> m_count{0};
    std::atomic<std::uint64_t> m_timeSum{0};
};

/// Closes the graph to puts from outside it once the engine stops. A thread that puts into the graph from
/// outside a node body (the timer thread, the sampler's watchdog, the control thread's kill and hang) holds a
/// Pass while it puts; close() refuses every later Pass and waits for the ones in progress, so after it nothing
/// new reaches the graph from outside and the graph's last wait really is the last: no task is left for
/// ~graph() to run after the consumers are gone.
///
/// Threads: Pass from any thread; close() from the engine's control thread. A Pass costs two atomic
/// read-modify-writes; producers, the hot path, never need one (they are joined before the gate closes).
class PutGate
{
public:
    /// Held by a thread while it puts into the graph from outside; test it before putting.
    class Pass
    {
    public:
        /// Enters `gate`; the pass is open unless the gate was closed.
        explicit Pass(PutGate &gate)
            : m_gate(gate)
        {
            m_gate.m_inside.fetch_add(1, std::memory_order_seq_cst);
            m_open = !m_gate.m_closed.load(std::memory_order_seq_cst);
        }
        ~Pass() { m_gate.m_inside.fetch_sub(1, std::memory_order_seq_cst); }
        Pass(const Pass &) = delete;
        Pass &operator=(const Pass &) = delete;
        /// True when the put may go ahead.
        explicit operator bool() const { return m_open; }

    private:
        PutGate &m_gate;
        bool m_open = false;
    };

    /// Refuses every Pass from now on and returns once no Pass granted before is still held.
    void close()
    {
        m_closed.store(true, std::memory_order_seq_cst);
        while (m_inside.load(std::memory_order_seq_cst) != 0)
            std::this_thread::yield();
    }
    /// True once close() was called.
    [[nodiscard]] bool closed() const { return m_closed.load(std::memory_order_acquire); }

private:
    std::atomic<int> m_inside{0};
    std::atomic<bool> m_closed{false};
};

inline std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// The live settings every engine thread reads, and the services they share. Settings are atomics so that
/// reconfiguration reaches running threads within one batch; each thread reads them once per batch.
/// Told when a consumer goes down on its own (crash, kill, hang): the supervision tree implements it.
class ConsumerObserver
{
public:
    virtual ~ConsumerObserver() = default;
    /// Called on the consumer's own task; must not block.
    virtual void consumerCrashed(int index, CrashCause cause) = 0;
};

struct EngineContext {
    explicit EngineContext(const PipelineConfig &config)
    {
        apply(config);
        timers.setFailureHandler([this](const std::string &what) { threadFailed("timer thread", what); });
    }

    /// True when events cost no CPU per event (no work, no slow consumer): a producer may then run its batch
    /// through the graph itself (GraphRunner's inline run). Any thread.
    [[nodiscard]] bool eventsNeedNoCpu() const
    {
        return workUs.load(std::memory_order_relaxed) == 0
            && (slowIndex.load(std::memory_order_relaxed) < 0 || slowFactor.load(std::memory_order_relaxed) <= 1);
    }

    /// Takes the live settings of `config`.
    void apply(const PipelineConfig &config)
    {
        ratePerProducer.store(config.rate.value_or(0), std::memory_order_relaxed);
        workUs.store(config.workUs, std::memory_order_relaxed);
        ioUs.store(config.ioUs, std::memory_order_relaxed);
        pacingUs.store(config.pacingUs, std::memory_order_relaxed);
        faultRate.store(config.faultRate, std::memory_order_relaxed);
        maxAttempts.store(config.maxAttempts, std::memory_order_relaxed);
        overload.store(config.overload, std::memory_order_relaxed);
        safetyCap.store(config.safetyCap, std::memory_order_relaxed);
        crashRate.store(config.crashRate, std::memory_order_relaxed);
        poisonKey.store(
            config.poisonKey ? static_cast<std::int64_t>(*config.poisonKey) : -1, std::memory_order_relaxed);
        slowIndex.store(config.slowConsumer ? config.slowConsumer->index : -1, std::memory_order_relaxed);
        slowFactor.store(config.slowConsumer ? config.slowConsumer->factor : 1, std::memory_order_relaxed);
        hangTimeoutMs.store(config.hangTimeoutMs, std::memory_order_relaxed);
    }

    /// True when paced producers share the pacing thread: a budget, a rate, and events that cost no service time
    /// (PipelineConfig::pacesTogether() says why).
    [[nodiscard]] bool pacedTogether() const
    {
        return pacingUs.load(std::memory_order_relaxed) > 0 && ratePerProducer.load(std::memory_order_relaxed) > 0
            && eventsNeedNoCpu() && ioUs.load(std::memory_order_relaxed) == 0;
    }
    /// True while no producer may create events (paused, held by the supervisor, or stopped at the safety cap).
    [[nodiscard]] bool producersStand() const
    {
        return paused.load(std::memory_order_relaxed) || held.load(std::memory_order_relaxed)
            || safetyCapHit.load(std::memory_order_relaxed);
    }
    /// Wakes every thread parked in waitForPacingChange(): call after changing what pacing depends on (pause,
    /// hold, safety cap, rate, pacing budget, the running producers, a stop).
    void pacingChanged()
    {
        {
            const std::lock_guard lock(pacingMutex);
            ++pacingGeneration;
        }
        pacingWake.notify_all();
    }
    /// Parks the calling thread until pacingChanged(), `until` returns true, or `timeout` passes; a parked
    /// producer or pacer costs no wake-ups (a paused engine's producers used to look every 10 ms).
    template <typename Until> void waitForPacingChange(std::chrono::nanoseconds timeout, Until until)
    {
        std::unique_lock lock(pacingMutex);
        const std::uint64_t seen = pacingGeneration;
        pacingWake.wait_for(lock, timeout, [&] { return pacingGeneration != seen || until(); });
    }

    /// The limiter's threshold under `config`: the bound, or the safety cap under the unbounded policy.
    static std::int64_t thresholdFor(const PipelineConfig &config)
    {
        return config.overload == OverloadPolicy::Unbounded ? config.safetyCap : config.maxInFlight;
    }

    LifetimeCanary canary{this, sizeof(EngineContext)}; ///< first: destroyed after every other member
    PutGate gate; ///< before the timers: their callbacks ask it even while the timer service is destroyed
    /// Time the pacer's rounds spent held back by the limiter (written by the pacer's thread only): while a round
    /// waits for room, every producer paced together is held, not only the one whose events were refused.
    SoloCounter pacedHeldNs;
    std::mutex pacingMutex; ///< guards pacingGeneration
    std::condition_variable pacingWake; ///< pacingChanged() notifies it
    std::uint64_t pacingGeneration = 0; ///< bumped by pacingChanged(), under pacingMutex
    LedgerLock ledger; ///< held by every change to a ledger count; the sampler reads them all in one cut
    Limiter *limiter = nullptr; ///< the back-pressure (set when the graph is built, before any thread uses it)
    TimerService timers;
    /// Runs the graph: told about work put into it from outside (timer callbacks, signals) and about the router's
    /// fan-out; every node body reports its end to it (GraphRunner::bodyEnded()).
    GraphRunner *runner = nullptr;
    DeadLetterQueue deadLetters;
    EventLog events; ///< crashes, restarts, escalations, configuration changes: when and who
    ConsumerObserver *observer = nullptr; ///< the supervision tree, told when a consumer goes down
    /// Tests only: called at each FaultSite (may throw). Set before start(), then only read.
    std::function<void(FaultSite)> faultHook;
    std::int64_t startNs = 0; ///< when the run started (engine events count their time from here)

    /// Calls the fault hook at `site`, if a test set one.
    void atFaultSite(FaultSite site) const
    {
        if (faultHook)
            faultHook(site);
    }

    /// A thread outside the graph caught an exception at its boundary: logged as an engine event and kept as
    /// the run's failure (the first one), which the headless run exits on and the window shows.
    void threadFailed(const std::string &thread, const std::string &what)
    {
        const std::string text = thread + ": " + what;
        events.append({0, static_cast<double>(nowNs() - startNs) / 1e9, EngineEvent::Kind::ThreadFailed, -1, text});
        const std::lock_guard lock(failureMutex);
        if (failure.empty())
            failure = text;
    }
    /// The first failure threadFailed() was told about; empty if none.
    [[nodiscard]] std::string firstFailure() const
    {
        const std::lock_guard lock(failureMutex);
        return failure;
    }
    mutable std::mutex failureMutex; ///< guards `failure`
    std::string failure; ///< see threadFailed()

    // Read by every thread once per batch, written only by reconfiguration: a cache line of their own.
    alignas(64) std::uint64_t seed = 1;
    OutcomeSink *sink = nullptr;
    std::atomic<std::uint64_t> ratePerProducer{1000}; ///< 0 means unlimited
    std::atomic<int> producersRunning{1}; ///< producers running now (they space their batches by it)
    std::atomic<int> workUs{0};
    std::atomic<int> ioUs{0};
    std::atomic<int> pacingUs{PipelineConfig::kDefaultPacingUs}; ///< 0: exact pacing, else the batching budget
    std::atomic<double> faultRate{0.0};
    std::atomic<int> maxAttempts{3};
    std::atomic<OverloadPolicy> overload{OverloadPolicy::Backpressure};
    std::atomic<std::int64_t> safetyCap{10'000'000};
    std::atomic<double> crashRate{0.0};
    std::atomic<std::int64_t> poisonKey{-1}; ///< -1: none
    std::atomic<int> slowIndex{-1};
    std::atomic<int> slowFactor{1};
    std::atomic<int> hangTimeoutMs{5000};

    alignas(64) std::atomic<bool> paused{false};
    std::atomic<bool> held{false}; ///< the pipeline supervisor holds the producers while it restarts children
    std::atomic<bool> abandon{false}; ///< stop now: consumers release what they hold without processing it
    std::atomic<bool> safetyCapHit{false}; ///< the unbounded policy reached its cap and producers stopped
    char padding[64 - 4 * sizeof(std::atomic<bool>)]{};
};

} // namespace beam
