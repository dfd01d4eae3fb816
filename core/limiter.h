// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.h"

#include <oneapi/tbb/flow_graph.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

namespace beam {

/// The back-pressure: a `tbb::flow::limiter_node<Event>` whose threshold is the bound on events in flight. Every
/// event a producer makes is offered to the node on its own; the node lets it through while its count is below
/// the threshold and refuses it otherwise, and only what it lets through goes into the producer's batch. Whoever
/// ends events (a consumer, the router's last resort) sends their number to the node's decrementer. So the node's
/// own count is the number of events admitted and not yet finished, and its refusal is what holds a producer back.
///
/// The node cannot change its threshold, so a new bound builds a new node (setThreshold()), which starts with
/// the events already in flight counted against it: up to its threshold at once, and the rest as they end (the
/// node never counts above its threshold). The node has no count getter either, so this class keeps one beside
/// it, changed exactly when the node's is (count()).
///
/// Producers held back wait here until the node has room for what they asked for (waitForRoom()).
///
/// Threads: offer() from producer threads, several at once; release() from any thread; setThreshold() only while
/// no offer() or release() runs (the ledger's Cut ensures it); the getters from any thread. See
/// docs/admission.md for the design and its measurements, docs/event-lifecycle.md for an event's way through it.
class Limiter
{
public:
    /// A node with `threshold` (at least 1) in `graph`.
    Limiter(tbb::flow::graph &graph, std::int64_t threshold);
    ~Limiter();
    Limiter(const Limiter &) = delete;
    Limiter &operator=(const Limiter &) = delete;

    /// Offers `count` events, made one at a time by `make(i)`, to the node; those it lets through are appended to
    /// `into`. With `stopAtRefusal` the first refusal ends the offer (back-pressure: the rest are never made);
    /// otherwise every event is offered and each refused one is handed to `refusedOne` (the drop policy sheds
    /// it). Returns how many passed.
    template <typename Make, typename Refused>
    std::int64_t offer(std::int64_t count, Batch &into, Make &&make, Refused &&refusedOne, bool stopAtRefusal)
    {
        const Passage passage(into);
        std::int64_t passed = 0;
        std::int64_t refused = 0;
        for (std::int64_t i = 0; i < count; ++i) {
            const Event event = make(i);
            if (m_node->try_put(event)) {
                ++passed;
                continue;
            }
            ++refused;
            if (stopAtRefusal)
                break;
            refusedOne(event);
        }
        admitted(passed, refused);
        return passed;
    }

    /// `events` admitted events reached their end: the node's count goes down by as many (wakes a producer
    /// waiting for that room).
    void release(std::int64_t events);

    /// A new bound (at least 1): a new node with that threshold replaces the current one. Call only while no
    /// offer() or release() runs.
    void setThreshold(std::int64_t threshold);

    /// Blocks the calling producer until the node has room for `events` more, `timeout` passes or wakeAll().
    void waitForRoom(std::int64_t events, std::chrono::microseconds timeout);
    /// Wakes every waiting producer (a stop request, a new setting). One that starts waiting just after finds
    /// the news when its wait times out.
    void wakeAll();

    /// The node's threshold: the bound on events in flight in force.
    [[nodiscard]] std::int64_t threshold() const { return m_threshold.load(std::memory_order_relaxed); }
    /// The node's count: events it let through and not yet released, as far as the threshold goes (events
    /// admitted under a higher bound that does not hold them all wait for room in the count as others end).
    [[nodiscard]] std::int64_t count() const { return inFlight() - m_debt.load(std::memory_order_relaxed); }
    /// Room in the node: threshold minus count.
    [[nodiscard]] std::int64_t room() const { return threshold() - count(); }
    /// Events admitted and not yet released, whatever node admitted them.
    [[nodiscard]] std::int64_t inFlight() const { return m_inFlight.load(std::memory_order_seq_cst); }
    /// The node's highest count since the start.
    [[nodiscard]] std::int64_t countMax() const { return m_countMax.load(std::memory_order_relaxed); }
    /// The highest number in flight since the last call; restarts from the current value.
    std::int64_t takeHighWater() { return m_high.exchange(inFlight(), std::memory_order_relaxed); }
    /// The highest number in flight since the start.
    [[nodiscard]] std::int64_t maxInFlight() const { return m_maxInFlight.load(std::memory_order_relaxed); }
    /// Events the node refused since the start.
    [[nodiscard]] std::uint64_t refused() const { return m_refused.load(std::memory_order_relaxed); }

private:
    class Admitted;
    /// While a producer offers: where the events the node lets through go (the calling thread's batch).
    class Passage
    {
    public:
        explicit Passage(Batch &into);
        ~Passage();
        Passage(const Passage &) = delete;
        Passage &operator=(const Passage &) = delete;
    };
    using Node = tbb::flow::limiter_node<Event, long long>;

    void admitted(std::int64_t passed, std::int64_t refused);
    static void raise(std::atomic<std::int64_t> &mark, std::int64_t value);

    tbb::flow::graph &m_graph;
    std::unique_ptr<Admitted> m_admitted; ///< the node's successor: appends each event to the offering batch
    std::unique_ptr<Node> m_node;

    alignas(64) std::atomic<std::int64_t> m_inFlight{0};
    /// Events in flight the current node has not counted yet (its threshold did not hold them when it was made);
    /// the next releases pay them off before the node's count goes down.
    std::atomic<std::int64_t> m_debt{0};
    alignas(64) std::atomic<std::int64_t> m_high{0};
    std::atomic<std::int64_t> m_maxInFlight{0};
    std::atomic<std::int64_t> m_countMax{0};
    std::atomic<std::uint64_t> m_refused{0};
    alignas(64) std::atomic<std::int64_t> m_threshold;
    alignas(64) std::atomic<int> m_waiters{0};
    /// The least room a waiting producer asked for (release() wakes them once there is that much).
    std::atomic<std::int64_t> m_smallestWait{0};
    std::mutex m_mutex; ///< guards the waiters' wishes below
    std::multiset<std::int64_t> m_wishes;
    std::condition_variable m_roomAvailable;
};

} // namespace beam
