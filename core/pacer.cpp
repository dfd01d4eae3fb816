// SPDX-License-Identifier: MIT
#include "core/pacer.h"

#include "core/producer.h"
#include "core/threadname.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace beam {

namespace {
constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();
/// Timer slack of the pacer's thread: the kernel may wake it this much late (it learns the lateness and asks
/// early, so this bounds the spread, not the mean).
constexpr std::int64_t kTimerSlackNs = 50'000;
/// The most it asks to wake early; and how soon it looks again at a producer held back or busy.
constexpr std::int64_t kMaxEarlyNs = 200'000;
constexpr std::int64_t kRetryNs = 100'000;
/// A round wakes this much inside the budget (at most half of it), and earlier still by the time its rounds take:
/// a late wake-up's lateness, and the time a round of many producers takes to reach its last one, stay in the
/// budget.
constexpr std::int64_t kMarginNs = 100'000;
/// A round also takes the events that fall due up to this much after the budget of its oldest ends: they would
/// otherwise wait a whole budget for the next round for want of a few microseconds (1,000 ev/s under a 1 ms budget
/// would wake for every event). Created early, they count how early as their pacing lag; the rate stays exact.
constexpr std::int64_t kLeadNs = 50'000;
/// The longest it sleeps without a look at its settings when nothing is due (every change also wakes it).
constexpr std::int64_t kMaxSleepNs = 1'000'000'000;
} // namespace

Pacer::Pacer(EngineContext &context, std::function<void(Batch *)> emit)
    : m_context(context)
    , m_producers(std::make_shared<const std::vector<Producer *>>())
    , m_round(std::move(emit))
{ }

Pacer::~Pacer()
{
    stop();
}

void Pacer::start()
{
    m_stop = false;
    m_activity.setLife(nowNs(), 0);
    m_thread = std::thread([this] {
        nameThisThread("beam-pacer");
        ThreadActivity::bind(&m_activity);
#ifdef __linux__
        prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(kTimerSlackNs), 0UL, 0UL, 0UL);
#endif
        m_earlyNs = kTimerSlackNs;
        // The thread's boundary: an exception ends the pacing (reported, never std::terminate); between rounds
        // it holds no event.
        try {
            loop();
        } catch (const std::exception &e) {
            m_context.threadFailed("pacer", e.what());
        } catch (...) {
            m_context.threadFailed("pacer", "an exception of unknown type");
        }
        ThreadActivity::bind(nullptr);
    });
}

void Pacer::stop()
{
    m_stop = true;
    m_context.pacingChanged();
    if (m_context.limiter)
        m_context.limiter->wakeAll();
    if (m_thread.joinable()) {
        m_thread.join();
        m_activity.setLife(m_activity.beganNs(), nowNs());
    }
}

void Pacer::setProducers(std::vector<Producer *> producers)
{
    const std::lock_guard lock(m_producersMutex);
    m_producers = std::make_shared<const std::vector<Producer *>>(std::move(producers));
}

void Pacer::loop()
{
    bool restart = true;
    while (!m_stop.load(std::memory_order_relaxed)) {
        if (!m_context.pacedTogether() || m_context.producersStand()) {
            m_context.waitForPacingChange(std::chrono::nanoseconds(kMaxSleepNs), [this] {
                return m_stop.load(std::memory_order_relaxed)
                    || (m_context.pacedTogether() && !m_context.producersStand());
            });
            restart = true; // after a pause or a hold, a new epoch: no stale events, no lag for the time parked
            continue;
        }
        const std::int64_t began = nowNs();
        const std::int64_t nextDue = round(restart);
        restart = false;
        m_rounds.fetch_add(1, std::memory_order_relaxed);
        m_roundNs += (nowNs() - began - m_roundNs) / 8;
        const std::int64_t budgetNs = std::int64_t{m_context.pacingUs.load(std::memory_order_relaxed)} * 1000;
        // Meant inside the budget, so that a wake-up that comes late, and the round's last producer, still keep
        // the oldest event's lag within it; what falls due by the end of that budget (and kLeadNs past it) goes
        // in the same round.
        const std::int64_t insideNs = std::min(budgetNs / 2, kMarginNs + m_roundNs);
        m_meantNs = nextDue == kNone ? 0 : nextDue + budgetNs - insideNs;
        m_leadNs = std::min(insideNs + kLeadNs, budgetNs);
        sleepUntil(nextDue == kNone ? nowNs() + kMaxSleepNs : m_meantNs);
    }
}

std::int64_t Pacer::round(bool restart)
{
    std::shared_ptr<const std::vector<Producer *>> producers;
    {
        const std::lock_guard lock(m_producersMutex);
        producers = m_producers;
    }
    std::int64_t next = kNone;
    const std::size_t n = producers->size();
    for (std::size_t i = 0; i < n && !m_stop.load(std::memory_order_relaxed); ++i) {
        // Paced by the time the wake-up meant (and the lead past it) when it came early, at most kMaxEarlyNs
        // ahead: what falls due by then goes now, so a wake-up asked early does not leave its last event for the
        // next.
        const std::int64_t now = nowNs();
        const std::int64_t at = std::clamp(m_meantNs + m_leadNs, now, now + kMaxEarlyNs);
        next = std::min(next, (*producers)[(m_first + i) % n]->paceTogether(now, at, kRetryNs, m_round, restart));
    }
    m_round.flush(); // after every producer made its events, so none waits for another's graph work
    m_first = n == 0 ? 0 : (m_first + 1) % n;
    return next;
}

void Pacer::sleepUntil(std::int64_t wakeNs)
{
    const std::int64_t now = nowNs();
    // Asked early by the mean lateness and twice its spread, so that a late wake-up still comes by the time
    // meant: the budget bounds the pacing lag's tail, not its mean.
    const std::int64_t earlyNs = std::min(m_earlyNs + 2 * m_lateSpreadNs, kMaxEarlyNs);
    const std::int64_t askNs = std::min(wakeNs - earlyNs, now + kMaxSleepNs);
    if (askNs <= now)
        return;
    m_context.waitForPacingChange(
        std::chrono::nanoseconds(askNs - now), [this] { return m_stop.load(std::memory_order_relaxed); });
    // A wake-up at or after the time asked for is a timed one (a change of settings comes early): learn from it.
    if (const std::int64_t woke = nowNs(); woke >= askNs && askNs < wakeNs) {
        const std::int64_t late = woke - askNs;
        m_lateSpreadNs = std::clamp<std::int64_t>(
            m_lateSpreadNs + (std::abs(late - m_earlyNs) - m_lateSpreadNs) / 8, 0, kMaxEarlyNs);
        m_earlyNs = std::clamp<std::int64_t>(m_earlyNs + (late - m_earlyNs) / 8, 0, kMaxEarlyNs);
    }
}

} // namespace beam
