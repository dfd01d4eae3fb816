// SPDX-License-Identifier: MIT
#pragma once

#include "core/enginecontext.h"
#include "core/histogram.h"
#include "core/random.h"

#include <oneapi/tbb/flow_graph.h>

#include <deque>
#include <memory>
#include <vector>

namespace beam {

/// A serial consumer: a oneTBB function_node with its own queue (its mailbox) and private state.
///
/// Every failure in processing is caught here, at the consumer boundary: it never escapes into the graph.
/// A failed attempt is redelivered through the consumer's own queue until max attempts, then dead-lettered.
/// A simulated I/O wait parks the consumer, not a worker thread: the event is handed to the timer service
/// and the consumer's later messages wait in a backlog until the timer resumes it, so the consumer stays
/// serial and per-key order is kept.
///
/// Threads: enqueue() from the router (one thread at a time) and from the timer service; the body runs on
/// oneTBB workers, one invocation at a time; the counters are read by the sampler from any thread.
class Consumer
{
public:
    Consumer(tbb::flow::graph &graph, int index, EngineContext &context);
    Consumer(const Consumer &) = delete;
    Consumer &operator=(const Consumer &) = delete;

    /// Router side: hands a batch to this consumer's queue. Takes ownership.
    void enqueue(Batch *batch);

    [[nodiscard]] int index() const { return m_index; }

    struct Counters {
        std::uint64_t processed = 0;
        std::uint64_t failed = 0;
        std::uint64_t retried = 0;
        std::uint64_t deadLettered = 0;
        std::uint64_t abandoned = 0;
        std::uint64_t busyNs = 0;
        std::int64_t queueDepth = 0;
    };
    /// Any thread: the counters as of now (each one exact, together not a single instant).
    [[nodiscard]] Counters counters() const;
    /// Events that reached a final outcome here (processed + dead-lettered + abandoned), read with acquire.
    [[nodiscard]] std::uint64_t finished() const;
    [[nodiscard]] const LatencyRecorder &latency() const { return m_latency; }

private:
    /// The live settings, read once per message so the per-event loop touches no shared cache line.
    struct Settings {
        int workUs = 0;
        int ioUs = 0;
        double faultRate = 0;
        int maxAttempts = 3;
        OutcomeSink *sink = nullptr;
    };

    void receive(Batch *batch);
    void run(Batch *batch);
    void runWithIo(Batch *batch, std::size_t from);
    void resumeAfterIo();
    bool attempt(Event &event, std::int64_t &doneNs);
    void record(const Event &event, std::int64_t doneNs);
    void recordAll(const Event *first, const Event *last, std::int64_t doneNs);
    void fail(const Event &event);
    void abandonBatch(Batch *batch, std::size_t from);
    void settle();

    const int m_index;
    EngineContext &m_context;
    tbb::flow::function_node<Batch *> m_node;

    // Body-only state: touched by one invocation at a time.
    Settings m_settings;
    Random m_random;
    decltype(Batch::events) m_retry;
    std::uint64_t m_settleProcessed = 0;
    std::uint64_t m_settleFinal = 0; ///< events whose credit goes back at the next settle()
    bool m_waiting = false; ///< an event's simulated I/O is in progress
    Batch *m_pending = nullptr; ///< the batch of that event
    std::size_t m_pendingIndex = 0;
    std::deque<Batch *> m_backlog; ///< messages that arrived while waiting
    Batch m_resumeToken{{}, true}; ///< the one message a timer sends back; at most one I/O is pending

    LatencyRecorder m_latency;
    SoloCounter m_processed;
    SoloCounter m_failed;
    SoloCounter m_retried;
    SoloCounter m_deadLettered;
    SoloCounter m_abandoned;
    SoloCounter m_busyNs;
    SoloCounter m_taken; ///< events taken out of the queue for processing
    SoloCounter m_requeued; ///< events put back for redelivery
    SoloCounter m_enqueued; ///< written by the router
};

} // namespace beam
