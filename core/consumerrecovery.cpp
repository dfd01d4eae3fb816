// SPDX-License-Identifier: MIT
// Consumer, part 3 of 3: recovery. A crash keeps every event for the replacement, the supervisor's restart starts a
// fresh incarnation, an exception past the attempt boundary is a crash, and "stop now" abandons what is held. (Mailbox
// and settling: consumer.cpp; processing: consumerprocessing.cpp.)
#include "core/consumer.h"

namespace beam {

namespace {

std::size_t causeIndex(CrashCause cause)
{
    return static_cast<std::size_t>(cause);
}

} // namespace

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
            m_settleDeadLettered += held->events.size() - from;
            delete held;
        }
    }
    try {
        settle();
    } catch (...) {
        // settle() gives events back to the limiter before anything that allocates; the retries stay for the next
        // message.
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
    m_settleAbandoned += m_retry.size();
    m_retry.clear();
    for (Batch *held : m_backlog)
        abandonBatch(held, 0, false);
    m_backlog.clear();
}

void Consumer::abandonBatch(Batch *batch, std::size_t from, bool taken)
{
    const auto count = batch->events.size() - from;
    if (!taken)
        m_taken.add(count);
    m_settleAbandoned += count;
    delete batch;
}

} // namespace beam
