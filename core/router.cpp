// SPDX-License-Identifier: MIT
#include "core/router.h"

#include "core/threadactivity.h"

namespace beam {

Router::Router(
    tbb::flow::graph &graph, const std::array<std::unique_ptr<Consumer>, kMaxConsumers> &consumers, MessageSlots *slots)
    : m_consumers(consumers)
    , m_slots(slots)
    , m_node(graph, tbb::flow::serial, [this](Batch *batch) {
        ThreadActivity *activity = ThreadActivity::current();
        const std::int64_t start = activity ? nowNs() : 0;
        route(batch);
        if (activity)
            activity->leave(ThreadActivity::kOther, start, nowNs());
        return tbb::flow::continue_msg();
    })
{ }

void Router::route(Batch *batch)
{
    const int count = consumerCount();
    if (m_slots) {
        // The message passed the limiter: it holds a slot until its last event ends, wherever that happens.
        const std::uint16_t slot = m_slots->take(static_cast<std::uint32_t>(batch->events.size()));
        for (Event &event : batch->events)
            event.slot = slot;
    }
    if (count == 1) {
        m_consumers[0]->enqueue(batch);
        return;
    }
    std::array<Batch *, kMaxConsumers> parts{};
    const std::size_t expected = batch->events.size() / static_cast<std::size_t>(count) * 2 + 4;
    for (const Event &event : batch->events) {
        Batch *&part = parts[static_cast<std::size_t>(partition(event.key, count))];
        if (!part) {
            part = new Batch;
            part->events.reserve(expected);
        }
        part->events.push_back(event);
    }
    delete batch;
    for (int i = 0; i < count; ++i) {
        if (parts[static_cast<std::size_t>(i)])
            m_consumers[static_cast<std::size_t>(i)]->enqueue(parts[static_cast<std::size_t>(i)]);
    }
}

} // namespace beam
