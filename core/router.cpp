// SPDX-License-Identifier: MIT
#include "core/router.h"

#include "core/graphrunner.h"
#include "core/threadactivity.h"

namespace beam {

Router::Router(tbb::flow::graph &graph, const std::array<std::unique_ptr<Consumer>, kMaxConsumers> &consumers,
    EngineContext &context)
    : m_consumers(consumers)
    , m_context(context)
    , m_node(graph, tbb::flow::serial, [this](Batch *batch) {
        ThreadActivity *activity = ThreadActivity::current();
        const std::int64_t start = activity ? nowNs() : 0;
        try {
            route(batch);
        } catch (...) {
            // The node boundary: nothing may reach oneTBB (it would rethrow on an executor thread, unhandled).
            recover(batch);
        }
        const std::int64_t end = nowNs();
        if (activity)
            activity->leave(ThreadActivity::kOther, start, end);
        GraphRunner::bodyEnded(end);
        return tbb::flow::continue_msg();
    })
{ }

void Router::route(Batch *batch)
{
    // On an exception, `batch` holds exactly the events not handed over yet (recover() redelivers them).
    const int count = consumerCount();
    if (count == 1) {
        m_consumers[0]->enqueue(batch);
        return;
    }
    std::array<std::unique_ptr<Batch>, kMaxConsumers> parts{};
    const std::size_t expected = batch->events.size() / static_cast<std::size_t>(count) * 2 + 4;
    for (const Event &event : batch->events) {
        auto &part = parts[static_cast<std::size_t>(partition(event.key, count))];
        if (!part) {
            part = std::make_unique<Batch>();
            part->events.reserve(expected);
        }
        part->events.push_back(event);
    }
    int handed = 0;
    for (int i = 0; i < count; ++i) {
        auto &part = parts[static_cast<std::size_t>(i)];
        if (!part)
            continue;
        try {
            m_consumers[static_cast<std::size_t>(i)]->enqueue(part.get());
        } catch (...) {
            // What was not handed over goes back into `batch`: its capacity holds them all, nothing allocates.
            batch->events.clear();
            for (int j = i; j < count; ++j) {
                if (const auto &rest = parts[static_cast<std::size_t>(j)])
                    batch->events.insert(batch->events.end(), rest->events.begin(), rest->events.end());
            }
            throw;
        }
        static_cast<void>(part.release()); // now owned by the consumer's queue
        ++handed;
    }
    // The consumers' tasks sit in this thread's pool: with more than one, wake an idle executor thread to take
    // some (cheap when none is idle, and nothing on a producer's inline run).
    if (handed > 1 && m_context.runner)
        m_context.runner->fannedOut();
    delete batch;
}

void Router::recover(Batch *batch)
{
    m_exceptions.add(1);
    try {
        m_node.try_put(batch); // redelivered through this node's queue: routed again after what is queued
        return;
    } catch (...) { }
    // Not even that: the events end here, dead-lettered and counted (the dead-letter list would need memory).
    const auto count = batch->events.size();
    m_finishedTally.add(count, nowNs());
    delete batch;
    const LedgerLock::Entry entry(m_context.ledger);
    m_deadLettered.add(count);
    m_context.limiter->release(static_cast<std::int64_t>(count));
}

} // namespace beam
