// SPDX-License-Identifier: MIT
#include "core/sampler.h"
#include "core/threadname.h"

#include "core/consumer.h"
#include "core/enginecontext.h"
#include "core/graphrunner.h"
#include "core/processstats.h"
#include "core/supervision.h"
#include "core/threadactivity.h"

#include <algorithm>
#include <chrono>

namespace beam {

namespace {

// The history serves readers of the last second or two (recent rates, Little's law and its trend, the console's
// back-pressure over a second). It used to keep ten minutes: 6,000 snapshots of up to some 30 KB each with 256
// consumers, so a run's memory grew for its first ten minutes (the soak test saw +28 MB at 60x speed). Now it
// keeps the last kHistoryS seconds, and never more than kHistoryCapacity snapshots (5 s at the 10 ms interval).
constexpr double kHistoryS = 5.0;
constexpr std::size_t kHistoryCapacity = 500;
constexpr std::int64_t kRecentSlicesNs = 1'500'000'000; // what ThreadSample::recent covers
/// One thread's sample: busy share over the interval (from `previousBusy`, updated) and its life, and its recent
/// slices in seconds since `startNs`.
ThreadSample sampleThread(const ThreadActivity &activity, std::string name, ThreadSample::Kind kind,
    std::uint64_t &previousBusy, std::int64_t now, double dt, std::int64_t startNs)
{
    ThreadSample t;
    t.name = std::move(name);
    t.kind = kind;
    // A body running when the previous sample read it may end a hair before that read's clock: never go back.
    const std::uint64_t busy = std::max(activity.busyNs(), previousBusy);
    t.utilisation = std::clamp(static_cast<double>(busy - previousBusy) / 1e9 / dt, 0.0, 1.0);
    previousBusy = busy;
    const std::int64_t ended = activity.endedNs();
    t.running = ended == 0;
    const std::int64_t life = (ended != 0 ? ended : now) - activity.beganNs();
    t.utilisationRun = life > 0 ? std::clamp(static_cast<double>(busy) / static_cast<double>(life), 0.0, 1.0) : 0.0;
    const auto seconds = [startNs](std::int64_t ns) { return static_cast<double>(ns - startNs) / 1e9; };
    const auto slices = activity.slices(now - kRecentSlicesNs);
    t.recent.reserve(slices.size());
    for (const auto &slice : slices)
        t.recent.push_back({seconds(slice.startNs), seconds(slice.endNs), slice.consumer});
    return t;
}

/// b - a for two readings of a cumulative count; a count that went back (a counter made anew) counts from 0.
std::uint64_t since(std::uint64_t now, std::uint64_t before)
{
    return now >= before ? now - before : now;
}

double ratio(std::uint64_t ns, double seconds)
{
    return std::clamp(static_cast<double>(ns) / 1e9 / seconds, 0.0, 1.0);
}

const char *stateName(Consumer::State state)
{
    switch (state) {
    case Consumer::State::Running:
        return "running";
    case Consumer::State::Hung:
        return "hung";
    case Consumer::State::Down:
        return "down";
    }
    return "running";
}

LatencySummary summarise(const Histogram &histogram)
{
    const auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
    LatencySummary summary;
    summary.count = histogram.count();
    summary.p50 = us(histogram.quantile(0.50));
    summary.p90 = us(histogram.quantile(0.90));
    summary.p99 = us(histogram.quantile(0.99));
    summary.p999 = us(histogram.quantile(0.999));
    summary.max = us(histogram.max());
    summary.mean = histogram.mean() / 1000.0;
    return summary;
}

} // namespace

Sampler::Sampler(const Sources &sources)
    : m_sources(sources)
{ }

Sampler::~Sampler()
{
    stop();
}

void Sampler::begin(std::int64_t startNs)
{
    // No lock: nothing samples yet (the thread starts later and sampleNow() refuses an idle engine), and
    // m_sampleMutex here, under the engine's mutex, would order the two mutexes against sample(), which takes
    // the engine's mutex under m_sampleMutex (ThreadSanitizer: lock-order-inversion).
    m_startNs = startNs;
    m_previous.ns = startNs;
    m_previous.cpuNs = ProcessStats::read().cpuNs;
    m_latencyMerged = kNeverMerged; // the first sample merges whatever the recorders hold
    m_lagMerged = kNeverMerged;
    m_marks.assign(1, m_previous);
}

void Sampler::start()
{
    {
        std::lock_guard lock(m_threadMutex);
        m_stop = false;
    }
    m_thread = std::thread([this] {
        nameThisThread("beam-sampler");
        loop();
    });
}

std::shared_ptr<const Snapshot> Sampler::latest() const
{
    std::lock_guard lock(m_historyMutex);
    return m_latest;
}

std::vector<std::shared_ptr<const Snapshot>> Sampler::history() const
{
    std::lock_guard lock(m_historyMutex);
    return {m_history.begin(), m_history.end()};
}

Sampler::Ledger Sampler::readLedger(int created)
{
    // One cut: no producer, consumer or router is halfway through an entry (LedgerLock), so the counts agree.
    Ledger ledger;
    const LedgerLock::Cut cut(m_sources.context.ledger);
    ledger.producers.reserve(m_sources.producers.size());
    for (const auto &producer : m_sources.producers)
        ledger.producers.push_back(producer->counters());
    ledger.consumers.reserve(static_cast<std::size_t>(created));
    for (int i = 0; i < created; ++i)
        ledger.consumers.push_back(m_sources.consumers[static_cast<std::size_t>(i)]->counters());
    ledger.routerDeadLettered = m_sources.router ? m_sources.router->deadLettered() : 0;
    const Limiter *limiter = m_sources.context.limiter;
    if (limiter) {
        ledger.inFlight = limiter->inFlight();
        ledger.count = limiter->count();
        ledger.threshold = limiter->threshold();
    }
    return ledger;
}

void Sampler::sampleProducers(
    Snapshot &s, const Ledger &ledger, const Previous &w, double wdt, std::int64_t now, std::uint64_t &inFlightArea)
{
    m_previous.producerCounters.resize(m_sources.producers.size());
    const std::uint64_t pacedHeld = m_sources.context.pacedHeldNs.get();
    m_previous.pacedHeldNs = pacedHeld;
    for (std::size_t k = 0; k < m_sources.producers.size(); ++k) {
        const Producer &producer = *m_sources.producers[k];
        const auto &c = ledger.producers[k];
        s.produced += c.produced;
        s.dropped += c.dropped;
        const auto index = static_cast<std::size_t>(producer.index());
        const auto before = index < w.producerCounters.size() ? w.producerCounters[index] : Producer::Counters{};
        if (std::find(m_sources.running.begin(), m_sources.running.end(), &producer) != m_sources.running.end()) {
            ProducerSample p;
            p.index = producer.index();
            p.produced = c.produced;
            p.dropped = c.dropped;
            p.batches = c.batches;
            p.offeredPerSec = static_cast<double>(since(c.offered, before.offered)) / wdt;
            p.achievedPerSec = static_cast<double>(since(c.produced, before.produced)) / wdt;
            // Paced together, a producer is held whenever the pacer's round is (its own share is only the part
            // spent on its own refused events).
            p.backpressureRatio = std::max(ratio(since(c.blockedNs, before.blockedNs), wdt),
                m_sources.context.pacedTogether() ? ratio(since(pacedHeld, w.pacedHeldNs), wdt) : 0.0);
            s.producers.push_back(p);
        }
        m_previous.producerCounters[index] = c;
        inFlightArea += producer.admittedTally().areaAt(now);
    }
}

void Sampler::samplePacingLag(Snapshot &s, const Previous &w)
{
    std::uint64_t recorded = 0;
    for (const auto &producer : m_sources.producers)
        recorded += producer->pacingLag().total();
    Histogram lag;
    if (recorded == m_lagMerged) {
        lag = m_previous.pacingLag;
    } else {
        for (const auto &producer : m_sources.producers)
            producer->pacingLag().addTo(lag);
        m_lagMerged = recorded;
    }
    s.pacingLag = summarise(lag.since(w.pacingLag));
    s.pacingLagCumulative = summarise(lag);
    m_previous.pacingLag = std::move(lag);
}

void Sampler::sampleConsumers(Snapshot &s, const Ledger &ledger, const Previous &w, double wdt, std::int64_t now,
    std::uint64_t &inFlightArea, Histogram &recovery)
{
    const int active = m_sources.router ? m_sources.router->consumerCount() : 0;
    for (std::size_t i = 0; i < ledger.consumers.size(); ++i) {
        const Consumer &consumer = *m_sources.consumers[i];
        const auto &c = ledger.consumers[i];
        s.processed += c.processed;
        s.failed += c.failed;
        s.retried += c.retried;
        s.deadLettered += c.deadLettered;
        s.abandoned += c.abandoned;
        inFlightArea -= consumer.finishedTally().areaAt(now);
        ConsumerSample cs;
        cs.index = static_cast<int>(i);
        cs.active = static_cast<int>(i) < active;
        cs.processed = c.processed;
        cs.failed = c.failed;
        cs.deadLettered = c.deadLettered;
        cs.queueDepth = c.queueDepth;
        cs.processedPerSec = static_cast<double>(since(c.processed, w.consumerProcessed[i])) / wdt;
        cs.restarts = c.restarts;
        for (auto n : c.crashes)
            cs.crashes += n;
        cs.crashesInWindow = since(cs.crashes, w.consumerCrashes[i]);
        m_previous.consumerCrashes[i] = cs.crashes;
        s.restarts += c.restarts;
        s.redelivered += c.redelivered;
        s.crashesRandom += c.crashes[static_cast<std::size_t>(CrashCause::Random)];
        s.crashesKilled += c.crashes[static_cast<std::size_t>(CrashCause::Killed)];
        s.crashesHang += c.crashes[static_cast<std::size_t>(CrashCause::Hang)];
        s.crashesException += c.crashes[static_cast<std::size_t>(CrashCause::Exception)];
        s.exceptionsCaught += c.exceptions;
        consumer.recovery().addTo(recovery);
        cs.state = stateName(consumer.state());
        cs.busyRatio = ratio(since(c.busyNs, w.consumerBusy[i]), wdt);
        cs.ioWaitRatio = ratio(since(c.ioWaitNs, w.consumerIoWait[i]), wdt);
        m_previous.consumerProcessed[i] = c.processed;
        m_previous.consumerBusy[i] = c.busyNs;
        m_previous.consumerIoWait[i] = c.ioWaitNs;
        if (cs.active || cs.queueDepth > 0)
            s.consumers.push_back(cs);
    }
}

void Sampler::sampleLedger(Snapshot &s, const Ledger &ledger, std::int64_t now, std::uint64_t &inFlightArea)
{
    if (m_sources.router) {
        s.deadLettered += ledger.routerDeadLettered;
        s.exceptionsCaught += m_sources.router->exceptions();
        inFlightArea -= m_sources.router->finishedTally().areaAt(now);
    }
    s.inFlight = ledger.inFlight;
    // What the counts do not explain, never clamped: 0 unless an event vanished or was counted twice.
    s.lost = static_cast<std::int64_t>(s.produced - s.dropped) - s.inFlight
        - static_cast<std::int64_t>(s.processed + s.deadLettered + s.abandoned);
    s.limit = ledger.threshold;
    s.limiterCount = ledger.count;
    if (Limiter *limiter = m_sources.context.limiter) {
        s.limiterCountMax = limiter->countMax();
        s.limiterRefused = limiter->refused();
        s.inFlightHigh = std::max(s.inFlight, limiter->takeHighWater());
        s.maxInFlightObserved = std::max(s.inFlight, limiter->maxInFlight());
    }
    s.safetyCapHit = m_sources.context.safetyCapHit.load();
    s.exceptionsCaught += m_sources.runner.escapedExceptions();
    const GraphRunner::Counters handover = m_sources.runner.counters();
    s.handover = {handover.notified, handover.signalled, handover.wakeups, handover.pollHits, handover.sleeps,
        handover.inlineRuns, handover.inlineRefused, handover.fanOutWakes, handover.roundsCut, handover.sweeps,
        m_sources.runner.sleeping()};
}

void Sampler::sampleRates(
    Snapshot &s, const Previous &w, double dt, double wdt, std::uint64_t inFlightArea, std::int64_t windowNs)
{
    s.windowS = wdt;
    s.windowGoalS = static_cast<double>(windowNs) / 1e9;
    s.producedPerSec = static_cast<double>(since(s.produced, w.produced)) / wdt;
    s.processedPerSec = static_cast<double>(since(s.processed, w.processed)) / wdt;
    s.failedPerSec = static_cast<double>(since(s.failed, w.failed)) / wdt;
    s.droppedPerSec = static_cast<double>(since(s.dropped, w.dropped)) / wdt;
    s.deadLetteredPerSec = static_cast<double>(since(s.deadLettered, w.deadLettered)) / wdt;
    s.restartsPerSec = static_cast<double>(since(s.restarts, w.restarts)) / wdt;
    s.limiterRefusedPerSec = static_cast<double>(since(s.limiterRefused, w.limiterRefused)) / wdt;
    // The areas wrap modulo 2^64; their difference, read as signed, is the area of the stretch.
    s.inFlightMean = static_cast<double>(static_cast<std::int64_t>(inFlightArea - m_previous.inFlightArea)) / 1e9 / dt;
    s.inFlightMeanWindow = static_cast<double>(static_cast<std::int64_t>(inFlightArea - w.inFlightArea)) / 1e9 / wdt;
    double pressure = 0;
    for (const auto &p : s.producers)
        pressure += p.backpressureRatio;
    s.backpressureRatio = s.producers.empty() ? 0.0 : pressure / static_cast<double>(s.producers.size());
}

std::shared_ptr<const Snapshot> Sampler::sample()
{
    const std::lock_guard sampling(m_sampleMutex);
    auto snapshot = std::make_shared<Snapshot>();
    Snapshot &s = *snapshot;
    const std::int64_t now = nowNs();
    const double dt = std::max(1e-9, static_cast<double>(now - m_previous.ns) / 1e9);
    // The window starts at the newest sample at least one window old (or at the run's start).
    if (m_marks.empty())
        m_marks.push_back(m_previous);
    const std::int64_t windowNs = m_windowNs.load();
    while (m_marks.size() > 1 && m_marks[1].ns <= now - windowNs)
        m_marks.pop_front();
    const Previous &w = m_marks.front();
    const double wdt = std::max(1e-9, static_cast<double>(now - w.ns) / 1e9);
    std::uint64_t inFlightArea = 0; // admitted minus finished, integrated over time up to `now`

    // The latency histogram before the ledger: every event it counts was produced before the ledger is read, so
    // one snapshot never shows more latencies than events produced.
    // Merged anew only when some consumer recorded since the last merge (a paused or idle engine costs no merge).
    const int created = m_sources.createdConsumers.load(std::memory_order_acquire);
    std::uint64_t recorded = 0;
    for (int i = 0; i < created; ++i)
        recorded += m_sources.consumers[static_cast<std::size_t>(i)]->latency().total();
    Histogram cumulative;
    if (recorded == m_latencyMerged) {
        cumulative = m_previous.latency;
    } else {
        for (int i = 0; i < created; ++i)
            m_sources.consumers[static_cast<std::size_t>(i)]->latency().addTo(cumulative);
        m_latencyMerged = recorded;
    }
    sampleExecutorThreads(s, now, dt);

    Ledger ledger;
    {
        const std::lock_guard lock(m_sources.engineMutex);
        s.config = m_sources.config;
        s.state = m_sources.state.load();
        ledger = readLedger(created);
        sampleProducers(s, ledger, w, wdt, now, inFlightArea);
        sampleProducerThreads(s, now, dt);
    }
    Histogram recovery;
    sampleConsumers(s, ledger, w, wdt, now, inFlightArea, recovery);
    sampleLedger(s, ledger, now, inFlightArea);

    s.events = m_sources.context.events.since(m_lastEvent, Snapshot::kMaxEvents);
    if (!s.events.empty())
        m_lastEvent = s.events.back().sequence;
    s.sequence = ++m_sequence;
    s.elapsedS = static_cast<double>(now - m_startNs) / 1e9;
    s.intervalS = dt;
    sampleRates(s, w, dt, wdt, inFlightArea, windowNs);

    s.recovery = summarise(recovery);
    samplePacingLag(s, w);
    if (m_sources.supervision)
        m_sources.supervision->sample(s, now);
    s.interval = summarise(cumulative.since(m_previous.latency));
    s.window = summarise(cumulative.since(w.latency));
    s.cumulative = summarise(cumulative);
    s.latencyHistogram = std::make_shared<const Histogram>(cumulative);

    const auto process = ProcessStats::read();
    s.cpuPercent = static_cast<double>(process.cpuNs - m_previous.cpuNs) / 1e9 / dt * 100.0;
    s.rssBytes = process.rssBytes;
    m_idle.store(s.state == EngineState::Paused && s.inFlight == 0 && s.producedPerSec == 0 && s.processedPerSec == 0
            && s.failedPerSec == 0,
        std::memory_order_relaxed);
    remember(s, now, process.cpuNs, inFlightArea, std::move(cumulative));
    publish(snapshot);
    return snapshot;
}

void Sampler::sampleExecutorThreads(Snapshot &s, std::int64_t now, double dt)
{
    m_previous.executorBusy.resize(static_cast<std::size_t>(m_sources.runner.threadCount()));
    for (int i = 0; i < m_sources.runner.threadCount(); ++i) {
        s.threads.push_back(sampleThread(m_sources.runner.activity(i), "executor " + std::to_string(i),
            ThreadSample::Kind::Executor, m_previous.executorBusy[static_cast<std::size_t>(i)], now, dt, m_startNs));
    }
}

void Sampler::sampleProducerThreads(Snapshot &s, std::int64_t now, double dt)
{
    m_previous.producerBusy.resize(m_sources.producers.size());
    for (const auto &producer : m_sources.producers) {
        s.threads.push_back(sampleThread(producer->activity(), "producer " + std::to_string(producer->index()),
            ThreadSample::Kind::Producer, m_previous.producerBusy[static_cast<std::size_t>(producer->index())], now, dt,
            m_startNs));
    }
    // The pacing thread, while it paces (batched pacing): the graph work of the messages it hands over.
    if (m_sources.pacer.activity().beganNs() != 0 && m_sources.context.pacedTogether())
        s.threads.push_back(sampleThread(m_sources.pacer.activity(), "pacer", ThreadSample::Kind::Producer,
            m_previous.pacerBusy, now, dt, m_startNs));
}

void Sampler::remember(
    const Snapshot &s, std::int64_t now, std::int64_t cpuNs, std::uint64_t inFlightArea, Histogram cumulative)
{
    m_previous.ns = now;
    m_previous.cpuNs = cpuNs;
    m_previous.produced = s.produced;
    m_previous.processed = s.processed;
    m_previous.failed = s.failed;
    m_previous.dropped = s.dropped;
    m_previous.deadLettered = s.deadLettered;
    m_previous.restarts = s.restarts;
    m_previous.limiterRefused = s.limiterRefused;
    m_previous.inFlightArea = inFlightArea;
    m_previous.latency = std::move(cumulative);
    m_marks.push_back(m_previous);
}

void Sampler::publish(const std::shared_ptr<Snapshot> &snapshot)
{
    // Only the newest snapshot in the history keeps the threads' recent slices (up to some 200 KB a thread) and
    // the latency histogram (18 KB): once a newer one comes, it is swapped for its light twin, made here while
    // the snapshot is still this thread's alone. Whoever still holds the original keeps it whole. (The twin used
    // to be a copy of the whole published snapshot, slices and all, emptied after: 6 MB copied into fresh pages
    // every sample with 64 producers, and two thirds of the process's page faults.)
    Snapshot &s = *snapshot;
    if (m_recorder)
        m_recorder->add(s); // under m_sampleMutex: in the order taken
    std::vector<std::vector<ThreadSlice>> recent;
    recent.reserve(s.threads.size());
    for (auto &t : s.threads)
        recent.push_back(std::move(t.recent));
    auto histogram = std::move(s.latencyHistogram);
    auto light = std::make_shared<const Snapshot>(s);
    for (std::size_t i = 0; i < recent.size(); ++i)
        s.threads[i].recent = std::move(recent[i]);
    s.latencyHistogram = std::move(histogram);

    const std::lock_guard lock(m_historyMutex);
    if (m_latestLight && !m_history.empty() && m_history.back() == m_latest)
        m_history.back() = std::move(m_latestLight);
    m_history.push_back(snapshot);
    while (m_history.size() > kHistoryCapacity
        || (m_history.size() > 1 && m_history.front()->elapsedS < snapshot->elapsedS - kHistoryS))
        m_history.pop_front();
    m_latest = snapshot;
    m_latestLight = std::move(light);
}

void Sampler::loop()
{
    auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_intervalMs.load());
    std::unique_lock lock(m_threadMutex);
    while (!m_stop) {
        if (m_wake.wait_until(lock, next, [this] { return m_stop || m_poked; }) && m_stop)
            break;
        m_poked = false;
        lock.unlock();
        // The thread's boundary: a sample that throws is reported and the next one is taken on time.
        try {
            m_sources.context.atFaultSite(FaultSite::SamplerLoop);
            sample();
        } catch (const std::exception &e) {
            m_sources.context.threadFailed("sampler thread", e.what());
        } catch (...) {
            m_sources.context.threadFailed("sampler thread", "an exception of unknown type");
        }
        lock.lock();
        const auto now = std::chrono::steady_clock::now();
        next += std::chrono::milliseconds(m_intervalMs.load());
        if (next < now)
            next = now + std::chrono::milliseconds(m_intervalMs.load());
        // Paused with nothing left in its window: every snapshot would read the same, so fewer of them (a paused
        // engine's cost is mostly its sampler); wake() brings the rhythm back at once.
        if (m_idle.load(std::memory_order_relaxed))
            next = std::max(next, now + kIdleInterval);
    }
}

void Sampler::wake()
{
    {
        const std::lock_guard lock(m_threadMutex);
        m_poked = true;
    }
    m_wake.notify_all();
}

void Sampler::stop()
{
    {
        std::lock_guard lock(m_threadMutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace beam
