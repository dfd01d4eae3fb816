// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.h"
#include "core/handover.h"
#include "core/solocounter.h"
#include "core/threadactivity.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace beam {

/// The one place that runs a flow graph: its executor threads, the hand-over between producers, and the runs a
/// producer makes through the graph on its own thread. See docs/executor.md for the why and the measurements.
///
/// Executor threads: threads it owns, in a task arena with no oneTBB workers, that sleep on a condition variable
/// whenever the graph is idle. An idle oneTBB worker yield-spins about a hundred times before it sleeps
/// (hard-coded in oneTBB), so a graph woken a thousand times a second would cost 15% of a core. oneTBB still
/// schedules every task (stealing, bypass, the nodes' queues); only the idle policy is ours.
///
/// Inline runs: a producer whose events need no CPU work, finding no executor thread running the graph, runs
/// its batch through the graph itself (submit()), in microseconds, rather than wake another core; only one
/// thread at a time does, the others leave their batches to it (HandoverStack). A run is bounded in time, also
/// in the middle of a round (kInlineBudgetNs, kRoundCutNs; docs/executor.md, "The GraphRunner").
///
/// Contract: whoever puts work into the graph from outside a node body (the timer thread, a consumer's signal)
/// calls notify() after the put; a node body that hands work to more than one node calls fannedOut(); every
/// node body calls bodyEnded() as it ends. Producers call submit() only.
///
/// Threads: submit(), notify(), fannedOut(), bodyEnded() from any thread; start(), stop() and runUntilIdle() from
/// the owning thread; activity() and counters() from any thread. The graph must be made inside arena().execute()
/// with concurrentWaitContext().
class GraphRunner
{
public:
    /// Asked once per submitted batch: may the producer run it through the graph on its own thread (true when
    /// its events need no CPU work)? Any thread.
    using InlinePolicy = std::function<bool()>;

    /// `threads` executor threads; `mayRunInline` decides whether a producer may run its batch itself.
    GraphRunner(int threads, InlinePolicy mayRunInline);
    ~GraphRunner();
    GraphRunner(const GraphRunner &) = delete;
    GraphRunner &operator=(const GraphRunner &) = delete;

    /// The arena every graph task runs in: make the graph inside its execute().
    tbb::task_arena &arena() { return m_arena; }
    /// Several executor threads wait on the same graph: the graph's context must allow it.
    tbb::task_group_context &concurrentWaitContext() { return m_context; }

    /// Starts the executor threads on `graph`; submit() puts batches into `entry`.
    void start(tbb::flow::graph &graph, tbb::flow::receiver<Batch *> &entry);
    /// A producer's admitted batch (ownership passes): run through the graph on the calling thread when the
    /// policy allows it and no executor thread is running the graph, else left to the thread running inline,
    /// else put into the entry for the executor threads (notify()).
    void submit(Batch *batch);
    /// Tells a sleeping executor thread that work was put into the graph from outside it.
    void notify()
    {
        m_submitted.fetch_add(1, std::memory_order_seq_cst);
        wakeOne();
    }
    /// A node body handed work to more than one node (the router's fan-out): the tasks it spawned sit in the
    /// calling thread's pool, where only a thread already in the arena would steal them. Wakes an executor
    /// thread that is polling or asleep, so a CPU-bound burst is spread over the cores (not when events need no
    /// CPU work: the inline policy). Cheap when every executor thread
    /// is running the graph already (one load) and on a producer's inline run (one thread-local read: that
    /// run's work is cheap by definition, and its time bound hands the rest over).
    void fannedOut()
    {
        if (t_round != nullptr || m_running.load(std::memory_order_seq_cst) >= m_threadCount
            || (m_mayRunInline && m_mayRunInline()))
            return;
        m_submitted.fetch_add(1, std::memory_order_seq_cst);
        m_fanOutWakes.fetch_add(1, std::memory_order_release);
        wakeOne();
    }
    /// A node body ended at `nowNs` (steady clock) on the calling thread. On a producer's inline run past its
    /// budget, hands the rest of the round to the executor threads; elsewhere one thread-local read.
    static void bodyEnded(std::int64_t nowNs)
    {
        if (InlineRound *round = t_round; round != nullptr && !round->cut && nowNs >= round->cutNs)
            round->runner->cutRound(*round);
    }
    /// True while an executor thread runs graph tasks. A thread that is polling for work or asleep is not
    /// running any: a producer may then run its batch itself rather than hand it over.
    [[nodiscard]] bool running() const { return m_running.load(std::memory_order_seq_cst) > 0; }
    /// Executor threads asleep (or about to sleep: counted before their last look for work) now.
    [[nodiscard]] int sleeping() const { return m_sleeping.load(std::memory_order_seq_cst); }
    /// Runs the graph on the calling thread until it is idle (the engine's last wait, after stop()).
    void runUntilIdle();
    /// Lets every thread finish its current wait and joins them.
    void stop();

    /// How long a producer may run the graph inline, its own batch and those others left, before it hands the
    /// rest to the executor threads: checked between rounds and, through bodyEnded(), within one.
    static constexpr std::int64_t kInlineBudgetNs = 200'000;
    /// How long an inline run may last before a round is cut in the middle: longer than kInlineBudgetNs, so a
    /// round that only drains what its put started is left alone (cutting at 200 us put the producer and both
    /// executor threads on 2 cores when unthrottled: p99 0.3-0.7 ms instead of 9 us; at 1 ms, p99 0.35-1.1 ms at
    /// 2 and 4 consumers; at 5 ms, 21-31 us, as before the cut; docs/executor.md).
    static constexpr std::int64_t kRoundCutNs = 5'000'000;

    /// The most threads ever found inside graph::wait_for_all() at once: 1 (or 0 before any wait). oneTBB's
    /// wait_for_all() writes fields of the graph that are not atomic, so only one thread at a time may call it.
    [[nodiscard]] int graphWaitersHigh() const { return m_graphWaitersHigh.load(std::memory_order_relaxed); }
    /// Exceptions that escaped graph::wait_for_all() (a node body that let one through): caught, counted, and
    /// the thread carries on. Node bodies catch their own, so this stays 0 unless a body is wrong.
    [[nodiscard]] std::uint64_t escapedExceptions() const { return m_escaped.load(std::memory_order_relaxed); }

    /// How the hand-over between the threads that put work in and the executor threads went, counted since
    /// start (docs/executor.md): what a thread that puts work in costs the others.
    struct Counters {
        std::uint64_t notified = 0; ///< notify() calls: work put in from outside for the executor threads
        std::uint64_t signalled = 0; ///< of notify(), fannedOut() and sweeps, the ones that signalled a sleeping thread
        std::uint64_t wakeups = 0; ///< executor threads woken from their sleep
        std::uint64_t pollHits = 0; ///< executor threads that found new work while polling, before sleeping
        std::uint64_t sleeps = 0; ///< executor threads that polled in vain and went to sleep (or found work then)
        std::uint64_t inlineRuns = 0; ///< rounds a producer ran through the graph itself
        std::uint64_t inlineRefused = 0; ///< inline runs refused: another thread was running inline
        std::uint64_t fanOutWakes = 0; ///< fannedOut() calls that told idle executor threads
        std::uint64_t roundsCut = 0; ///< inline rounds that spent the budget mid-round and handed the rest over
        std::uint64_t sweeps = 0; ///< executor threads told to look after inline runs anyway (the safety net)
    };
    /// The counters so far.
    [[nodiscard]] Counters counters() const;

    /// Executor threads (not counting a producer running the graph itself).
    [[nodiscard]] int threadCount() const { return m_threadCount; }
    /// What executor thread `index` ran and how busy it was.
    [[nodiscard]] const ThreadActivity &activity(int index) const
    {
        return *m_activity[static_cast<std::size_t>(index)];
    }
    /// Slices each executor thread's ring holds.
    static constexpr std::size_t kActivityCapacity = 8192;

private:
    /// The round a producer is running inline on this thread (t_round), for bodyEnded() and fannedOut().
    struct InlineRound {
        GraphRunner *runner = nullptr;
        std::int64_t cutNs = 0; ///< steady clock: a round still running here is cut (kRoundCutNs)
        bool cut = false; ///< the budget ran out mid-round and the rest was handed over
    };
    /// What tryRunHere() did.
    enum class RunHere : std::uint8_t {
        Refused, ///< another thread is running inline; nothing was taken
        Ran, ///< took and ran rounds until nothing waited in the hand-over stack
        OutOfTime, ///< the budget was spent (between rounds or within one); work may still be waiting
    };
    RunHere tryRunHere();
    /// One round: puts what waits in the hand-over stack into the graph and runs what that put made.
    /// Returns true when an executor thread took the marker (the round may have left tasks in this thread's pool).
    bool runRound(InlineRound &round);
    /// Puts every batch waiting in the hand-over stack into the entry, oldest first, then `last` if given; false
    /// when none waited. One thread at a time (m_putMutex), so the graph receives batches in the order they left
    /// the stack.
    bool putHandedOver(Batch *last = nullptr);
    void cutRound(InlineRound &round);
    void wakeOne()
    {
        if (m_sleeping.load(std::memory_order_seq_cst) > 0) {
            {
                std::lock_guard lock(m_mutex);
            }
            m_signals.fetch_add(1, std::memory_order_relaxed);
            m_wake.notify_one();
        }
    }
    void run(int index);
    /// Polls briefly, then sleeps until notified. Returns false on stop.
    bool idle(int index, std::uint64_t &seen);
    /// Runs graph tasks on the calling thread (inside the arena) until the graph is idle. The first thread in
    /// owns the graph's wait: it alone calls wait_for_all(). Any other thread helps meanwhile: it waits on a task
    /// group of its own, running graph tasks as any waiting thread does, until the owner's wait ends and the
    /// owner releases it.
    void runGraph();
    /// runGraph() in the arena, counted in m_running.
    void runGraphCounted();
    void waitForGraph();

    inline static thread_local InlineRound *t_round = nullptr;

    tbb::task_arena m_arena;
    tbb::task_group_context m_context;
    tbb::flow::graph *m_graph = nullptr;
    tbb::flow::receiver<Batch *> *m_entry = nullptr;
    const InlinePolicy m_mayRunInline;
    const int m_threadCount;
    std::vector<std::thread> m_threads;
    std::vector<std::unique_ptr<ThreadActivity>> m_activity; ///< one per thread, written by that thread only
    /// Batches producers admitted and left for the one running the graph inline. Empty whenever no producer is
    /// in submit().
    HandoverStack m_handover;
    std::mutex m_putMutex; ///< held while batches taken from m_handover (and one after them) are put
    alignas(64) std::atomic<std::uint64_t> m_submitted{0}; ///< notify() and fannedOut() calls: the work sequence
    alignas(64) std::atomic<int> m_sleeping{0};
    std::atomic<int> m_running{0}; ///< executor threads running graph tasks now
    std::atomic<bool> m_inlineRunner{false};
    struct alignas(64) ThreadCounters {
        SoloCounter wakeups;
        SoloCounter pollHits;
        SoloCounter sleeps;
    };
    std::vector<std::unique_ptr<ThreadCounters>> m_threadCounters; ///< one per thread, written by that thread only
    SoloCounter m_inlineRuns; ///< written by the inline runner (one at a time)
    SoloCounter m_roundsCut; ///< likewise
    SoloCounter m_sweeps; ///< likewise
    std::int64_t m_lastSweepNs = 0; ///< when the inline runner last had an executor thread look (one at a time)
    alignas(64) std::atomic<std::uint64_t> m_inlineRefused{0};
    alignas(64) std::atomic<std::uint64_t> m_fanOutWakes{0};
    std::atomic<std::uint64_t> m_signals{0};
    std::mutex m_ownerMutex; ///< guards the two below
    bool m_ownerWaiting = false; ///< a thread is inside wait_for_all()
    std::vector<tbb::task_handle> m_helpers; ///< releases of the threads helping it, run when its wait ends
    std::atomic<int> m_graphWaiters{0};
    std::atomic<int> m_graphWaitersHigh{0};
    std::atomic<std::uint64_t> m_escaped{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
};

} // namespace beam
