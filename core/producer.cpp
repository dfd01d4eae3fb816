// SPDX-License-Identifier: MIT
#include "core/producer.h"

#include "core/random.h"
#include "core/slotgrid.h"

#include <algorithm>
#include <thread>

#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace beam {

namespace {
constexpr std::uint32_t kKeySpace = PipelineConfig::kKeySpace;
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
/// The producers share one grid of slots this long: the producer in running position i of n starts its batches
/// in slots i, i + n, i + 2n, ... unless a full batch is owed. All producers together wake about once a slot,
/// whatever their number, so the cost follows the events; and no two wake in the same slot, so no batch waits
/// behind another's (docs/executor.md has the numbers).
constexpr std::int64_t kSlotNs = 100'000;
/// The timer slack of a producer's thread: Linux may wake it this much after it asked. Under a slot; a larger
/// slack lets the kernel wake several producers with one timer interrupt, and their batches then queue behind
/// each other.
constexpr std::int64_t kTimerSlackNs = 50'000;
/// A producer asks to wake this much before it means to, learnt from how late its wake-ups come (the slack and
/// the timer's own delay: 74-97 us on this 2-vCPU VM, bench/wakeup_cost.cpp), so it wakes in its own slot, not in the
/// next producer's. Never more than this part of a slot.
constexpr std::int64_t kMaxEarlyNs = kSlotNs * 3 / 4;
/// How far a wake-up may still land from the time it meant (the lateness varies from one to the next).
constexpr std::int64_t kWakeJitterNs = kSlotNs / 4;
/// The longest a paced producer sleeps at once before it looks at its settings again.
constexpr std::int64_t kMaxSleepNs = 10'000'000;
/// Sets the calling thread's timer slack.
void setTimerSlack(std::int64_t ns)
{
#ifdef __linux__
    prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(ns), 0UL, 0UL, 0UL);
#else
    (void)ns;
#endif
}

} // namespace

Producer::Producer(int index, int position, EngineContext &context, Emit emit)
    : m_index(index)
    , m_position(position)
    , m_context(context)
    , m_emit(std::move(emit))
{ }

Producer::~Producer()
{
    requestStop();
    join();
}

void Producer::start()
{
    m_stop = false;
    m_activity.setLife(nowNs(), 0);
    m_thread = std::thread([this] { run(); });
}

void Producer::requestStop()
{
    m_stop = true;
    {
        std::lock_guard lock(m_sleepMutex);
    }
    m_sleep.notify_all();
    m_context.admission.wakeAll();
}

bool Producer::sleepFor(std::int64_t ns)
{
    std::unique_lock lock(m_sleepMutex);
    return !m_sleep.wait_for(
        lock, std::chrono::nanoseconds(ns), [this] { return m_stop.load(std::memory_order_relaxed); });
}

void Producer::join()
{
    if (m_thread.joinable()) {
        m_thread.join();
        m_activity.setLife(m_activity.beganNs(), nowNs());
    }
}

Producer::Counters Producer::counters() const
{
    Counters c;
    c.produced = m_produced.get();
    c.dropped = m_dropped.get();
    c.offered = m_offered.get();
    c.blockedNs = m_blockedNs.get();
    c.batches = m_batches.get();
    return c;
}

std::int64_t Producer::batchBound() const
{
    // Keep several messages in flight under a small limit so producer and consumers overlap.
    if (m_context.overload.load(std::memory_order_relaxed) == OverloadPolicy::Unbounded)
        return kMaxBatch;
    return std::clamp<std::int64_t>(m_context.admission.limit() / 4, 1, kMaxBatch);
}

void Producer::run()
{
    ThreadActivity::bind(&m_activity);
    setTimerSlack(kTimerSlackNs);
    std::uint64_t rate = 0;
    std::int64_t epochNs = 0;
    std::uint64_t dueSinceEpoch = 0; ///< events taken care of since the epoch (emitted or skipped)
    std::int64_t lastBatchNs = 0; ///< when the last batch was emitted, as the time meant (paced producers)
    std::int64_t earlyNs = kTimerSlackNs; ///< how late this thread's timed wake-ups come, smoothed
    std::int64_t meantNs = 0; ///< the time the last sleep was meant to end at (it asked earlier by `earlyNs`)
    // Sleeps to `meant` less how late wake-ups come (at most kMaxSleepNs), and learns from how late this one is.
    const auto sleepUntil = [this, &earlyNs, &meantNs](std::int64_t meant, std::int64_t now) {
        const std::int64_t askNs = meant - earlyNs;
        if (askNs - now > kMaxSleepNs) {
            sleepFor(kMaxSleepNs);
        } else if (askNs <= now || sleepFor(askNs - now)) {
            if (askNs > now)
                earlyNs = std::clamp<std::int64_t>(earlyNs + (nowNs() - askNs - earlyNs) / 8, 0, kMaxEarlyNs);
            meantNs = meant;
        }
    };
    bool restartClock = true;

    while (!m_stop.load(std::memory_order_relaxed)) {
        if (m_context.paused.load(std::memory_order_relaxed) || m_context.safetyCapHit.load(std::memory_order_relaxed)
            || m_context.held.load(std::memory_order_relaxed)) {
            sleepFor(kMaxSleepNs);
            restartClock = true;
            continue;
        }
        const std::uint64_t currentRate = m_context.ratePerProducer.load(std::memory_order_relaxed);
        const std::int64_t now = nowNs();
        // Pacing goes by the time the wake-up meant, when it came a little early: the events due then are
        // emitted now (up to kMaxEarlyNs early), so the rate stays exact and no wake-up is wasted.
        const std::int64_t at = std::max(now, meantNs);
        meantNs = 0;
        if (restartClock || currentRate != rate) {
            rate = currentRate;
            epochNs = at;
            dueSinceEpoch = 0;
            restartClock = false;
        }

        const std::int64_t bound = batchBound();
        std::int64_t want = bound;
        if (rate != 0) {
            // Event k (from 0) falls due at epoch + k / rate: the first one at once, as a producer's first
            // demand is answered at once; over any T seconds exactly rate x T fall due.
            const auto due
                = static_cast<std::uint64_t>(static_cast<long double>(at - epochNs) * rate / kNsPerSecond) + 1;
            const int producers = std::max(1, m_context.producersRunning.load(std::memory_order_relaxed));
            const SlotGrid slots(kSlotNs, producers, m_position, kWakeJitterNs);
            if (due <= dueSinceEpoch) {
                // Sleep to the next event's due time (a nanosecond past it, against rounding) if that falls in
                // one of this producer's slots after its last batch's, else to the start of the next such slot;
                // the clock, not the sleep, decides how many are due.
                const auto nextNs = epochNs
                    + static_cast<std::int64_t>(static_cast<long double>(dueSinceEpoch) * kNsPerSecond / rate) + 1;
                sleepUntil(slots.wakeAtOrAfter(std::max(nextNs, slots.after(lastBatchNs))), now);
                continue;
            }
            std::uint64_t owed = due - dueSinceEpoch;
            const std::int64_t nextSlotNs = slots.after(lastBatchNs);
            if (owed < static_cast<std::uint64_t>(bound) && at < nextSlotNs) {
                // Events are due, but this producer's next slot has not begun: let more fall due. The rate stays
                // exact; a batch carries what fell due meanwhile.
                sleepUntil(nextSlotNs, now);
                continue;
            }
            const auto debtCap = std::max<std::uint64_t>(static_cast<std::uint64_t>(bound), rate / 20);
            if (owed > debtCap) {
                // Held back too long: what fell due beyond the cap is offered but never created.
                m_offered.add(owed - debtCap);
                dueSinceEpoch += owed - debtCap;
                owed = debtCap;
            }
            want = static_cast<std::int64_t>(std::min<std::uint64_t>(owed, static_cast<std::uint64_t>(bound)));
        }

        const OverloadPolicy policy = m_context.overload.load(std::memory_order_relaxed);
        std::int64_t admitted = 0;
        if (policy == OverloadPolicy::Unbounded) {
            if (m_context.admission.inFlight() >= m_context.safetyCap.load(std::memory_order_relaxed)) {
                m_context.safetyCapHit = true;
                continue;
            }
            m_context.admission.acquireUnbounded(want);
            admitted = want;
        } else {
            admitted = m_context.admission.tryAcquire(
                want, policy == OverloadPolicy::Drop ? 1 : std::min(want, std::max<std::int64_t>(1, bound / 2)));
        }

        if (admitted == 0 && policy == OverloadPolicy::Backpressure) {
            // Held back: wait for a consumer to return credits. Yield first (a credit is often microseconds
            // away), then sleep on the admission's condition variable.
            std::int64_t blockedFrom = nowNs();
            const std::int64_t room = std::min(want, std::max<std::int64_t>(1, bound / 2));
            for (int spin = 0;
                 spin < 8 && !m_context.admission.hasRoom(room) && !m_stop.load(std::memory_order_relaxed); ++spin)
                std::this_thread::yield();
            while (!m_context.admission.hasRoom(room) && !m_stop.load(std::memory_order_relaxed)
                && !m_context.paused.load(std::memory_order_relaxed)
                && m_context.overload.load(std::memory_order_relaxed) == OverloadPolicy::Backpressure
                && batchBound() == bound) {
                m_context.admission.waitForRoom(room, std::chrono::milliseconds(1));
                // Credit held-back time as it accrues, so a sampler sees it in the interval it happened.
                const std::int64_t nowBlocked = nowNs();
                m_blockedNs.add(static_cast<std::uint64_t>(nowBlocked - blockedFrom));
                blockedFrom = nowBlocked;
            }
            m_blockedNs.add(static_cast<std::uint64_t>(nowNs() - blockedFrom));
            continue;
        }

        if (policy != OverloadPolicy::Drop)
            want = admitted; // a partial grant emits what fits; only the drop policy sheds the rest
        if (rate != 0) {
            dueSinceEpoch += static_cast<std::uint64_t>(want);
            m_offered.add(static_cast<std::uint64_t>(want));
        }
        emitBatch(want, admitted, now);
        lastBatchNs = at;
        if (rate == 0)
            m_offered.add(static_cast<std::uint64_t>(want));
    }
    ThreadActivity::bind(nullptr);
}

void Producer::emitBatch(std::int64_t count, std::int64_t admitted, std::int64_t createdNs)
{
    const std::uint64_t idBase = static_cast<std::uint64_t>(m_index) << 48;
    const std::uint64_t keySalt = mix64(m_context.seed);
    Batch *batch = nullptr;
    if (admitted > 0) {
        batch = new Batch;
        batch->events.resize(static_cast<std::size_t>(admitted));
        for (auto &event : batch->events) {
            event.id = idBase | m_sequence++;
            event.key = static_cast<std::uint32_t>(mix64(event.id ^ keySalt)) % kKeySpace;
            event.createdNs = createdNs;
        }
    }
    const auto shed = count - admitted;
    if (shed > 0) {
        // Drop policy: these events exist (they have ids) and end here, counted.
        if (m_context.sink) {
            for (std::int64_t i = 0; i < shed; ++i) {
                Event event;
                event.id = idBase | m_sequence++;
                event.key = static_cast<std::uint32_t>(mix64(event.id ^ keySalt)) % kKeySpace;
                event.createdNs = createdNs;
                m_context.sink->record(-1, event, Outcome::Dropped);
            }
        } else {
            m_sequence += static_cast<std::uint64_t>(shed);
        }
        m_dropped.add(static_cast<std::uint64_t>(shed));
    }
    if (admitted > 0)
        m_admittedTally.add(static_cast<std::uint64_t>(admitted), createdNs);
    // Dropped before produced: a reader that sees this batch in `produced` sees its drops too.
    m_produced.add(static_cast<std::uint64_t>(count));
    m_batches.add(1);
    // Busy from the clock read that made these events due (admission included) to here: one more read a batch.
    m_activity.leave(ThreadActivity::kOther, createdNs, nowNs());
    if (batch)
        m_emit(batch);
}

} // namespace beam
