// SPDX-License-Identifier: MIT
#include "core/producer.h"
#include "core/threadname.h"

#include "core/random.h"
#include "core/slotgrid.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
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
/// The longest a parked producer waits before it looks again (every change it waits for also wakes it).
constexpr std::chrono::nanoseconds kParkNs{1'000'000'000};
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
    m_thread = std::thread([this] {
        nameThisThread("beam-prod-" + std::to_string(m_index));
        run();
    });
}

void Producer::requestStop()
{
    m_stop = true;
    {
        std::lock_guard lock(m_sleepMutex);
    }
    m_sleep.notify_all();
    m_context.pacingChanged(); // a parked producer wakes and sees the stop
    if (m_context.limiter)
        m_context.limiter->wakeAll();
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
        // A round the Pacer runs for it ends before join() returns (requestStop() ends a wait for the limiter),
        // so nothing is admitted in its name afterwards.
        const std::lock_guard turn(m_turn);
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
    return std::clamp<std::int64_t>(m_context.limiter->threshold() / 4, 1, kMaxBatch);
}

void Producer::run()
{
    ThreadActivity::bind(&m_activity);
    setTimerSlack(kTimerSlackNs);
    m_pacing.earlyNs = kTimerSlackNs;
    // The thread's boundary: an exception ends this producer (reported, never std::terminate). Between batches
    // it holds no event, so nothing is lost; inside offer() nothing throws once the batch is reserved.
    try {
        loop();
    } catch (const std::exception &e) {
        m_context.threadFailed("producer " + std::to_string(m_index), e.what());
    } catch (...) {
        m_context.threadFailed("producer " + std::to_string(m_index), "an exception of unknown type");
    }
    ThreadActivity::bind(nullptr);
}

void Producer::loop()
{
    while (!m_stop.load(std::memory_order_relaxed)) {
        m_context.atFaultSite(FaultSite::ProducerLoop);
        bool park = m_context.producersStand() || m_context.pacedTogether();
        if (!park) {
            const std::lock_guard turn(m_turn);
            park = !paceAlone();
        }
        if (park) {
            // Parked until something pacing depends on changes (no wake-ups while paused or paced together);
            // the timeout only bounds a missed notification.
            m_context.waitForPacingChange(kParkNs, [this] {
                return m_stop.load(std::memory_order_relaxed)
                    || !(m_context.producersStand() || m_context.pacedTogether());
            });
            const std::lock_guard turn(m_turn);
            if (!m_context.pacedTogether())
                m_pacing.restartClock = true; // a new epoch after a pause or a hold: no burst of stale events
        }
    }
}

bool Producer::paceAlone()
{
    if (m_context.producersStand() || m_context.pacedTogether())
        return false;
    const std::int64_t now = nowNs();
    const std::int64_t bound = batchBound();
    const std::int64_t want = eventsDue(now, bound);
    if (want > 0)
        emitDue(want, bound, now);
    return true;
}

std::int64_t Producer::paceTogether(
    std::int64_t now, std::int64_t atNs, std::int64_t retryNs, RoundBatches &round, bool restart)
{
    constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();
    const std::unique_lock turn(m_turn, std::try_to_lock);
    if (!turn.owns_lock())
        return now + retryNs; // its own thread is finishing a round of its own (the mode just changed)
    if (m_stop.load(std::memory_order_relaxed) || !m_context.pacedTogether() || m_context.producersStand()) {
        m_pacing.restartClock = true;
        return kNone;
    }
    if (restart)
        m_pacing.restartClock = true;
    m_round = &round;
    const std::int64_t next = paceDue(now, std::max(now, atNs), retryNs);
    m_round = nullptr;
    return next;
}

std::int64_t Producer::paceDue(std::int64_t now, std::int64_t at, std::int64_t retryNs)
{
    Pacing &p = m_pacing;
    const std::uint64_t rate = m_context.ratePerProducer.load(std::memory_order_relaxed);
    p.at = at;
    p.meantNs = 0;
    if (p.restartClock || rate != p.rate) {
        p.rate = rate;
        p.epochNs = at;
        p.dueSinceEpoch = 0;
        p.restartClock = false;
    }
    const std::int64_t bound = batchBound();
    // Everything due by `at` (the time the pacer's wake-up meant; it may come a little early) goes out, in batches
    // of at most `bound`, created now; a refusal holds this producer (and so the pacer: the limiter is the same
    // for all) until there is room.
    for (;;) {
        const auto due
            = static_cast<std::uint64_t>(static_cast<long double>(at - p.epochNs) * p.rate / kNsPerSecond) + 1;
        if (due <= p.dueSinceEpoch)
            break;
        std::uint64_t owed = due - p.dueSinceEpoch;
        const auto debtCap = std::max<std::uint64_t>(static_cast<std::uint64_t>(bound), p.rate / 20);
        if (owed > debtCap) {
            m_offered.add(owed - debtCap);
            p.dueSinceEpoch += owed - debtCap;
            owed = debtCap;
        }
        const auto want = static_cast<std::int64_t>(std::min<std::uint64_t>(owed, static_cast<std::uint64_t>(bound)));
        const std::uint64_t before = p.dueSinceEpoch;
        emitDue(want, bound, now);
        if (p.dueSinceEpoch - before < static_cast<std::uint64_t>(want) || m_stop.load(std::memory_order_relaxed))
            return now + retryNs; // held back: try again at the next round
        now = nowNs();
        at = std::max(at, now);
    }
    return p.epochNs + static_cast<std::int64_t>(static_cast<long double>(p.dueSinceEpoch) * kNsPerSecond / p.rate);
}

void RoundBatches::add(Batch *batch, std::int64_t bound, std::int64_t now)
{
    if (!m_merged) {
        m_merged.reset(batch);
    } else {
        m_merged->events.insert(m_merged->events.end(), batch->events.begin(), batch->events.end());
        delete batch;
    }
    if (static_cast<std::int64_t>(m_merged->events.size()) >= bound
        || now - m_merged->events.front().createdNs >= kMergeNs)
        flush();
}

void RoundBatches::flush()
{
    if (m_merged && !m_merged->events.empty())
        m_emit(m_merged.release());
    m_merged.reset();
}

void Producer::recordLag(std::uint64_t first, std::int64_t count, std::int64_t createdNs)
{
    // Event k since the epoch was due at epoch + k / rate: the lags of a batch fall evenly from its first event's
    // to its last's. Recorded in at most 16 groups, each at its middle event's lag, so a batch costs the same
    // whatever its size. An event made early (a wake-up takes what falls due a little after it) counts how early:
    // the lag is the distance from the schedule, either way.
    const Pacing &p = m_pacing;
    if (p.rate == 0 || count <= 0)
        return;
    const std::int64_t groups = std::min<std::int64_t>(count, 16);
    for (std::int64_t g = 0; g < groups; ++g) {
        const std::int64_t from = count * g / groups;
        const std::int64_t to = count * (g + 1) / groups;
        const std::uint64_t middle = first + static_cast<std::uint64_t>((from + to - 1) / 2);
        const std::int64_t dueNs
            = p.epochNs + static_cast<std::int64_t>(static_cast<long double>(middle) * kNsPerSecond / p.rate);
        m_lag.record(static_cast<std::uint64_t>(std::abs(createdNs - dueNs)), static_cast<std::uint64_t>(to - from));
    }
}

void Producer::sleepUntil(std::int64_t meant, std::int64_t now)
{
    // Sleeps to `meant` less how late wake-ups come (at most kMaxSleepNs), and learns from how late this one is.
    Pacing &p = m_pacing;
    const std::int64_t askNs = meant - p.earlyNs;
    if (askNs - now > kMaxSleepNs) {
        sleepFor(kMaxSleepNs);
    } else if (askNs <= now || sleepFor(askNs - now)) {
        if (askNs > now)
            p.earlyNs = std::clamp<std::int64_t>(p.earlyNs + (nowNs() - askNs - p.earlyNs) / 8, 0, kMaxEarlyNs);
        p.meantNs = meant;
    }
}

std::int64_t Producer::eventsDue(std::int64_t now, std::int64_t bound)
{
    Pacing &p = m_pacing;
    const std::uint64_t currentRate = m_context.ratePerProducer.load(std::memory_order_relaxed);
    // Pacing goes by the time the wake-up meant, when it came a little early: the events due then are emitted
    // now (up to kMaxEarlyNs early), so the rate stays exact and no wake-up is wasted.
    p.at = std::max(now, p.meantNs);
    p.meantNs = 0;
    if (p.restartClock || currentRate != p.rate) {
        p.rate = currentRate;
        p.epochNs = p.at;
        p.dueSinceEpoch = 0;
        p.restartClock = false;
    }
    if (p.rate == 0)
        return bound; // unthrottled: a full batch whenever there is room
    // Event k (from 0) falls due at epoch + k / rate: the first one at once, as a producer's first demand is
    // answered at once; over any T seconds exactly rate x T fall due.
    const auto due = static_cast<std::uint64_t>(static_cast<long double>(p.at - p.epochNs) * p.rate / kNsPerSecond) + 1;
    const int producers = std::max(1, m_context.producersRunning.load(std::memory_order_relaxed));
    const SlotGrid slots(kSlotNs, producers, m_position, kWakeJitterNs);
    if (due <= p.dueSinceEpoch) {
        // Sleep to the next event's due time (a nanosecond past it, against rounding) if that falls in one of this
        // producer's slots after its last batch's, else to the start of the next such slot; the clock, not the
        // sleep, decides how many are due.
        const auto nextNs = p.epochNs
            + static_cast<std::int64_t>(static_cast<long double>(p.dueSinceEpoch) * kNsPerSecond / p.rate) + 1;
        sleepUntil(slots.wakeAtOrAfter(std::max(nextNs, slots.after(p.lastBatchNs))), now);
        return 0;
    }
    std::uint64_t owed = due - p.dueSinceEpoch;
    const std::int64_t nextSlotNs = slots.after(p.lastBatchNs);
    if (owed < static_cast<std::uint64_t>(bound) && p.at < nextSlotNs) {
        // Events are due, but this producer's next slot has not begun: let more fall due. The rate stays exact; a
        // batch carries what fell due meanwhile.
        sleepUntil(nextSlotNs, now);
        return 0;
    }
    const auto debtCap = std::max<std::uint64_t>(static_cast<std::uint64_t>(bound), p.rate / 20);
    if (owed > debtCap) {
        // Held back too long: what fell due beyond the cap is offered but never created.
        m_offered.add(owed - debtCap);
        p.dueSinceEpoch += owed - debtCap;
        owed = debtCap;
    }
    return static_cast<std::int64_t>(std::min<std::uint64_t>(owed, static_cast<std::uint64_t>(bound)));
}

void Producer::emitDue(std::int64_t want, std::int64_t bound, std::int64_t now)
{
    const OverloadPolicy policy = m_context.overload.load(std::memory_order_relaxed);
    const auto [produced, passed] = offer(want, policy, now);
    if (m_pacing.rate != 0)
        m_pacing.dueSinceEpoch += static_cast<std::uint64_t>(produced);
    m_offered.add(static_cast<std::uint64_t>(produced));
    if (produced > 0)
        m_pacing.lastBatchNs = m_pacing.at;
    if (passed == want || policy == OverloadPolicy::Drop)
        return;
    // The limiter refused an event: the producer is held back.
    if (policy == OverloadPolicy::Unbounded) {
        // Its threshold is the safety cap: producers stop before memory runs out. A refusal below the cap is the
        // threshold still being raised by a switch to this policy (the policy is published first): the next
        // round offers again. (Taken for the cap, it stopped the producers 0.2 s into overload-three-ways' third
        // policy, in flight 1,000.)
        if (m_context.limiter->inFlight() >= m_context.safetyCap.load(std::memory_order_relaxed)) {
            m_context.safetyCapHit = true;
            m_context.pacingChanged();
        }
    } else {
        if (m_round)
            m_round->flush(); // the round's events are in flight: the graph must have them to make room
        holdBack(std::min(want, std::max<std::int64_t>(1, bound / 2)), bound);
    }
}

std::pair<std::int64_t, std::int64_t> Producer::offer(std::int64_t want, OverloadPolicy policy, std::int64_t createdNs)
{
    const std::uint64_t idBase = static_cast<std::uint64_t>(m_index) << 48;
    const std::uint64_t keySalt = mix64(m_context.seed);
    const auto make = [&](std::int64_t i) {
        Event event;
        event.id = idBase | (m_sequence + static_cast<std::uint64_t>(i));
        event.key = static_cast<std::uint32_t>(mix64(event.id ^ keySalt)) % kKeySpace;
        event.createdNs = createdNs;
        return event;
    };
    // Drop policy: every refused event exists (it has an id) and ends here, counted.
    OutcomeSink *sink = m_context.sink;
    const auto shed = [sink](const Event &event) {
        if (sink)
            sink->record(-1, event, Outcome::Dropped);
    };
    auto batch = std::make_unique<Batch>();
    batch->events.reserve(static_cast<std::size_t>(want));
    std::int64_t produced = 0;
    std::int64_t passed = 0;
    {
        // What the producer made, shed and admitted is counted in the same ledger entry as the limiter's count.
        const LedgerLock::Entry entry(m_context.ledger);
        passed = m_context.limiter->offer(want, *batch, make, shed, policy != OverloadPolicy::Drop);
        produced = policy == OverloadPolicy::Drop ? want : passed;
        m_produced.add(static_cast<std::uint64_t>(produced));
        m_dropped.add(static_cast<std::uint64_t>(produced - passed));
    }
    m_sequence += static_cast<std::uint64_t>(produced);
    if (produced > 0)
        m_batches.add(1);
    if (passed > 0)
        m_admittedTally.add(static_cast<std::uint64_t>(passed), createdNs);
    recordLag(m_pacing.dueSinceEpoch, produced, createdNs);
    // Busy from the clock read that made these events due (the limiter included) to here: one more read a batch.
    m_activity.leave(ThreadActivity::kOther, createdNs, nowNs());
    if (passed > 0) {
        if (m_round)
            m_round->add(batch.release(), batchBound(), nowNs());
        else
            m_emit(batch.release());
    }
    return {produced, passed};
}

void Producer::addHeld(std::int64_t ns)
{
    m_blockedNs.add(static_cast<std::uint64_t>(ns));
    // Held in a pacer round, it holds the round: every producer paced together waits with it.
    if (m_round)
        m_context.pacedHeldNs.add(static_cast<std::uint64_t>(ns));
}

void Producer::holdBack(std::int64_t room, std::int64_t bound)
{
    // Held back: wait until the limiter has room for `room` events (half a batch: a saturated producer does not
    // degrade into tiny batches). Yield first (room is often microseconds away), then sleep on the limiter.
    Limiter &limiter = *m_context.limiter;
    std::int64_t blockedFrom = nowNs();
    for (int spin = 0; spin < 8 && limiter.room() < room && !m_stop.load(std::memory_order_relaxed); ++spin)
        std::this_thread::yield();
    while (limiter.room() < room && !m_stop.load(std::memory_order_relaxed)
        && !m_context.paused.load(std::memory_order_relaxed)
        && m_context.overload.load(std::memory_order_relaxed) == OverloadPolicy::Backpressure
        && batchBound() == bound) {
        limiter.waitForRoom(room, std::chrono::milliseconds(1));
        // Count held-back time as it accrues, so a sampler sees it in the interval it happened.
        const std::int64_t nowBlocked = nowNs();
        addHeld(nowBlocked - blockedFrom);
        blockedFrom = nowBlocked;
    }
    addHeld(nowNs() - blockedFrom);
}

} // namespace beam
