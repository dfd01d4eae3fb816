// SPDX-License-Identifier: MIT
#include "core/consumer.h"

#include "core/graphrunner.h"
#include "core/threadactivity.h"

namespace beam {

Consumer::Consumer(tbb::flow::graph &graph, int index, EngineContext &context)
    : m_index(index)
    , m_context(context)
    , m_node(graph, tbb::flow::serial,
          [this](Batch *batch) {
              receive(batch);
              return tbb::flow::continue_msg();
          })
    , m_random(mix64(context.seed ^ (0xC0FFEEULL + static_cast<std::uint64_t>(index))))
{
    m_progressNs.set(static_cast<std::uint64_t>(nowNs()));
}

Consumer::~Consumer()
{
    // After the graph's last wait nothing is queued; whatever a stopped consumer still holds is freed here.
    delete m_pending;
    for (Batch *batch : m_backlog)
        delete batch;
}
void Consumer::enqueue(Batch *batch)
{
    const auto count = batch->events.size();
    m_enqueued.add(count);
    try {
        m_node.try_put(batch);
    } catch (...) {
        m_enqueued.set(m_enqueued.get() - count); // the router is the only writer
        throw; // not taken: the router keeps the batch
    }
}

void Consumer::signal(Batch::Signal signal, std::uint64_t incarnation)
{
    // Also called from outside the graph (the watchdog, kill, hang, the timer thread): once the engine has
    // stopped, nothing may reach the graph any more.
    const PutGate::Pass pass(m_context.gate);
    if (!pass)
        return;
    auto *token = new Batch;
    token->signal = signal;
    token->incarnation = incarnation;
    m_node.try_put(token);
    if (m_context.runner)
        m_context.runner->notify();
}

Consumer::Counters Consumer::counters() const
{
    Counters c;
    c.processed = m_processed.get();
    c.failed = m_failed.get();
    c.retried = m_retried.get();
    c.deadLettered = m_deadLettered.get();
    c.abandoned = m_abandoned.get();
    c.redelivered = m_redelivered.get();
    c.restarts = m_restarts.get();
    c.exceptions = m_exceptions.get();
    for (std::size_t i = 0; i < c.crashes.size(); ++i)
        c.crashes[i] = m_crashes[i].get();
    c.busyNs = m_busyNs.get();
    c.ioWaitNs = m_ioWaitNs.get();
    const auto taken = m_taken.get();
    c.queueDepth = static_cast<std::int64_t>(m_enqueued.get() + m_requeued.get()) - static_cast<std::int64_t>(taken);
    c.lastProgressNs = static_cast<std::int64_t>(m_progressNs.get());
    return c;
}

void Consumer::receive(Batch *batch)
{
    const std::int64_t start = nowNs();
    // The thread running this body records it (an executor, or a producer running the graph itself).
    ThreadActivity *activity = ThreadActivity::current();
    if (activity)
        activity->enter(start);
    const int workUs = m_context.workUs.load(std::memory_order_relaxed);
    const int ioUs = m_context.ioUs.load(std::memory_order_relaxed);
    if (m_context.slowIndex.load(std::memory_order_relaxed) == m_index) {
        const int factor = m_context.slowFactor.load(std::memory_order_relaxed);
        m_settings.workUs = workUs > 0 ? workUs * factor : (factor > 1 ? factor : 0);
        m_settings.ioUs = ioUs * factor;
    } else {
        m_settings.workUs = workUs;
        m_settings.ioUs = ioUs;
    }
    m_settings.faultRate = m_context.faultRate.load(std::memory_order_relaxed);
    m_settings.crashRate = m_context.crashRate.load(std::memory_order_relaxed);
    m_settings.poisonKey = m_context.poisonKey.load(std::memory_order_relaxed);
    m_settings.maxAttempts = m_context.maxAttempts.load(std::memory_order_relaxed);
    m_settings.sink = m_context.sink;

    const bool abandoning = m_context.abandon.load(std::memory_order_relaxed);
    try {
        if (batch->signal != Batch::Signal::None) {
            handleSignal(batch);
        } else if (abandoning) {
            abandonAll(batch);
        } else if (state() != State::Running || m_waiting) {
            hold(batch, 0);
            m_backlog.push_back(batch);
            hold(nullptr, 0);
        } else {
            run(batch);
        }

        while (!abandoning && state() == State::Running && !m_waiting && !m_backlog.empty()) {
            Batch *next = m_backlog.front();
            m_backlog.pop_front();
            run(next);
        }
        settle();
    } catch (...) {
        // The node boundary: an exception that got past the attempt boundary (an allocation failing in the
        // bookkeeping, an outcome sink throwing) must not reach oneTBB, which would rethrow it on an executor
        // thread with no handler. It is a crash of this consumer: counted, and no event is lost.
        recoverFromException();
    }
    const std::int64_t end = nowNs();
    m_busyNs.add(static_cast<std::uint64_t>(end - start));
    if (activity)
        activity->leave(m_index, start, end);
    GraphRunner::bodyEnded(end);
}

void Consumer::handleSignal(Batch *batch)
{
    const auto signal = batch->signal;
    const auto target = batch->incarnation;
    if (batch != &m_resumeToken)
        delete batch;

    if (signal == Batch::Signal::IoResume && m_staleResumes > 0) {
        --m_staleResumes; // the I/O of an incarnation that crashed: its event was kept for the replacement
        return;
    }
    if (m_context.abandon.load(std::memory_order_relaxed)) {
        if (signal == Batch::Signal::IoResume)
            m_resumeArrived = true;
        abandonAll(nullptr);
        return;
    }
    const bool current = target == ~std::uint64_t{0} || target == m_incarnation;
    switch (signal) {
    case Batch::Signal::IoResume:
        if (!m_waiting)
            return;
        if (state() == State::Hung) {
            m_resumeArrived = true; // a hung consumer makes no progress, even when its I/O is done
            return;
        }
        resumeAfterIo();
        return;
    case Batch::Signal::Kill:
        if (state() != State::Down && current)
            crash(CrashCause::Killed, nullptr, 0);
        return;
    case Batch::Signal::Timeout:
        if (state() != State::Down && current)
            crash(CrashCause::Hang, nullptr, 0);
        return;
    case Batch::Signal::Hang:
        if (state() == State::Running)
            m_state.store(State::Hung, std::memory_order_release);
        return;
    case Batch::Signal::Stop:
        if (state() != State::Down)
            goDown(nullptr, 0);
        return;
    case Batch::Signal::Restart:
        if (state() == State::Down)
            startIncarnation();
        return;
    case Batch::Signal::Poke:
    case Batch::Signal::None:
        return;
    }
}

void Consumer::settle()
{
    // What ended here is counted and given back to the limiter in one ledger entry, so a snapshot sees both or
    // neither.
    const std::uint64_t unprocessed = m_settleDeadLettered + m_settleAbandoned;
    const std::uint64_t finished = m_settleProcessed + unprocessed;
    if (finished > 0) {
        const std::int64_t now = nowNs();
        m_progressNs.set(static_cast<std::uint64_t>(now));
        if (unprocessed > 0)
            m_finishedTally.add(unprocessed, now); // processed events were tallied when they were done
        const LedgerLock::Entry entry(m_context.ledger);
        m_processed.add(m_settleProcessed);
        m_deadLettered.add(m_settleDeadLettered);
        m_abandoned.add(m_settleAbandoned);
        m_context.limiter->release(static_cast<std::int64_t>(finished));
    }
    m_settleProcessed = 0;
    m_settleDeadLettered = 0;
    m_settleAbandoned = 0;
    if (!m_retry.empty()) {
        // Allocating may throw: the retries then stay where they are (a crash keeps them).
        auto redelivery = std::make_unique<Batch>();
        redelivery->events.swap(m_retry);
        const auto count = redelivery->events.size();
        try {
            m_node.try_put(redelivery.get());
        } catch (...) {
            m_retry.swap(redelivery->events); // a put that throws has not taken the batch
            throw;
        }
        static_cast<void>(redelivery.release()); // now owned by the node's queue
        m_retried.add(count);
        m_requeued.add(count);
    }
}

} // namespace beam
