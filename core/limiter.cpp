// SPDX-License-Identifier: MIT
#include "core/limiter.h"

#include <algorithm>

namespace beam {

namespace {
/// The batch the calling thread is filling while it offers events (Limiter::Passage).
thread_local Batch *t_filling = nullptr;
} // namespace

/// The node's one successor: takes each event the node lets through into the offering thread's batch, at once,
/// on that thread, so a pass costs no task (a oneTBB node as successor would spawn one per event).
class Limiter::Admitted : public tbb::flow::receiver<Event>
{
public:
    explicit Admitted(tbb::flow::graph &graph)
        : m_graph(graph)
    { }

protected:
    tbb::detail::d1::graph_task *try_put_task(const Event &event) override
    {
        t_filling->events.push_back(event);
        return const_cast<tbb::detail::d1::graph_task *>(tbb::detail::d1::SUCCESSFULLY_ENQUEUED);
    }
    tbb::flow::graph &graph_reference() const override { return m_graph; }

private:
    tbb::flow::graph &m_graph;
};

Limiter::Passage::Passage(Batch &into)
{
    t_filling = &into;
}

Limiter::Passage::~Passage()
{
    t_filling = nullptr;
}

Limiter::Limiter(tbb::flow::graph &graph, std::int64_t threshold)
    : m_graph(graph)
    , m_admitted(std::make_unique<Admitted>(graph))
    , m_node(std::make_unique<Node>(graph, static_cast<std::size_t>(std::max<std::int64_t>(1, threshold))))
    , m_threshold(std::max<std::int64_t>(1, threshold))
{
    tbb::flow::make_edge(*m_node, *m_admitted);
}

Limiter::~Limiter() = default;

void Limiter::admitted(std::int64_t passed, std::int64_t refused)
{
    if (refused > 0) {
        m_refused.fetch_add(static_cast<std::uint64_t>(refused), std::memory_order_relaxed);
        // The node refuses only at its threshold (counting the puts in progress, which all pass: its successor
        // takes everything). The mirror below can miss that instant when a release lands between the puts and
        // this call, so the refusal itself records it.
        raise(m_countMax, threshold());
    }
    if (passed == 0)
        return;
    const std::int64_t now = m_inFlight.fetch_add(passed, std::memory_order_seq_cst) + passed;
    raise(m_high, now);
    raise(m_maxInFlight, now);
    raise(m_countMax, now - m_debt.load(std::memory_order_relaxed));
}

void Limiter::raise(std::atomic<std::int64_t> &mark, std::int64_t value)
{
    auto current = mark.load(std::memory_order_relaxed);
    while (value > current && !mark.compare_exchange_weak(current, value, std::memory_order_relaxed)) { }
}

void Limiter::release(std::int64_t events)
{
    if (events <= 0)
        return;
    // In flight first, the node second: in flight never reads above the node's count (plus what it never
    // counted), so its high-water mark is never above the bound.
    const std::int64_t after = m_inFlight.fetch_sub(events, std::memory_order_seq_cst) - events;
    // Events the current node never counted are paid off first: its count stays where it is for them.
    std::int64_t decrement = events;
    std::int64_t debt = m_debt.load(std::memory_order_relaxed);
    while (debt > 0) {
        const std::int64_t paid = std::min(debt, decrement);
        if (m_debt.compare_exchange_weak(debt, debt - paid, std::memory_order_relaxed)) {
            decrement -= paid;
            break;
        }
    }
    if (decrement > 0)
        m_node->decrementer().try_put(decrement);
    if (m_waiters.load(std::memory_order_seq_cst) > 0
        && threshold() - (after - m_debt.load(std::memory_order_relaxed))
            >= m_smallestWait.load(std::memory_order_relaxed)) {
        {
            const std::lock_guard lock(m_mutex);
        }
        m_roomAvailable.notify_all();
    }
}

void Limiter::setThreshold(std::int64_t threshold)
{
    threshold = std::max<std::int64_t>(1, threshold);
    if (threshold == this->threshold())
        return;
    // A new node, counting what is in flight now up to its threshold; the rest is counted as it ends.
    auto node = std::make_unique<Node>(m_graph, static_cast<std::size_t>(threshold));
    tbb::flow::make_edge(*node, *m_admitted);
    const std::int64_t inFlight = this->inFlight();
    const std::int64_t counted = std::min(inFlight, threshold);
    if (counted > 0)
        node->decrementer().try_put(-counted); // a negative decrement raises the count
    m_node = std::move(node);
    m_debt.store(inFlight - counted, std::memory_order_relaxed);
    m_threshold.store(threshold, std::memory_order_relaxed);
    raise(m_countMax, counted);
    wakeAll();
}

void Limiter::waitForRoom(std::int64_t events, std::chrono::microseconds timeout)
{
    std::unique_lock lock(m_mutex);
    const auto wish = m_wishes.insert(events);
    m_smallestWait.store(*m_wishes.begin(), std::memory_order_relaxed);
    m_waiters.fetch_add(1, std::memory_order_seq_cst);
    m_roomAvailable.wait_for(lock, timeout, [&] { return room() >= events; });
    m_waiters.fetch_sub(1, std::memory_order_seq_cst);
    m_wishes.erase(wish);
    m_smallestWait.store(m_wishes.empty() ? 0 : *m_wishes.begin(), std::memory_order_relaxed);
}

void Limiter::wakeAll()
{
    if (m_waiters.load(std::memory_order_seq_cst) == 0)
        return;
    {
        const std::lock_guard lock(m_mutex);
    }
    m_roomAvailable.notify_all();
}

} // namespace beam
