// SPDX-License-Identifier: MIT
#pragma once

#include "core/enginecontext.h"
#include "core/histogram.h"
#include "core/random.h"

#include <oneapi/tbb/flow_graph.h>

#include <array>
#include <deque>
#include <memory>
#include <vector>

namespace beam {

/// A serial consumer: a oneTBB multifunction_node with its own queue (its mailbox) and private state, supervised.
/// What ends here goes back to the limiter (Limiter::release()) when the body's run settles.
///
/// The consumer boundary: whatever processing throws stops here. A *message failure* (fault rate, poison key)
/// is redelivered through the consumer's own queue until max attempts, then dead-lettered. A *crash* (crash
/// rate, kill, hang) takes the consumer down: its state is lost, but the event it was processing and every
/// event it held (queued, waiting for I/O, awaiting redelivery) are kept for its replacement, which the
/// supervisor starts with a Restart signal. While down, arriving events wait with them.
///
/// A simulated I/O wait parks the consumer, not a worker thread: the event is handed to the timer service
/// and later messages wait in a backlog until the timer resumes it, so the consumer stays serial and per-key
/// order is kept.
///
/// The class is one unit with one body, written in three files by concern: consumer.cpp (the mailbox and settling),
/// consumerprocessing.cpp (attempts, retries, dead letters, I/O waits), consumerrecovery.cpp (crashes, restarts,
/// abandoning, exceptions past the attempt boundary).
///
/// Threads: enqueue() from the router; kill(), hang(), stop(), restart(), poke() from any thread; the body
/// runs on the graph's threads, one invocation at a time; counters and state() from any thread.
class Consumer
{
public:
    enum class State : std::uint8_t { Running, Hung, Down };

    Consumer(tbb::flow::graph &graph, int index, EngineContext &context);
    ~Consumer();
    Consumer(const Consumer &) = delete;
    Consumer &operator=(const Consumer &) = delete;

    /// Router side: hands a batch to this consumer's queue. Takes ownership.
    void enqueue(Batch *batch);

    void kill() { signal(Batch::Signal::Kill); } ///< crash now (cause: killed)
    /// The watchdog saw no progress: crash (cause: hang) if `incarnation` is still the one running.
    void timeout(std::uint64_t incarnation) { signal(Batch::Signal::Timeout, incarnation); }
    void hang() { signal(Batch::Signal::Hang); } ///< stop making progress until killed
    void stop() { signal(Batch::Signal::Stop); } ///< supervisor: shut down, keep the events
    void restart() { signal(Batch::Signal::Restart); } ///< supervisor: start a fresh incarnation
    void poke() { signal(Batch::Signal::Poke); } ///< run the body once (used by "stop now")

    [[nodiscard]] int index() const { return m_index; }
    using Node = tbb::flow::function_node<Batch *>;
    [[nodiscard]] State state() const { return m_state.load(std::memory_order_acquire); }
    [[nodiscard]] std::uint64_t incarnation() const { return m_publicIncarnation.load(std::memory_order_acquire); }

    struct Counters {
        std::uint64_t processed = 0;
        std::uint64_t failed = 0;
        std::uint64_t retried = 0;
        std::uint64_t deadLettered = 0;
        std::uint64_t abandoned = 0;
        std::uint64_t redelivered = 0; ///< events handed to a replacement after a crash
        std::uint64_t restarts = 0;
        std::array<std::uint64_t, static_cast<std::size_t>(CrashCause::Count)> crashes{};
        std::uint64_t exceptions = 0; ///< exceptions caught at the node boundary (each one a crash, or its fallback)
        std::uint64_t busyNs = 0;
        std::uint64_t ioWaitNs = 0; ///< time spent waiting on simulated I/O, counted when each wait ends
        std::int64_t queueDepth = 0;
        std::int64_t lastProgressNs = 0;
    };
    /// Any thread: the counters as of now (each one exact, together not a single instant).
    [[nodiscard]] Counters counters() const;
    [[nodiscard]] const LatencyRecorder &latency() const { return m_latency; }
    /// Events that reached a final outcome here, with when (for the time-weighted mean in flight).
    [[nodiscard]] const TimedTally &finishedTally() const { return m_finishedTally; }
    /// From a crash to the replacement processing again.
    [[nodiscard]] const LatencyRecorder &recovery() const { return m_recovery; }

private:
    /// The live settings, read once per message so the per-event loop touches no shared cache line.
    struct Settings {
        int workUs = 0;
        int ioUs = 0;
        double faultRate = 0;
        double crashRate = 0;
        std::int64_t poisonKey = -1;
        int maxAttempts = 3;
        OutcomeSink *sink = nullptr;
    };
    enum class Attempt { Ok, Failed, Crashed };

    void signal(Batch::Signal signal, std::uint64_t incarnation = ~std::uint64_t{0});
    void receive(Batch *batch);
    void handleSignal(Batch *batch);
    void run(Batch *batch);
    void runWithIo(Batch *batch, std::size_t from);
    void resumeAfterIo();
    Attempt attempt(Event &event, std::int64_t &doneNs);
    /// Events of the batch in hand reach the outcome Processed: one, or [from, to) at the same time.
    void record(std::size_t index, std::int64_t doneNs);
    void recordAll(std::size_t from, std::size_t to, std::int64_t doneNs);
    /// The batch whose events from `from` on have no outcome yet (null: none). What an exception leaves there
    /// is kept by recoverFromException().
    void hold(Batch *batch, std::size_t from)
    {
        m_inHand = batch;
        m_inHandFrom = from;
    }
    void recoverFromException();
    void startIncarnation();
    void fail(const Event &event, const char *reason);
    void goDown(Batch *current, std::size_t from);
    void crash(CrashCause cause, Batch *current, std::size_t from);
    void abandonAll(Batch *batch);
    void abandonBatch(Batch *batch, std::size_t from, bool taken);
    void deadLetter(const Event &event, const char *reason);
    void settle();

    const int m_index;
    EngineContext &m_context;
    Node m_node;

    // Body-only state: touched by one invocation at a time.
    Settings m_settings;
    Random m_random;
    decltype(Batch::events) m_retry;
    std::uint64_t m_settleProcessed = 0;
    std::uint64_t m_settleDeadLettered = 0; ///< events dead-lettered since the last settle()
    std::uint64_t m_settleAbandoned = 0; ///< events abandoned since the last settle()
    bool m_waiting = false; ///< an event's simulated I/O is in progress
    int m_staleResumes = 0; ///< I/O resumes still to come for incarnations that crashed
    Batch *m_pending = nullptr; ///< the batch of that event
    std::size_t m_pendingIndex = 0;
    std::int64_t m_ioStartNs = 0; ///< when the pending I/O began
    std::deque<Batch *> m_backlog; ///< messages that arrived while waiting, or while down or hung
    Batch m_resumeToken{{}, Batch::Signal::IoResume, 0}; ///< the one message a timer sends back
    std::int64_t m_downSinceNs = 0;
    Batch *m_inHand = nullptr; ///< see hold()
    std::size_t m_inHandFrom = 0;
    std::uint64_t m_incarnation = 0;

    bool m_resumeArrived = false; ///< the pending I/O's resume came while hung
    const char *m_failure = "fault"; ///< why the last attempt failed
    std::atomic<State> m_state{State::Running};
    std::atomic<std::uint64_t> m_publicIncarnation{0};
    LatencyRecorder m_latency;
    LatencyRecorder m_recovery;
    SoloCounter m_processed;
    SoloCounter m_failed;
    SoloCounter m_retried;
    SoloCounter m_deadLettered;
    SoloCounter m_abandoned;
    SoloCounter m_redelivered;
    SoloCounter m_restarts;
    SoloCounter m_exceptions;
    std::array<SoloCounter, static_cast<std::size_t>(CrashCause::Count)> m_crashes;
    SoloCounter m_busyNs;
    SoloCounter m_ioWaitNs;
    SoloCounter m_taken; ///< events taken out of the queue (processed, failed, stashed or abandoned)
    SoloCounter m_requeued; ///< events put back for redelivery
    SoloCounter m_progressNs;
    SoloCounter m_enqueued; ///< written by the router
    /// Events that reached a final outcome, with when: a processed event at the instant its latency ends, others
    /// when they go back to the limiter.
    TimedTally m_finishedTally;
};

} // namespace beam
