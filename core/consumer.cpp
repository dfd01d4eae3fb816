// SPDX-License-Identifier: MIT
#include "core/consumer.h"

#include <stdexcept>

namespace beam {

namespace {

/// What an injected fault throws: an ordinary exception, caught at the consumer boundary.
class InjectedFault : public std::runtime_error
{
public:
    InjectedFault()
        : std::runtime_error("injected fault")
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

Consumer::Consumer(tbb::flow::graph &graph, int index, EngineContext &context)
    : m_index(index)
    , m_context(context)
    , m_node(graph, tbb::flow::serial,
          [this](Batch *batch) {
              receive(batch);
              return tbb::flow::continue_msg();
          })
    , m_random(mix64(context.seed ^ (0xC0FFEEULL + static_cast<std::uint64_t>(index))))
{ }

void Consumer::enqueue(Batch *batch)
{
    m_enqueued.add(batch->events.size());
    m_node.try_put(batch);
}

Consumer::Counters Consumer::counters() const
{
    Counters c;
    c.processed = m_processed.get();
    c.failed = m_failed.get();
    c.retried = m_retried.get();
    c.deadLettered = m_deadLettered.get();
    c.abandoned = m_abandoned.get();
    c.busyNs = m_busyNs.get();
    const auto taken = m_taken.get();
    c.queueDepth = static_cast<std::int64_t>(m_enqueued.get() + m_requeued.get()) - static_cast<std::int64_t>(taken);
    return c;
}

std::uint64_t Consumer::finished() const
{
    return m_processed.get() + m_deadLettered.get() + m_abandoned.get();
}

void Consumer::receive(Batch *batch)
{
    const std::int64_t start = nowNs();
    m_settings.workUs = m_context.workUs.load(std::memory_order_relaxed);
    m_settings.ioUs = m_context.ioUs.load(std::memory_order_relaxed);
    m_settings.faultRate = m_context.faultRate.load(std::memory_order_relaxed);
    m_settings.maxAttempts = m_context.maxAttempts.load(std::memory_order_relaxed);
    m_settings.sink = m_context.sink;
    if (m_context.abandon.load(std::memory_order_relaxed)) {
        if (batch->ioResume) {
            if (m_pending)
                abandonBatch(m_pending, m_pendingIndex);
            m_pending = nullptr;
            m_waiting = false;
        } else {
            abandonBatch(batch, 0);
        }
        while (!m_waiting && !m_backlog.empty()) {
            abandonBatch(m_backlog.front(), 0);
            m_backlog.pop_front();
        }
        settle();
        return;
    }

    if (batch->ioResume) {
        resumeAfterIo();
    } else if (m_waiting) {
        m_backlog.push_back(batch);
    } else {
        run(batch);
    }
    while (!m_waiting && !m_backlog.empty()) {
        Batch *next = m_backlog.front();
        m_backlog.pop_front();
        run(next);
    }
    settle();
    m_busyNs.add(static_cast<std::uint64_t>(nowNs() - start));
}

void Consumer::run(Batch *batch)
{
    m_taken.add(batch->events.size());
    if (m_settings.ioUs > 0) {
        runWithIo(batch, 0);
        return;
    }

    // Successful events are compacted to the front, then stamped with one clock read for the whole batch
    // (when there is no per-event work, they all finish at that instant).
    const bool timedEach = m_settings.workUs > 0;
    auto &events = batch->events;
    if (!timedEach && m_settings.faultRate <= 0.0) {
        // Nothing can fail and nothing takes time: every event is one successful attempt, finished now.
        for (auto &event : events)
            ++event.attempts;
        recordAll(events.data(), events.data() + events.size(), nowNs());
        m_settleProcessed += events.size();
        delete batch;
        return;
    }
    std::size_t kept = 0;
    for (auto &event : events) {
        std::int64_t doneNs = 0;
        if (!attempt(event, doneNs)) {
            fail(event);
            continue;
        }
        if (timedEach) {
            record(event, doneNs);
            ++m_settleProcessed;
        } else {
            events[kept++] = event;
        }
    }
    if (kept > 0) {
        recordAll(events.data(), events.data() + kept, nowNs());
        m_settleProcessed += kept;
    }
    delete batch;
}

void Consumer::runWithIo(Batch *batch, std::size_t from)
{
    auto &events = batch->events;
    for (std::size_t i = from; i < events.size(); ++i) {
        std::int64_t doneNs = 0;
        if (!attempt(events[i], doneNs)) {
            fail(events[i]);
            continue;
        }
        // The CPU part is done; the I/O part waits on the timer thread, not on this worker.
        m_waiting = true;
        m_pending = batch;
        m_pendingIndex = i;
        const auto wait = std::chrono::microseconds(m_settings.ioUs);
        m_context.timers.schedule(TimerService::Clock::now() + wait, [this] {
            m_node.try_put(&m_resumeToken);
            m_context.executor->notify();
        });
        return;
    }
    delete batch;
}

void Consumer::resumeAfterIo()
{
    Batch *batch = m_pending;
    const std::size_t index = m_pendingIndex;
    m_pending = nullptr;
    m_waiting = false;
    record(batch->events[index], nowNs());
    ++m_settleProcessed;
    runWithIo(batch, index + 1);
}

bool Consumer::attempt(Event &event, std::int64_t &doneNs)
{
    ++event.attempts;
    try {
        if (m_settings.workUs > 0)
            doneNs = spinFor(m_settings.workUs);
        if (m_settings.faultRate > 0.0 && m_random.uniform() < m_settings.faultRate)
            throw InjectedFault();
        return true;
    } catch (...) {
        // The consumer boundary: whatever processing throws stops here and is counted.
        return false;
    }
}

void Consumer::record(const Event &event, std::int64_t doneNs)
{
    m_latency.record(static_cast<std::uint64_t>(doneNs - event.createdNs));
    if (m_settings.sink)
        m_settings.sink->record(m_index, event, Outcome::Processed);
}

void Consumer::recordAll(const Event *first, const Event *last, std::int64_t doneNs)
{
    // Events made in one producer wake-up share a creation time, so a sub-batch is a few runs of equal
    // latency: one histogram update per run records every event exactly.
    while (first != last) {
        const std::int64_t created = first->createdNs;
        const Event *run = first;
        while (run != last && run->createdNs == created)
            ++run;
        m_latency.record(static_cast<std::uint64_t>(doneNs - created), static_cast<std::uint64_t>(run - first));
        if (m_settings.sink) {
            for (const Event *event = first; event != run; ++event)
                m_settings.sink->record(m_index, *event, Outcome::Processed);
        }
        first = run;
    }
}

void Consumer::fail(const Event &event)
{
    m_failed.add(1);
    if (event.attempts >= m_settings.maxAttempts) {
        m_deadLettered.add(1);
        ++m_settleFinal;
        if (m_settings.sink)
            m_settings.sink->record(m_index, event, Outcome::DeadLettered);
    } else {
        m_retry.push_back(event);
    }
}

void Consumer::abandonBatch(Batch *batch, std::size_t from)
{
    const auto count = batch->events.size() - from;
    if (from == 0)
        m_taken.add(count);
    m_abandoned.add(count);
    m_settleFinal += count;
    delete batch;
}

void Consumer::settle()
{
    // Counters first, credits second: a reader that sees the credit returned also sees the count.
    if (m_settleProcessed > 0)
        m_processed.add(m_settleProcessed);
    const std::uint64_t finished = m_settleProcessed + m_settleFinal;
    m_settleProcessed = 0;
    m_settleFinal = 0;
    if (!m_retry.empty()) {
        auto *redelivery = new Batch;
        redelivery->events.swap(m_retry);
        const auto count = redelivery->events.size();
        m_retried.add(count);
        m_requeued.add(count);
        m_node.try_put(redelivery);
    }
    if (finished > 0)
        m_context.admission.release(static_cast<std::int64_t>(finished));
}

} // namespace beam
