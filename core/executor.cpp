// SPDX-License-Identifier: MIT
#include "core/executor.h"

#include "core/enginecontext.h"

#include <chrono>

namespace beam {

namespace {
constexpr std::chrono::microseconds kPoll{50};
} // namespace

Executor::Executor(int threads)
    // Every slot is reserved for threads that join explicitly: no oneTBB workers. One more than the executor
    // threads, for a producer that runs its batch through an idle graph itself.
    : m_arena(threads + 1, static_cast<unsigned>(threads + 1))
    // fp_settings: the floating-point settings are captured here, on one thread. Without it the first put binds
    // the context and writes them then, into the byte that graph::wait_for_all() reads the traits from on an
    // executor thread (ThreadSanitizer: data race in task_group_context_impl::copy_fp_settings).
    , m_context(tbb::task_group_context::isolated,
          tbb::task_group_context::default_traits | tbb::task_group_context::concurrent_wait
              | tbb::task_group_context::fp_settings)
    , m_threadCount(threads)
{
    for (int i = 0; i < threads; ++i) {
        m_activity.push_back(std::make_unique<ThreadActivity>(kActivityCapacity));
        m_threadCounters.push_back(std::make_unique<ThreadCounters>());
    }
}

Executor::Counters Executor::counters() const
{
    Counters c;
    c.notified = m_submitted.load(std::memory_order_relaxed);
    c.signalled = m_signals.load(std::memory_order_relaxed);
    for (const auto &t : m_threadCounters) {
        c.wakeups += t->wakeups.get();
        c.pollHits += t->pollHits.get();
        c.sleeps += t->sleeps.get();
    }
    c.inlineRuns = m_inlineRuns.get();
    c.inlineRefused = m_inlineRefused.load(std::memory_order_relaxed);
    return c;
}

Executor::~Executor()
{
    stop();
}

void Executor::start(tbb::flow::graph &graph)
{
    m_graph = &graph;
    m_stop = false;
    const std::int64_t now = nowNs();
    for (int i = 0; i < m_threadCount; ++i) {
        m_activity[static_cast<std::size_t>(i)]->setLife(now, 0);
        m_threads.emplace_back([this, i] { run(i); });
    }
}

void Executor::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto &thread : m_threads)
        thread.join();
    if (!m_threads.empty()) {
        const std::int64_t now = nowNs();
        for (auto &activity : m_activity)
            activity->setLife(activity->beganNs(), now);
    }
    m_threads.clear();
}

void Executor::run(int index)
{
    ThreadActivity::bind(m_activity[static_cast<std::size_t>(index)].get());
    ThreadCounters &counters = *m_threadCounters[static_cast<std::size_t>(index)];
    // `seen` is read before each wait for the graph: work put in after that read either is found by the wait
    // or has changed the counter, so the thread runs the graph again instead of sleeping.
    std::uint64_t seen = m_submitted.load(std::memory_order_seq_cst);
    // Work put in and notify()d before this line ran (a producer or a consumer's signal right after start())
    // is already counted in `seen`: the first wait is unconditional. Without it such work waited for the next
    // notify(), and producers that run their batches inline do not notify: with a consumer's node held by a
    // signal waiting in the arena's queue, 1 run in 8 of a crash storm on two cores processed nothing.
    runGraphCounted();
    for (;;) {
        // Work often follows within microseconds (timer resumes, a busy producer): look for it briefly,
        // yielding the core, before paying for a sleep and a wake-up.
        const auto pollUntil = std::chrono::steady_clock::now() + kPoll;
        while (m_submitted.load(std::memory_order_seq_cst) == seen && std::chrono::steady_clock::now() < pollUntil)
            std::this_thread::yield();
        const bool found = m_submitted.load(std::memory_order_seq_cst) != seen;
        (found ? counters.pollHits : counters.sleeps).add(1);
        {
            std::unique_lock lock(m_mutex);
            if (!found) {
                // Counted as sleeping before the last look, so a notify() after that look signals this thread.
                m_sleeping.fetch_add(1, std::memory_order_seq_cst);
                const auto woken = [&] { return m_stop || m_submitted.load(std::memory_order_seq_cst) != seen; };
                if (!woken()) {
                    m_wake.wait(lock, woken);
                    counters.wakeups.add(1);
                }
                m_sleeping.fetch_sub(1, std::memory_order_seq_cst);
            }
            if (m_stop) {
                ThreadActivity::bind(nullptr);
                return;
            }
            seen = m_submitted.load(std::memory_order_seq_cst);
        }
        // Runs tasks until the graph has none outstanding, then returns.
        runGraphCounted();
    }
}

void Executor::runGraphCounted()
{
    m_running.fetch_add(1, std::memory_order_seq_cst);
    m_arena.execute([this] { runGraph(); });
    m_running.fetch_sub(1, std::memory_order_seq_cst);
}

void Executor::runUntilIdle()
{
    m_arena.execute([this] { runGraph(); });
}

void Executor::runGraph()
{
    std::unique_lock lock(m_ownerMutex);
    if (m_ownerWaiting) {
        tbb::task_group help;
        m_helpers.push_back(help.defer([] {}));
        lock.unlock();
        help.wait(); // runs graph tasks until the owner runs the task deferred above
        return;
    }
    m_ownerWaiting = true;
    lock.unlock();
    waitForGraph();
    lock.lock();
    m_ownerWaiting = false;
    for (auto &release : m_helpers)
        m_arena.enqueue(std::move(release));
    m_helpers.clear();
}

void Executor::waitForGraph()
{
    const int inside = m_graphWaiters.fetch_add(1, std::memory_order_relaxed) + 1;
    // A compare-and-swap, so two threads raising the high mark at once cannot leave the lower one.
    for (int high = m_graphWaitersHigh.load(std::memory_order_relaxed);
         inside > high && !m_graphWaitersHigh.compare_exchange_weak(high, inside, std::memory_order_relaxed);) { }
    try {
        m_graph->wait_for_all();
    } catch (...) {
        // A node body let an exception through: oneTBB rethrows it here, to the graph's waiter. There is no
        // one to hand it to; the thread carries on (wait_for_all() has reset the graph's context).
        m_escaped.fetch_add(1, std::memory_order_relaxed);
    }
    m_graphWaiters.fetch_sub(1, std::memory_order_relaxed);
}

} // namespace beam
