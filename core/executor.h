// SPDX-License-Identifier: MIT
#pragma once

#include "core/solocounter.h"
#include "core/threadactivity.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <atomic>
#include <chrono>
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
            m_signals.fetch_add(1, std::memory_order_relaxed);
            m_wake.notify_one();
        }
    }
    /// True while an executor thread runs graph tasks. A thread that is polling for work or asleep is not
    /// running any: a producer may then run its batch itself (tryRunHere()) rather than hand it over.
    [[nodiscard]] bool running() const { return m_running.load(std::memory_order_seq_cst) > 0; }

    /// What tryRunHere() did.
    enum class RunHere : std::uint8_t {
        Refused, ///< another thread is running inline; nothing was taken
        Ran, ///< took and ran rounds until `pending` said nothing waits
        OutOfTime, ///< took and ran rounds until the budget was spent; work may still be waiting
    };
    /// Lets the calling thread (a producer) run graph work itself, one thread at a time: in rounds, `take`
    /// puts into the graph what waits now (its own batch and any other producer left, see HandoverStack) and
    /// the caller runs the tasks that put made, and only those: the routing and the consumer bodies it started.
    /// A new round begins while `pending()` says more waits and less than `budgetNs` has passed, so the producer
    /// is soon back to pacing. Returns Refused, without calling `take`, when another thread is the runner; one
    /// at a time because the arena has exactly one slot beyond the executor threads, so the runner never waits
    /// for a slot.
    ///
    /// How a round is bounded: a trivial task of the caller's own goes to the bottom of its task pool before
    /// `take` spawns the first graph task on top of it; the pool is run top down, so the caller runs the graph
    /// tasks its put made (and those they spawn) and then that task, which ends its wait. It never waits for
    /// the whole graph to become idle, so a busy graph cannot keep a producer from pacing (and a control
    /// thread joining it waits for a round at most). Should an executor thread steal the trivial task first,
    /// the caller may leave tasks in its pool: it stops, and notify()s, so an executor thread runs them.
    template <typename Take, typename Pending> RunHere tryRunHere(Take &&take, Pending &&pending, std::int64_t budgetNs)
    {
        if (m_inlineRunner.exchange(true, std::memory_order_seq_cst)) {
            m_inlineRefused.fetch_add(1, std::memory_order_relaxed);
            return RunHere::Refused;
        }
        const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(budgetNs);
        bool markerStolen = false;
        RunHere result = RunHere::Ran;
        for (;;) {
            m_arena.execute([&take, &markerStolen] {
                const auto self = std::this_thread::get_id();
                tbb::task_group ownWork;
                ownWork.run([self, &markerStolen] { markerStolen = std::this_thread::get_id() != self; });
                // Above the marker in this thread's pool: the tasks this put spawns, run before it.
                take();
                ownWork.wait();
            });
            m_inlineRuns.add(1); // one writer at a time: the runner
            if (markerStolen || !pending())
                break;
            if (std::chrono::steady_clock::now() >= until) {
                result = RunHere::OutOfTime;
                break;
            }
        }
        m_inlineRunner.store(false, std::memory_order_seq_cst);
        if (markerStolen)
            notify();
        return result;
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

    /// How the hand-over between the threads that put work in and the executor threads went, counted since
    /// start (docs/executor.md): what a thread that puts work in costs the others.
    struct Counters {
        std::uint64_t notified = 0; ///< notify() calls: work put in from outside for the executor threads
        std::uint64_t signalled = 0; ///< of those, the ones that signalled a sleeping executor thread
        std::uint64_t wakeups = 0; ///< executor threads woken from their sleep
        std::uint64_t pollHits = 0; ///< executor threads that found new work while polling, before sleeping
        std::uint64_t sleeps = 0; ///< executor threads that polled in vain and went to sleep (or found work then)
        std::uint64_t inlineRuns = 0; ///< rounds a producer ran through the graph itself (tryRunHere())
        std::uint64_t inlineRefused = 0; ///< tryRunHere() calls refused: another thread was running inline
    };
    [[nodiscard]] Counters counters() const;

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
    /// runGraph() in the arena, counted in m_running.
    void runGraphCounted();
    void waitForGraph();

    tbb::task_arena m_arena;
    tbb::task_group_context m_context;
    tbb::flow::graph *m_graph = nullptr;
    const int m_threadCount;
    std::vector<std::thread> m_threads;
    std::vector<std::unique_ptr<ThreadActivity>> m_activity; ///< one per thread, written by that thread only
    alignas(64) std::atomic<std::uint64_t> m_submitted{0};
    alignas(64) std::atomic<int> m_sleeping{0};
    std::atomic<int> m_running{0}; ///< executor threads running graph tasks now
    std::atomic<bool> m_inlineRunner{false};
    struct alignas(64) ThreadCounters {
        SoloCounter wakeups;
        SoloCounter pollHits;
        SoloCounter sleeps;
    };
    std::vector<std::unique_ptr<ThreadCounters>> m_threadCounters; ///< one per thread, written by that thread only
    SoloCounter m_inlineRuns;
    alignas(64) std::atomic<std::uint64_t> m_inlineRefused{0};
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
