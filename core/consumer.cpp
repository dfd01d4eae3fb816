// SPDX-License-Identifier: MIT
#include "core/consumer.h"

#include "core/graphrunner.h"
#include "core/threadactivity.h"

#include <stdexcept>

namespace beam {

namespace {

/// What an injected message fault throws: an ordinary exception, caught at the consumer boundary.
class InjectedFault : public std::runtime_error
{
public:
    InjectedFault()
        : std::runtime_error("injected fault")
    { }
};

class PoisonKey : public std::runtime_error
{
public:
    PoisonKey()
        : std::runtime_error("poison key")
    { }
};

/// What an injected crash throws: the consumer dies with it (its state is lost), not just the attempt.
class ConsumerCrash : public std::runtime_error
{
public:
    ConsumerCrash()
        : std::runtime_error("consumer crashed")
    { }
};

/// Busy work that keeps the core: spins on the clock, returns when it ended.
std::int64_t spinFor(int microseconds)
{
    const std::int64_t end = nowNs() + std::int64_t{microseconds} * 1000;
    std::int64_t now = nowNs();
    while (now < end)
        now = nowNs();
    return now;
}

std::size_t causeIndex(CrashCause cause)
{
    return static_cast<std::size_t>(cause);
}

} // namespace

Consumer::Consumer(tbb::flow::graph &graph, int index, EngineContext &context)
    : m_index(index)
    , m_context(context)
    , m_node(graph, tbb::flow::serial,
          [this](Batch *batch, Node::output_ports_type &ports) {
              receive(batch);
              if (m_settleMessages > 0) {
                  std::get<0>(ports).try_put(m_settleMessages); // to the limiter's decrementer
                  m_settleMessages = 0;
              }
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

void Consumer::recoverFromException()
{
    m_exceptions.add(1);
    Batch *held = m_inHand;
    const std::size_t from = m_inHandFrom;
    hold(nullptr, 0);
    try {
        if (state() != State::Down) {
            // Like any crash: the event in hand and everything held go to the replacement, which the supervisor
            // starts. (crash() takes `held` only once it has kept its events.)
            crash(CrashCause::Exception, held, from);
        } else if (held) {
            // Already down (the exception came after it went down): keep the rest of the batch with the others.
            // Only a batch that was being queued can be in hand here: not taken yet, still counted as queued.
            m_backlog.push_front(held);
        }
    } catch (...) {
        // Recovering failed too (memory is really short): the events in hand end here, dead-lettered and
        // counted (the dead-letter list, which would need memory, does not get them).
        if (held) {
            const auto rest = held->events.size() - from;
            m_deadLettered.add(rest);
            m_settleFinal += rest;
            releaseSlots(*held, from, held->events.size());
            delete held;
        }
    }
    try {
        settle();
    } catch (...) {
        // settle() returns credits before anything that allocates; the retries stay for the next message.
    }
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

void Consumer::startIncarnation()
{
    // A fresh incarnation: new state, the held events go first.
    ++m_incarnation;
    m_random = Random(mix64(m_context.seed ^ (static_cast<std::uint64_t>(m_index) << 32) ^ m_incarnation));
    m_publicIncarnation.store(m_incarnation, std::memory_order_release);
    m_restarts.add(1);
    m_recovery.record(static_cast<std::uint64_t>(nowNs() - m_downSinceNs));
    m_progressNs.set(static_cast<std::uint64_t>(nowNs()));
    m_state.store(State::Running, std::memory_order_release);
}

void Consumer::run(Batch *batch)
{
    m_taken.add(batch->events.size());
    hold(batch, 0);
    if (m_settings.ioUs > 0) {
        runWithIo(batch, 0);
        return;
    }

    const bool timedEach = m_settings.workUs > 0;
    auto &events = batch->events;
    if (!timedEach && m_settings.faultRate <= 0.0 && m_settings.crashRate <= 0.0 && m_settings.poisonKey < 0) {
        // Nothing can fail and nothing takes time: every event is one successful attempt, finished now.
        bool fresh = true;
        for (auto &event : events) {
            ++event.attempts;
            fresh = fresh && event.attempts <= m_settings.maxAttempts;
        }
        if (fresh) {
            recordAll(0, events.size(), nowNs());
            hold(nullptr, 0);
            delete batch;
            return;
        }
        for (auto &event : events)
            --event.attempts; // an event kept from a crash may be out of attempts: take the general path
    }

    // Events may now end one by one or be kept by a crash: each carries its slot from here on.
    batch->stampSlots();
    // Successful events are recorded in runs, each stamped with one clock read (when there is no per-event
    // work, they all finish at that instant): a run ends at a failure, a crash or the end of the batch.
    // Everything before the event in hand has its outcome, so an exception leaves nothing half done.
    std::size_t okFrom = 0; ///< events [okFrom, i) succeeded and are not recorded yet
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (timedEach && m_context.abandon.load(std::memory_order_relaxed)) {
            // Stop now takes effect between events, not after a batch that may hold seconds of work.
            const auto rest = events.size() - i;
            m_abandoned.add(rest);
            m_settleFinal += rest;
            releaseSlots(*batch, i, events.size());
            hold(nullptr, 0);
            delete batch;
            return;
        }
        Event &event = events[i];
        std::int64_t doneNs = 0;
        switch (attempt(event, doneNs)) {
        case Attempt::Ok:
            if (timedEach) {
                record(i, doneNs);
                okFrom = i + 1;
            }
            break;
        case Attempt::Failed:
            if (okFrom < i)
                recordAll(okFrom, i, nowNs());
            fail(event, m_failure);
            hold(batch, i + 1);
            okFrom = i + 1;
            break;
        case Attempt::Crashed:
            if (okFrom < i)
                recordAll(okFrom, i, nowNs());
            crash(CrashCause::Random, batch, i);
            return;
        }
    }
    if (okFrom < events.size())
        recordAll(okFrom, events.size(), nowNs());
    hold(nullptr, 0);
    delete batch;
}

void Consumer::runWithIo(Batch *batch, std::size_t from)
{
    batch->stampSlots(); // its events end one by one, or wait in I/O where a crash may keep them
    auto &events = batch->events;
    for (std::size_t i = from; i < events.size(); ++i) {
        std::int64_t doneNs = 0;
        switch (attempt(events[i], doneNs)) {
        case Attempt::Failed:
            fail(events[i], m_failure);
            hold(batch, i + 1);
            continue;
        case Attempt::Crashed:
            crash(CrashCause::Random, batch, i);
            return;
        case Attempt::Ok:
            break;
        }
        // The CPU part is done; the I/O part waits on the timer thread, not on a worker. Scheduling may throw:
        // the batch stays in hand until it is pending.
        const auto wait = std::chrono::microseconds(m_settings.ioUs);
        m_context.timers.schedule(TimerService::Clock::now() + wait, [this, &context = m_context] {
            const PutGate::Pass pass(context.gate);
            if (!pass)
                return; // the engine stopped: no graph to resume in (and this consumer may be gone)
            m_node.try_put(&m_resumeToken);
            context.runner->notify();
        });
        m_waiting = true;
        m_resumeArrived = false;
        m_pending = batch;
        m_pendingIndex = i;
        m_ioStartNs = nowNs();
        hold(nullptr, 0);
        return;
    }
    hold(nullptr, 0);
    delete batch;
}

void Consumer::resumeAfterIo()
{
    Batch *batch = m_pending;
    const std::size_t index = m_pendingIndex;
    m_pending = nullptr;
    m_waiting = false;
    hold(batch, index);
    const std::int64_t now = nowNs();
    m_ioWaitNs.add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - m_ioStartNs)));
    record(index, now);
    runWithIo(batch, index + 1);
}

Consumer::Attempt Consumer::attempt(Event &event, std::int64_t &doneNs)
{
    if (event.attempts >= m_settings.maxAttempts) {
        // Kept from crashes until its attempts ran out: it is not tried again.
        m_failure = "crashed";
        return Attempt::Failed;
    }
    ++event.attempts;
    try {
        if (m_settings.crashRate > 0.0 && m_random.uniform() < m_settings.crashRate)
            throw ConsumerCrash();
        if (m_settings.workUs > 0)
            doneNs = spinFor(m_settings.workUs);
        if (m_settings.poisonKey >= 0 && event.key == static_cast<std::uint32_t>(m_settings.poisonKey))
            throw PoisonKey();
        if (m_settings.faultRate > 0.0 && m_random.uniform() < m_settings.faultRate)
            throw InjectedFault();
        return Attempt::Ok;
    } catch (const ConsumerCrash &) {
        return Attempt::Crashed;
    } catch (const PoisonKey &) {
        m_failure = "poison key";
        return Attempt::Failed;
    } catch (...) {
        // The consumer boundary: whatever processing throws stops here and is counted.
        m_failure = "fault";
        return Attempt::Failed;
    }
}

void Consumer::record(std::size_t index, std::int64_t doneNs)
{
    const Event &event = m_inHand->events[index];
    if (m_settings.sink)
        m_settings.sink->record(m_index, event, Outcome::Processed); // may throw: then nothing is counted
    m_latency.record(static_cast<std::uint64_t>(doneNs - event.createdNs));
    m_finishedTally.add(1, doneNs); // the same instant that ends its latency, so L and W share their bounds
    releaseSlots(*m_inHand, index, index + 1);
    ++m_settleProcessed;
    m_inHandFrom = index + 1;
}

void Consumer::releaseSlots(const Batch &batch, std::size_t from, std::size_t to)
{
    if (!batch.uniform) {
        releaseSlots(batch.events.data() + from, batch.events.data() + to);
        return;
    }
    if (m_context.slots && to > from && m_context.slots->finish(batch.slot, static_cast<std::uint32_t>(to - from)))
        ++m_settleMessages;
}

void Consumer::releaseSlots(const Event *first, const Event *last)
{
    MessageSlots *slots = m_context.slots;
    if (!slots)
        return;
    while (first != last) {
        const std::uint16_t slot = first->slot;
        const Event *run = first;
        while (run != last && run->slot == slot)
            ++run;
        if (slots->finish(slot, static_cast<std::uint32_t>(run - first)))
            ++m_settleMessages;
        first = run;
    }
}

void Consumer::recordAll(std::size_t from, std::size_t to, std::int64_t doneNs)
{
    const Event *events = m_inHand->events.data();
    if (m_settings.sink) {
        // One at a time, so that an outcome sink that throws leaves every event either counted or in hand.
        for (std::size_t i = from; i < to; ++i)
            record(i, doneNs);
        return;
    }
    // Events made in one producer wake-up share a creation time, so a sub-batch is a few runs of equal
    // latency: one histogram update per run records every event exactly.
    const Event *first = events + from;
    const Event *last = events + to;
    releaseSlots(*m_inHand, from, to);
    m_finishedTally.add(static_cast<std::uint64_t>(last - first), doneNs);
    while (first != last) {
        const std::int64_t created = first->createdNs;
        const Event *run = first;
        while (run != last && run->createdNs == created)
            ++run;
        m_latency.record(static_cast<std::uint64_t>(doneNs - created), static_cast<std::uint64_t>(run - first));
        first = run;
    }
    m_settleProcessed += to - from;
    m_inHandFrom = to;
}

void Consumer::fail(const Event &event, const char *reason)
{
    m_failed.add(1);
    if (event.attempts >= m_settings.maxAttempts)
        deadLetter(event, reason);
    else
        m_retry.push_back(event);
}

void Consumer::deadLetter(const Event &event, const char *reason)
{
    m_context.deadLetters.add(event, reason); // never throws (an entry it cannot store is skipped)
    if (m_settings.sink)
        m_settings.sink->record(m_index, event, Outcome::DeadLettered); // may throw: then nothing is counted
    m_deadLettered.add(1);
    ++m_settleFinal;
    releaseSlots(&event, &event + 1);
}

void Consumer::crash(CrashCause cause, Batch *current, std::size_t from)
{
    goDown(current, from); // may throw before it changed anything; then `current` is still in hand
    hold(nullptr, 0);
    m_crashes[causeIndex(cause)].add(1);
    if (!m_context.observer)
        return;
    try {
        m_context.observer->consumerCrashed(m_index, cause);
    } catch (...) {
        // The supervisor could not take the news (it allocates): restart at once, as one_for_one would, rather
        // than stay down holding events nobody would restart.
        m_exceptions.add(1);
        startIncarnation();
    }
}

void Consumer::goDown(Batch *current, std::size_t from)
{
    // State is lost; events are not. Everything this incarnation held goes back to the front of its queue,
    // in order, for the replacement: the pending I/O's event, the batch being processed from the event that
    // crashed, then events awaiting redelivery. What may throw (allocating) comes before any change.
    auto kept = std::make_unique<Batch>();
    // The kept events carry their own slots from now on.
    if (m_waiting)
        m_pending->stampSlots();
    if (current)
        current->stampSlots();
    if (m_waiting) {
        kept->events.assign(
            m_pending->events.begin() + static_cast<std::ptrdiff_t>(m_pendingIndex), m_pending->events.end());
    }
    if (current) {
        kept->events.insert(
            kept->events.end(), current->events.begin() + static_cast<std::ptrdiff_t>(from), current->events.end());
    }
    kept->events.insert(kept->events.end(), m_retry.begin(), m_retry.end());
    if (!kept->events.empty())
        m_backlog.push_front(kept.get());

    m_state.store(State::Down, std::memory_order_release);
    m_downSinceNs = nowNs();
    if (m_waiting) {
        delete m_pending;
        m_pending = nullptr;
        m_waiting = false;
        if (!m_resumeArrived)
            ++m_staleResumes;
    }
    delete current;
    m_retry.clear();
    if (kept->events.empty())
        return;
    m_redelivered.add(kept->events.size());
    m_requeued.add(kept->events.size());
    static_cast<void>(kept.release()); // now owned by the backlog
}

void Consumer::abandonAll(Batch *batch)
{
    if (batch)
        abandonBatch(batch, 0, false);
    if (m_waiting) {
        abandonBatch(m_pending, m_pendingIndex, true);
        m_pending = nullptr;
        m_waiting = false;
        if (!m_resumeArrived)
            ++m_staleResumes;
    }
    if (!m_retry.empty()) {
        m_abandoned.add(m_retry.size());
        m_settleFinal += m_retry.size();
        releaseSlots(m_retry.data(), m_retry.data() + m_retry.size());
        m_retry.clear();
    }
    for (Batch *held : m_backlog)
        abandonBatch(held, 0, false);
    m_backlog.clear();
}

void Consumer::abandonBatch(Batch *batch, std::size_t from, bool taken)
{
    const auto count = batch->events.size() - from;
    if (!taken)
        m_taken.add(count);
    m_abandoned.add(count);
    m_settleFinal += count;
    releaseSlots(*batch, from, batch->events.size());
    delete batch;
}

void Consumer::settle()
{
    // Counters first, credits second: a reader that sees the credit returned also sees the count.
    if (m_settleProcessed > 0)
        m_processed.add(m_settleProcessed);
    const std::uint64_t finished = m_settleProcessed + m_settleFinal;
    const std::uint64_t endedUnprocessed = m_settleFinal; // processed events were tallied when they were done
    m_settleProcessed = 0;
    m_settleFinal = 0;
    if (finished > 0) {
        const std::int64_t now = nowNs();
        m_progressNs.set(static_cast<std::uint64_t>(now));
        if (endedUnprocessed > 0)
            m_finishedTally.add(endedUnprocessed, now);
        m_context.admission.release(static_cast<std::int64_t>(finished));
    }
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
