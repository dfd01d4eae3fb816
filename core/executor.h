// SPDX-License-Identifier: MIT
#pragma once

#include "core/threadactivity.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace beam {

/// Runs a flow graph's tasks on threads it owns, in a task arena with no oneTBB workers, and lets them sleep
/// on a condition variable whenever the graph is idle.
///
/// Why: an idle oneTBB worker yield-spins about a hundred times before it sleeps (hard-coded in oneTBB), so
/// a graph woken a thousand times a second costs 15% of a core and one woken ten thousand times a second
/// never sleeps at all. Here oneTBB still schedules every task (stealing, bypass, the nodes' queues); only
/// the idle policy is ours. See docs/executor.md for the measurements.
///
/// Each thread records what it runs in a ThreadActivity of its own (activity(), for the schedulers view).
///
/// Threads: notify() from any thread after it put work into the graph from outside; start() and stop() from
/// the owning thread; activity() from any thread. The graph must be made inside arena().execute() with
/// concurrentWaitContext().
class Executor
{
public:
    explicit Executor(int threads);
    ~Executor();
    Executor(const Executor &) = delete;
    Executor &operator=(const Executor &) = delete;

    tbb::task_arena &arena() { return m_arena; }
    /// Several executor threads wait on the same graph: the graph's context must allow it.
    tbb::task_group_context &concurrentWaitContext() { return m_context; }

    void start(tbb::flow::graph &graph);
    /// Tells a sleeping executor thread that work was put into the graph.
    void notify()
    {
        m_submitted.fetch_add(1, std::memory_order_seq_cst);
        if (m_sleeping.load(std::memory_order_seq_cst) > 0) {
            {
                std::lock_guard lock(m_mutex);
            }
            m_wake.notify_one();
        }
    }
    /// True when every executor thread sleeps: nothing is running in the graph.
    [[nodiscard]] bool idle() const { return m_sleeping.load(std::memory_order_seq_cst) == m_threadCount; }
    /// Lets the calling thread (a producer finding the graph idle) put work into the graph with `put` and run
    /// the tasks that put made, and only those: the batch it routed and the consumer bodies that routing
    /// started, then it returns to its own work. Returns false, without calling `put`, when another thread is
    /// doing so; the caller then puts and notify()s as usual. One at a time: the arena has exactly one slot
    /// beyond the executor threads, so the runner never waits for a slot.
    ///
    /// How the run is bounded: a trivial task of the caller's own goes to the bottom of its task pool before
    /// `put` spawns the first graph task on top of it; the pool is run top down, so the caller runs the graph
    /// tasks its put made (and those they spawn) and then that task, which ends its wait. It never waits for
    /// the whole graph to become idle, so a busy graph cannot keep a producer from pacing (and a control
    /// thread joining it waits for one batch at most). Should an executor thread steal the trivial task first,
    /// the caller may leave tasks in its pool: it then notify()s, so an executor thread runs them. Work others
    /// put in meanwhile is theirs to notify() about, as always.
    template <typename Put> bool tryRunHere(Put &&put)
    {
        if (m_inlineRunner.exchange(true, std::memory_order_acq_rel))
            return false;
        bool markerStolen = false;
        m_arena.execute([&put, &markerStolen] {
            const auto self = std::this_thread::get_id();
            tbb::task_group ownWork;
            ownWork.run([self, &markerStolen] { markerStolen = std::this_thread::get_id() != self; });
            // Above the marker in this thread's pool: the tasks this put spawns, run before it.
            put();
            ownWork.wait();
        });
        m_inlineRunner.store(false, std::memory_order_release);
        if (markerStolen)
            notify();
        return true;
    }
    /// Runs the graph on the calling thread until it is idle (the engine's last wait, after stop()).
    void runUntilIdle();
    /// Lets every thread finish its current wait and joins them.
    void stop();

    /// The most threads ever found inside graph::wait_for_all() at once: 1 (or 0 before any wait). oneTBB's
    /// wait_for_all() writes fields of the graph that are not atomic, so only one thread at a time may call it.
    [[nodiscard]] int graphWaitersHigh() const { return m_graphWaitersHigh.load(std::memory_order_relaxed); }
    /// Exceptions that escaped graph::wait_for_all() (a node body that let one through): caught, counted, and
    /// the thread carries on. Node bodies catch their own, so this stays 0 unless a body is wrong.
    [[nodiscard]] std::uint64_t escapedExceptions() const { return m_escaped.load(std::memory_order_relaxed); }

    /// Executor threads (not counting a producer running the graph in tryRunHere()).
    [[nodiscard]] int threadCount() const { return m_threadCount; }
    /// What executor thread `index` ran and how busy it was.
    [[nodiscard]] const ThreadActivity &activity(int index) const
    {
        return *m_activity[static_cast<std::size_t>(index)];
    }
    /// Slices each executor thread's ring holds.
    static constexpr std::size_t kActivityCapacity = 8192;

private:
    void run(int index);
    /// Runs graph tasks on the calling thread (inside the arena) until the graph is idle. The first thread in
    /// owns the graph's wait: it alone calls wait_for_all(). Any other thread helps meanwhile: it waits on a task
    /// group of its own, running graph tasks as any waiting thread does, until the owner's wait ends and the
    /// owner releases it.
    void runGraph();
    void waitForGraph();

    tbb::task_arena m_arena;
    tbb::task_group_context m_context;
    tbb::flow::graph *m_graph = nullptr;
    const int m_threadCount;
    std::vector<std::thread> m_threads;
    std::vector<std::unique_ptr<ThreadActivity>> m_activity; ///< one per thread, written by that thread only
    alignas(64) std::atomic<std::uint64_t> m_submitted{0};
    alignas(64) std::atomic<int> m_sleeping{0};
    std::atomic<bool> m_inlineRunner{false};
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
