// SPDX-License-Identifier: MIT
// Consumer, part 2 of 3: processing. Attempts, successes and their latency, failures and retries, dead letters, and the
// simulated I/O waits that park the consumer on the timer thread. (Mailbox and settling: consumer.cpp; crashes,
// restarts and abandoning: consumerrecovery.cpp.)
#include "core/consumer.h"

#include "core/graphrunner.h"

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

} // namespace

void Consumer::run(Batch *batch)
{
    m_taken.add(batch->events.size());
    hold(batch, 0);
    m_context.atFaultSite(FaultSite::ConsumerBody); // from here, an exception finds the batch in hand
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

    // Successful events are recorded in runs, each stamped with one clock read (when there is no per-event
    // work, they all finish at that instant): a run ends at a failure, a crash or the end of the batch.
    // Everything before the event in hand has its outcome, so an exception leaves nothing half done.
    std::size_t okFrom = 0; ///< events [okFrom, i) succeeded and are not recorded yet
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (timedEach && m_context.abandon.load(std::memory_order_relaxed)) {
            // Stop now takes effect between events, not after a batch that may hold seconds of work.
            m_settleAbandoned += events.size() - i;
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
            context.atFaultSite(FaultSite::TimerCallback);
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
    ++m_settleProcessed;
    m_inHandFrom = index + 1;
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
    ++m_settleDeadLettered;
}

} // namespace beam
