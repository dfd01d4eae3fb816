// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventlog.h"
#include "core/histogram.h"
#include "core/pipelineconfig.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace beam {

/// Where an engine is in its life.
enum class EngineState {
    Idle, ///< made, not started
    Running, ///< producing and processing
    Paused, ///< producers hold; events in flight finish
    Draining, ///< stopping: producers stopped, events in flight finishing
    Stopped, ///< nothing runs
};
/// The state's name in reports: idle, running, paused, draining, stopped.
std::string_view toString(EngineState state);

/// Latency summary in microseconds (fractional, from nanosecond buckets).
struct LatencySummary {
    std::uint64_t count = 0; ///< values summarised
    double p50 = 0; ///< median
    double p90 = 0; ///< 90th percentile
    double p99 = 0; ///< 99th percentile
    double p999 = 0; ///< 99.9th percentile
    double max = 0; ///< largest value
    double mean = 0; ///< mean value
};

/// One supervisor of the tree, for a tree view.
struct SupervisorSample {
    std::string name; ///< pipeline, producers, consumers
    std::string strategy; ///< one_for_one, one_for_all, rest_for_one
    std::string state; ///< running, gave_up
    std::uint64_t restarts = 0; ///< children restarted since start
    int restartsInWindow = 0; ///< restarts within the current intensity window
    int maxRestarts = 0; ///< intensity: restarts allowed per window
    double maxSeconds = 0; ///< intensity: the window in seconds
    double budgetInUse = 0; ///< restarts in the window / intensity, 0..1
    std::vector<std::string> children; ///< each child's state: running, restarting, stopped
};

/// One consumer, for a topology view.
struct ConsumerSample {
    int index = 0; ///< position among the consumers (the router's partition)
    bool active = false; ///< receives new events (false: retired, draining what it holds)
    std::uint64_t processed = 0; ///< events processed since start
    std::uint64_t failed = 0; ///< failed attempts since start
    std::uint64_t deadLettered = 0; ///< events it dead-lettered since start
    std::int64_t queueDepth = 0; ///< events waiting in its queue
    double processedPerSec = 0; ///< over the snapshot's window (Snapshot::windowS)
    double busyRatio = 0; ///< share of the window spent processing, 0..1
    /// share of the window spent waiting on simulated I/O with an event in hand, 0..1 (a wait is counted when
    /// it ends, so one longer than the window shows late)
    double ioWaitRatio = 0;
    std::uint64_t restarts = 0; ///< times its supervisor restarted it
    std::uint64_t crashes = 0; ///< times it crashed
    std::uint64_t crashesInWindow = 0; ///< times it crashed within the snapshot's window
    std::string state; ///< running, hung, down (at the instant of the snapshot)
};

/// One producer, for a topology view.
struct ProducerSample {
    int index = 0; ///< position among the producers
    std::uint64_t produced = 0; ///< events created since start
    std::uint64_t dropped = 0; ///< events it shed under the drop policy
    std::uint64_t batches = 0; ///< batches it created since start (events come in batches; see docs/executor.md)
    double offeredPerSec = 0; ///< what the clock made due, over the snapshot's window
    double achievedPerSec = 0; ///< what was actually created, over the snapshot's window
    double backpressureRatio = 0; ///< share of the window spent held back, 0..1
};

/// A stretch of graph work on one engine thread: one consumer's body, or other work. Consecutive runs of the same
/// consumer less than 2 us apart are one slice.
struct ThreadSlice {
    double startS = 0; ///< seconds since the engine started
    double endS = 0; ///< seconds since the engine started, >= startS
    /// the consumer whose body ran (its index), or -1 for work that is not a consumer's body: the router, and a
    /// producer's own work (making a batch and handing it over)
    int consumer = -1;
};

/// One engine thread, for a schedulers view: how busy it is and what it ran. Busy means running graph work:
/// node bodies (consumers, router) on any thread, and on a producer thread also the producer's own work. A
/// consumer waiting on simulated I/O is not running: that time is nobody's busy time.
struct ThreadSample {
    /// Which kind of thread.
    enum class Kind {
        Executor, ///< one of the threads that run the graph
        Producer, ///< a producer's thread; it also runs the graph itself when it finds the executors asleep
    };
    std::string name; ///< "executor 0", "executor 1", ..., "producer 0", ...
    Kind kind = Kind::Executor; ///< executor or producer
    bool running = true; ///< false once the thread stopped (a removed producer; every thread after stop)
    double utilisation = 0; ///< busy share of the last interval, 0..1
    double utilisationRun = 0; ///< busy share since the thread started (until it stopped), 0..1
    /// What ran over about the last 1.5 s, oldest first, in order and never overlapping. Only the newest
    /// snapshot of Engine::history() has it. A thread keeps its newest 8192 slices (a producer 4096), so a
    /// thread running more bodies than that in 1.5 s shows a shorter stretch.
    std::vector<ThreadSlice> recent;
};

/// One immutable reading of the whole engine, made by the sampler at a fixed interval.
/// Totals are cumulative since start. Every rate ("PerSec"), every ratio and the `window` latency cover the
/// snapshot's window, the last second (`windowS`): the tiles, charts, topology, console, reports and lesson
/// checks all read these, so one quantity is one number wherever it is shown (docs/one-number.md). `interval`
/// latency, `inFlightMean` and the threads' utilisation cover the last sampling interval only.
struct Snapshot {
    /// The window the rates and ratios cover unless told otherwise (Engine::setRateWindow).
    static constexpr double kWindowS = 1.0;
    std::uint64_t sequence = 0; ///< 1, 2, 3... in the order taken
    double elapsedS = 0; ///< seconds since start
    double intervalS = 0; ///< seconds since the previous snapshot
    /// Seconds the rates and ratios cover: the last `windowGoalS` (to within one sampling interval), or the run so far.
    double windowS = 0;
    double windowGoalS = kWindowS; ///< the window asked for: what a label names ("last 1 s")
    EngineState state = EngineState::Idle; ///< the engine's state when taken
    PipelineConfig config; ///< the configuration in force

    std::uint64_t produced = 0; ///< events created
    std::uint64_t processed = 0; ///< events processed successfully
    std::uint64_t failed = 0; ///< failed attempts
    std::uint64_t retried = 0; ///< redeliveries
    std::uint64_t deadLettered = 0; ///< events that used up their attempts
    std::uint64_t dropped = 0; ///< events shed by the drop policy
    std::uint64_t abandoned = 0; ///< released unprocessed by "stop now"
    std::int64_t inFlight = 0; ///< admitted, no final outcome yet
    /// The time-weighted mean of `inFlight` over the interval (every admission and completion counted at its
    /// time, not sampled): the L of Little's law.
    double inFlightMean = 0;
    double inFlightMeanWindow = 0; ///< the same over the window
    /// The limiter_node's threshold: the bound in force (the safety cap under the unbounded policy).
    std::int64_t limit = 0;
    /// The limiter_node's count: events it let through and not yet finished. Equal to `inFlight` except just
    /// after the bound was lowered below what was in flight: then it is the threshold until enough ended.
    std::int64_t limiterCount = 0;
    std::int64_t limiterCountMax = 0; ///< the limiter_node's highest count since start
    std::uint64_t limiterRefused = 0; ///< events the limiter_node refused since start (each held a producer back)
    std::int64_t inFlightHigh = 0; ///< highest in flight during the interval
    std::int64_t maxInFlightObserved = 0; ///< highest in flight since start
    /// produced - processed - dead-lettered - dropped - abandoned - in flight, every count read in one cut of
    /// the ledger (LedgerLock) with in flight the limiter's own count: anything but 0 means events vanished (or
    /// were counted twice). Never clamped.
    std::int64_t lost = 0;
    bool safetyCapHit = false; ///< the unbounded policy reached its safety cap and stopped the producers

    // Supervision.
    std::uint64_t restarts = 0; ///< consumer restarts
    std::uint64_t crashesRandom = 0; ///< crashes by cause
    std::uint64_t crashesKilled = 0; ///< crashes by "kill consumer"
    std::uint64_t crashesHang = 0; ///< crashes by the hang timeout
    std::uint64_t crashesException = 0; ///< crashes by an exception past the attempt boundary (e.g. out of memory)
    /// Crashes of every cause: what a screen or report calls "crashes".
    [[nodiscard]] std::uint64_t crashes() const
    {
        return crashesRandom + crashesKilled + crashesHang + crashesException;
    }
    /// exceptions caught where a node body meets oneTBB (consumers, router) and at the executor, which would
    /// otherwise have ended the program; each was recovered from without losing an event
    std::uint64_t exceptionsCaught = 0;
    std::uint64_t redelivered = 0; ///< events handed to a replacement after a crash
    std::uint64_t escalations = 0; ///< supervisors that exceeded their intensity and escalated
    std::uint64_t pipelineRestarts = 0; ///< whole-pipeline restarts (EscalationPolicy::Restart)
    bool gaveUp = false; ///< the top-level supervisor gave up
    std::vector<SupervisorSample> supervisors; ///< the tree, top first: pipeline, producers, consumers
    LatencySummary recovery; ///< from a crash to the replacement running, cumulative

    double producedPerSec = 0; ///< over the window
    double processedPerSec = 0; ///< processed successfully, over the window
    double failedPerSec = 0; ///< failed attempts over the window
    double droppedPerSec = 0; ///< over the window
    double deadLetteredPerSec = 0; ///< over the window
    double restartsPerSec = 0; ///< consumer restarts over the window
    double limiterRefusedPerSec = 0; ///< events the limiter_node refused, over the window
    double backpressureRatio = 0; ///< share of the window the running producers were held back (their mean), 0..1

    LatencySummary window; ///< creation-to-completion latency over the window, microseconds
    LatencySummary interval; ///< creation-to-completion latency over the last interval, microseconds
    LatencySummary cumulative; ///< the same since start
    /// Pacing lag over the window, microseconds: how far from the time it was due on its producer's schedule an
    /// event was created, late or early (what batching costs; latency counts from creation). Paced events only.
    LatencySummary pacingLag;
    LatencySummary pacingLagCumulative; ///< the same since start
    /// The cumulative latency histogram (nanoseconds) this snapshot's summaries come from, read before the
    /// producers' counts: its count never exceeds `produced`. Only the newest snapshot of Engine::history()
    /// keeps it (older ones have it null, to bound memory).
    std::shared_ptr<const Histogram> latencyHistogram;

    double cpuPercent = 0; ///< of one core, over the interval
    /// How work was handed to the executor threads, cumulative since start (GraphRunner::Counters; see
    /// docs/executor.md): what running with several producers costs beyond the events.
    struct Handover {
        std::uint64_t notified = 0; ///< batches and signals put in from outside for the executor threads
        std::uint64_t signalled = 0; ///< of those, the ones that woke a sleeping executor thread
        std::uint64_t wakeups = 0; ///< executor threads woken from sleep
        std::uint64_t pollHits = 0; ///< executor threads that found work while polling, before sleeping
        std::uint64_t sleeps = 0; ///< executor threads that polled in vain and slept
        std::uint64_t inlineRuns = 0; ///< batches a producer ran through the graph itself
        std::uint64_t inlineRefused = 0; ///< a producer found another running inline and handed over
        std::uint64_t fanOutWakes = 0; ///< router fan-outs that told idle executor threads
        std::uint64_t roundsCut = 0; ///< inline rounds that spent their budget mid-round and handed the rest over
        std::uint64_t sweeps = 0; ///< executor threads told to look after inline runs anyway (safety net)
        int sleepingNow = 0; ///< executor threads asleep when the snapshot was taken (not cumulative)
    };
    Handover handover; ///< how work reached the executor threads, since start
    std::uint64_t rssBytes = 0; ///< resident set of the process

    /// What happened since the previous snapshot (crashes, restarts, escalations, configuration changes), oldest
    /// first; at most kMaxEvents, the newest (a crash storm logs thousands a second).
    std::vector<EngineEvent> events;
    static constexpr std::size_t kMaxEvents = 256; ///< the most events one snapshot carries
    std::vector<ConsumerSample> consumers; ///< every consumer, retired ones included until drained
    std::vector<ProducerSample> producers; ///< every producer
    /// every engine thread: the executor threads, then every producer thread ever started, stopped ones too
    std::vector<ThreadSample> threads;
};

} // namespace beam
