// SPDX-License-Identifier: MIT
#include "core/graphrunner.h"
#include "core/threadname.h"

#include "core/enginecontext.h"

#include <chrono>
#include <utility>

namespace beam {

namespace {
constexpr std::chrono::microseconds kPoll{50};
/// How often, while producers run the graph inline, an executor thread is told to look at the graph all the
/// same: the safety net for tasks an inline round might leave in a producer's task pool should oneTBB's order
/// differ from what the rounds rely on (docs/executor.md, "The GraphRunner").
constexpr std::int64_t kSweepNs = 100'000'000;
} // namespace

GraphRunner::GraphRunner(int threads, InlinePolicy mayRunInline)
    // Every slot is reserved for threads that join explicitly: no oneTBB workers. One more than the executor
    // threads, for a producer that runs its batch through an idle graph itself.
    : m_arena(threads + 1, static_cast<unsigned>(threads + 1))
    // fp_settings: the floating-point settings are captured here, on one thread. Without it the first put binds
    // the context and writes them then, into the byte that graph::wait_for_all() reads the traits from on an
    // executor thread (ThreadSanitizer: data race in task_group_context_impl::copy_fp_settings).
    , m_context(tbb::task_group_context::isolated,
          tbb::task_group_context::default_traits | tbb::task_group_context::concurrent_wait
              | tbb::task_group_context::fp_settings)
    , m_mayRunInline(std::move(mayRunInline))
    , m_threadCount(threads)
{
    for (int i = 0; i < threads; ++i) {
        m_activity.push_back(std::make_unique<ThreadActivity>(kActivityCapacity));
        m_threadCounters.push_back(std::make_unique<ThreadCounters>());
    }
}

GraphRunner::Counters GraphRunner::counters() const
{
    Counters c;
    // The fan-outs and sweeps first: each one's step of the work sequence came before it, so the difference never
    // wraps.
    c.fanOutWakes = m_fanOutWakes.load(std::memory_order_acquire);
    c.sweeps = m_sweeps.get();
    c.notified = m_submitted.load(std::memory_order_seq_cst) - c.fanOutWakes - c.sweeps;
    c.signalled = m_signals.load(std::memory_order_relaxed);
    for (const auto &t : m_threadCounters) {
        c.wakeups += t->wakeups.get();
        c.pollHits += t->pollHits.get();
        c.sleeps += t->sleeps.get();
    }
    c.inlineRuns = m_inlineRuns.get();
    c.inlineRefused = m_inlineRefused.load(std::memory_order_relaxed);
    c.roundsCut = m_roundsCut.get();
    return c;
}

GraphRunner::~GraphRunner()
{
    stop();
}

void GraphRunner::start(tbb::flow::graph &graph, tbb::flow::receiver<Batch *> &entry)
{
    m_graph = &graph;
    m_entry = &entry;
    m_stop = false;
    const std::int64_t now = nowNs();
    for (int i = 0; i < m_threadCount; ++i) {
        m_activity[static_cast<std::size_t>(i)]->setLife(now, 0);
        m_threads.emplace_back([this, i] {
            nameThisThread("beam-exec-" + std::to_string(i));
            run(i);
        });
    }
}

void GraphRunner::stop()
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

void GraphRunner::submit(Batch *batch)
{
    // Events with CPU work, or executor threads already running the graph: hand the batch over to them.
    if (!(m_mayRunInline && m_mayRunInline()) || running()) {
        // Behind whatever a producer handed over and nobody put into the graph yet (it may be this producer's
        // own previous batch): a producer's batches enter in the order it made them, so per-key order holds.
        putHandedOver(batch);
        notify();
        return;
    }
    // Otherwise route and process it on this thread, in microseconds, rather than wake another core (tens of
    // microseconds on a virtual machine). Only one thread at a time runs the graph so: a producer that finds
    // another doing it leaves its batch for that one (docs/executor.md has the numbers).
    m_handover.push(batch);
    for (;;) {
        const RunHere result = tryRunHere();
        if (result == RunHere::Refused)
            return; // the runner looks at the stack again once it lets go (HandoverStack)
        if (result == RunHere::OutOfTime && putHandedOver())
            notify(); // back to pacing: the executor threads take the rest
        if (m_handover.empty())
            return;
    }
}

GraphRunner::RunHere GraphRunner::tryRunHere()
{
    if (m_inlineRunner.exchange(true, std::memory_order_seq_cst)) {
        m_inlineRefused.fetch_add(1, std::memory_order_relaxed);
        return RunHere::Refused;
    }
    const std::int64_t startNs = nowNs();
    InlineRound round{this, startNs + kRoundCutNs, false};
    bool markerStolen = false;
    RunHere result = RunHere::Ran;
    for (;;) {
        markerStolen = runRound(round);
        m_inlineRuns.add(1); // one writer at a time: the runner
        if (round.cut) {
            result = RunHere::OutOfTime; // cutRound() told the executor threads already
            break;
        }
        if (markerStolen || m_handover.empty())
            break;
        if (nowNs() >= startNs + kInlineBudgetNs) {
            result = RunHere::OutOfTime;
            break;
        }
    }
    // An executor thread is told to look at the graph when this thread may have left tasks in its pool (the
    // marker was stolen: notify()), and, as a safety net, every kSweepNs all the same: should oneTBB's order
    // differ from what the rounds rely on, tasks could be left behind unnoticed. Its wait for the graph steals
    // and runs them. m_lastSweepNs is the runner's alone, written before the flag below lets the next one in.
    const std::int64_t now = nowNs();
    const bool told = markerStolen || round.cut; // cutRound() notified already
    const bool sweep = !told && now - m_lastSweepNs >= kSweepNs;
    if (told || sweep)
        m_lastSweepNs = now;
    m_inlineRunner.store(false, std::memory_order_seq_cst);
    if (markerStolen && !round.cut) {
        notify();
    } else if (sweep) {
        m_submitted.fetch_add(1, std::memory_order_seq_cst);
        m_sweeps.add(1);
        wakeOne();
    }
    return result;
}

bool GraphRunner::runRound(InlineRound &round)
{
    bool markerStolen = false;
    m_arena.execute([this, &round, &markerStolen] {
        const auto self = std::this_thread::get_id();
        // The marker goes to the bottom of this thread's task pool before the put spawns the first graph task on
        // top of it. The pool's owner runs it top down, so this thread runs the tasks the put made (and those
        // they spawn) and then the marker, which ends the wait; a thief steals from the bottom, so an executor
        // thread that comes takes the marker first and ends the wait after the task running now.
        tbb::task_group marker;
        marker.run([self, &markerStolen] { markerStolen = std::this_thread::get_id() != self; });
        struct Current {
            explicit Current(InlineRound &r) { t_round = &r; }
            ~Current() { t_round = nullptr; }
            Current(const Current &) = delete;
            Current &operator=(const Current &) = delete;
        } current(round);
        putHandedOver();
        marker.wait();
    });
    return markerStolen;
}

bool GraphRunner::putHandedOver(Batch *last)
{
    // One thread at a time takes and puts, so a batch taken from the stack is in the graph before any batch
    // put after it (ThreadSanitizer's slowness showed the race: a producer's direct put overtook its previous
    // batch, taken but not yet put by the runner, and per-key order broke 7 times in a second).
    const std::lock_guard lock(m_putMutex);
    Batch *batch = m_handover.takeAll();
    const bool any = batch != nullptr;
    while (batch) {
        Batch *next = batch->handoverNext;
        batch->handoverNext = nullptr;
        m_entry->try_put(batch);
        batch = next;
    }
    if (last)
        m_entry->try_put(last);
    return any;
}

void GraphRunner::cutRound(InlineRound &round)
{
    // On the runner's thread, between two node bodies: an executor thread woken now steals the marker, the
    // oldest task in this thread's pool, and the round ends after the task running now; it and the other
    // executor threads run the rest.
    round.cut = true;
    m_roundsCut.add(1);
    notify();
}

void GraphRunner::run(int index)
{
    ThreadActivity::bind(m_activity[static_cast<std::size_t>(index)].get());
    // `seen` is read before each wait for the graph: work put in after that read either is found by the wait
    // or has changed the counter, so the thread runs the graph again instead of sleeping.
    std::uint64_t seen = m_submitted.load(std::memory_order_seq_cst);
    // Work put in and notify()d before this line ran (a producer or a consumer's signal right after start())
    // is already counted in `seen`: the first wait is unconditional. Without it such work waited for the next
    // notify(), and producers that run their batches inline do not notify: with a consumer's node held by a
    // signal waiting in the arena's queue, 1 run in 8 of a crash storm on two cores processed nothing.
    runGraphCounted();
    while (idle(index, seen)) {
        // Runs tasks until the graph has none outstanding, then returns.
        runGraphCounted();
    }
    ThreadActivity::bind(nullptr);
}

bool GraphRunner::idle(int index, std::uint64_t &seen)
{
    ThreadCounters &counters = *m_threadCounters[static_cast<std::size_t>(index)];
    // Work often follows within microseconds (timer resumes, a busy producer): look for it briefly,
    // yielding the core, before paying for a sleep and a wake-up.
    const auto pollUntil = std::chrono::steady_clock::now() + kPoll;
    while (m_submitted.load(std::memory_order_seq_cst) == seen && std::chrono::steady_clock::now() < pollUntil)
        std::this_thread::yield();
    const bool found = m_submitted.load(std::memory_order_seq_cst) != seen;
    (found ? counters.pollHits : counters.sleeps).add(1);
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
    if (m_stop)
        return false;
    seen = m_submitted.load(std::memory_order_seq_cst);
    return true;
}

void GraphRunner::runGraphCounted()
{
    m_running.fetch_add(1, std::memory_order_seq_cst);
    m_arena.execute([this] { runGraph(); });
    m_running.fetch_sub(1, std::memory_order_seq_cst);
}

void GraphRunner::runUntilIdle()
{
    m_arena.execute([this] { runGraph(); });
}

void GraphRunner::runGraph()
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

void GraphRunner::waitForGraph()
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
