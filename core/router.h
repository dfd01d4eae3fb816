// SPDX-License-Identifier: MIT
#pragma once

#include "core/consumer.h"

#include <oneapi/tbb/flow_graph.h>

#include <array>
#include <atomic>
#include <memory>

namespace beam {

/// Partitions each batch by key hash onto the active consumers, like Flow's partitioning: equal keys always
/// meet the same consumer while the consumer count stays the same, so per-key order is kept.
///
/// Per-consumer delivery is a direct Consumer::enqueue() (a try_put on that consumer's node) from this body, not
/// an edge: oneTBB has no node with a number of output ports that changes while the graph runs.
///
/// Threads: input() from the limiter (the node queues); the body runs serially on oneTBB workers.
/// setConsumerCount() from the control thread, after the consumers it names exist.
class Router
{
public:
    static constexpr int kMaxConsumers = 256;

    Router(tbb::flow::graph &graph, const std::array<std::unique_ptr<Consumer>, kMaxConsumers> &consumers,
        EngineContext &context);

    tbb::flow::function_node<Batch *> &input() { return m_node; }
    void setConsumerCount(int count) { m_count.store(count, std::memory_order_release); }
    [[nodiscard]] int consumerCount() const { return m_count.load(std::memory_order_acquire); }

    /// Exceptions caught at the router's body (routing allocates): the batch's events not yet handed over are
    /// redelivered through the router's own queue.
    [[nodiscard]] std::uint64_t exceptions() const { return m_exceptions.get(); }
    /// Events the router had to dead-letter because even redelivering them failed (memory really ran out).
    [[nodiscard]] std::uint64_t deadLettered() const { return m_deadLettered.get(); }
    /// Those events, with when they went back to the limiter (for the time-weighted mean in flight).
    [[nodiscard]] const TimedTally &finishedTally() const { return m_finishedTally; }

    /// Which of `count` consumers owns `key`.
    static int partition(std::uint32_t key, int count)
    {
        const std::uint32_t hash = key * 0x9E3779B1U;
        return static_cast<int>((std::uint64_t{hash} * static_cast<std::uint64_t>(count)) >> 32);
    }

private:
    void route(Batch *batch);
    void recover(Batch *batch);

    const std::array<std::unique_ptr<Consumer>, kMaxConsumers> &m_consumers;
    EngineContext &m_context;
    SoloCounter m_exceptions; ///< written by the body only (serial)
    SoloCounter m_deadLettered;
    TimedTally m_finishedTally;
    std::atomic<int> m_count{1};
    tbb::flow::function_node<Batch *> m_node;
};

} // namespace beam
