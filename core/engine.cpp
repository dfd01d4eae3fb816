// SPDX-License-Identifier: MIT
#include "core/engine.h"

#include "core/consumer.h"
#include "core/enginecontext.h"
#include "core/executor.h"
#include "core/processstats.h"
#include "core/producer.h"
#include "core/router.h"
#include "core/supervision.h"
#include "core/threadactivity.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/version.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace beam {

std::string_view toString(EngineState state)
{
    switch (state) {
    case EngineState::Idle:
        return "idle";
    case EngineState::Running:
        return "running";
    case EngineState::Paused:
        return "paused";
    case EngineState::Draining:
        return "draining";
    case EngineState::Stopped:
        return "stopped";
    }
    return "idle";
}

std::string oneTbbVersion()
{
    return TBB_runtime_version();
}

namespace {

constexpr std::size_t kHistoryCapacity = 6000; // ten minutes at the default 100 ms
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

struct Engine::Impl {
    explicit Impl(const PipelineConfig &initial)
        : config(initial)
        , context(initial)
        , executor(static_cast<int>(tbb::info::default_concurrency()))
    { }

    void ensureConsumers(int count);
    void setProducerCount(int count);
    std::shared_ptr<const Snapshot> sample();
    void samplerLoop();
    void stopSampler();

    // Members are declared in the order they depend on each other and destroyed in reverse: whatever uses
    // another member is declared after it. Producers come last (see there).
    // Guarded by `mutex`: configuration, producers, lifecycle.
    mutable std::mutex mutex;
    PipelineConfig config;
    std::atomic<EngineState> state{EngineState::Idle};

    EngineContext context;
    Executor executor; ///< declared before the graph: the graph uses its arena and context until destroyed
    std::unique_ptr<tbb::flow::graph> graph;
    std::array<std::unique_ptr<Consumer>, Router::kMaxConsumers> consumers;
    std::atomic<int> createdConsumers{0};
    std::unique_ptr<Router> router;
    std::unique_ptr<Supervision> supervision;

    // Sampler.
    std::thread samplerThread;
    std::mutex samplerMutex;
    std::condition_variable samplerWake;
    bool samplerStop = false;
    std::atomic<int> intervalMs{100};

    std::mutex sampleMutex; ///< one sample at a time (sampler thread or sampleNow)
    std::int64_t startNs = 0;
    std::uint64_t sequence = 0;
    struct Previous {
        std::int64_t ns = 0;
        std::int64_t cpuNs = 0;
        std::uint64_t produced = 0;
        std::uint64_t processed = 0;
        std::uint64_t failed = 0;
        std::uint64_t dropped = 0;
        std::uint64_t inFlightArea = 0; ///< event·ns, modulo 2^64
        Histogram latency;
        std::vector<std::uint64_t> consumerProcessed = std::vector<std::uint64_t>(Router::kMaxConsumers, 0);
        std::vector<std::uint64_t> consumerBusy = std::vector<std::uint64_t>(Router::kMaxConsumers, 0);
        std::vector<std::uint64_t> consumerIoWait = std::vector<std::uint64_t>(Router::kMaxConsumers, 0);
        std::vector<Producer::Counters> producerCounters;
        std::vector<std::uint64_t> executorBusy;
        std::vector<std::uint64_t> producerBusy; ///< by producer index
    } previous;

    mutable std::mutex historyMutex;
    std::deque<std::shared_ptr<const Snapshot>> history;
    std::shared_ptr<const Snapshot> latest;

    // Declared last so they are destroyed first: a producer's destructor stops it (requestStop() wakes the
    // context's admission) and its emit callback uses the router and the executor, so every producer must be
    // gone before the context, the executor, the graph and the router are.
    std::vector<std::unique_ptr<Producer>> producers; ///< every producer ever started (their counts stay)
    std::vector<Producer *> running; ///< the producers running now, guarded by `mutex`
};

void Engine::Impl::ensureConsumers(int count)
{
    for (int i = createdConsumers.load(); i < count; ++i)
        consumers[static_cast<std::size_t>(i)] = std::make_unique<Consumer>(*graph, i, context);
    if (count > createdConsumers.load())
        createdConsumers.store(count, std::memory_order_release);
}

void Engine::Impl::setProducerCount(int count)
{
    while (static_cast<int>(running.size()) < count) {
        const int index = static_cast<int>(producers.size());
        producers.push_back(std::make_unique<Producer>(index, context, [this](Batch *batch) {
            router->input().try_put(batch);
            // An idle graph and an event with no CPU work: run it here, in microseconds, rather than wake
            // another core (tens of microseconds on a virtual machine). Otherwise hand it over.
            if (!(executor.idle() && context.workUs.load(std::memory_order_relaxed) == 0 && executor.tryRunHere()))
                executor.notify();
        }));
        running.push_back(producers.back().get());
        running.back()->start();
    }
    while (static_cast<int>(running.size()) > count) {
        Producer *last = running.back();
        running.pop_back();
        last->requestStop();
        last->join();
    }
}

std::shared_ptr<const Snapshot> Engine::Impl::sample()
{
    std::lock_guard sampling(sampleMutex);
    auto snapshot = std::make_shared<Snapshot>();
    Snapshot &s = *snapshot;
    const std::int64_t now = nowNs();
    const double dt = std::max(1e-9, static_cast<double>(now - previous.ns) / 1e9);
    std::uint64_t inFlightArea = 0; // admitted minus finished, integrated over time up to `now`

    // Executor threads first, then producer threads.
    previous.executorBusy.resize(static_cast<std::size_t>(executor.threadCount()));
    for (int i = 0; i < executor.threadCount(); ++i) {
        s.threads.push_back(sampleThread(executor.activity(i), "executor " + std::to_string(i),
            ThreadSample::Kind::Executor, previous.executorBusy[static_cast<std::size_t>(i)], now, dt, startNs));
    }

    {
        std::lock_guard lock(mutex);
        s.config = config;
        s.state = state.load();
        // Order matters: producers (produced, then dropped), then in flight, then consumers. Each event counted
        // as produced is then already in flight or finished, so `lost` can only come out too low, never too high.
        previous.producerCounters.resize(producers.size());
        for (const auto &producer : producers) {
            const auto c = producer->counters();
            s.produced += c.produced;
            s.dropped += c.dropped;
            const auto before = previous.producerCounters[static_cast<std::size_t>(producer->index())];
            if (std::find(running.begin(), running.end(), producer.get()) != running.end()) {
                ProducerSample p;
                p.index = producer->index();
                p.produced = c.produced;
                p.dropped = c.dropped;
                p.offeredPerSec = static_cast<double>(c.offered - before.offered) / dt;
                p.achievedPerSec = static_cast<double>(c.produced - before.produced) / dt;
                p.backpressureRatio
                    = std::clamp(static_cast<double>(c.blockedNs - before.blockedNs) / 1e9 / dt, 0.0, 1.0);
                s.producers.push_back(p);
            }
            previous.producerCounters[static_cast<std::size_t>(producer->index())] = c;
            inFlightArea += producer->admittedTally().areaAt(now);
        }
        previous.producerBusy.resize(producers.size());
        for (const auto &producer : producers) {
            s.threads.push_back(sampleThread(producer->activity(), "producer " + std::to_string(producer->index()),
                ThreadSample::Kind::Producer, previous.producerBusy[static_cast<std::size_t>(producer->index())], now,
                dt, startNs));
        }
    }
    s.inFlight = context.admission.inFlight();

    Histogram cumulative;
    Histogram recovery;
    const int created = createdConsumers.load(std::memory_order_acquire);
    const int active = router ? router->consumerCount() : 0;
    for (int i = 0; i < created; ++i) {
        const Consumer &consumer = *consumers[static_cast<std::size_t>(i)];
        const auto c = consumer.counters();
        s.processed += c.processed;
        s.failed += c.failed;
        s.retried += c.retried;
        s.deadLettered += c.deadLettered;
        s.abandoned += c.abandoned;
        inFlightArea -= consumer.finishedTally().areaAt(now);
        consumer.latency().addTo(cumulative);
        ConsumerSample cs;
        cs.index = i;
        cs.active = i < active;
        cs.processed = c.processed;
        cs.failed = c.failed;
        cs.deadLettered = c.deadLettered;
        cs.queueDepth = c.queueDepth;
        cs.processedPerSec
            = static_cast<double>(c.processed - previous.consumerProcessed[static_cast<std::size_t>(i)]) / dt;
        cs.restarts = c.restarts;
        for (auto n : c.crashes)
            cs.crashes += n;
        s.restarts += c.restarts;
        s.redelivered += c.redelivered;
        s.crashesRandom += c.crashes[static_cast<std::size_t>(CrashCause::Random)];
        s.crashesKilled += c.crashes[static_cast<std::size_t>(CrashCause::Killed)];
        s.crashesHang += c.crashes[static_cast<std::size_t>(CrashCause::Hang)];
        consumer.recovery().addTo(recovery);
        switch (consumer.state()) {
        case Consumer::State::Running:
            cs.state = "running";
            break;
        case Consumer::State::Hung:
            cs.state = "hung";
            break;
        case Consumer::State::Down:
            cs.state = "down";
            break;
        }
        cs.busyRatio = std::clamp(
            static_cast<double>(c.busyNs - previous.consumerBusy[static_cast<std::size_t>(i)]) / 1e9 / dt, 0.0, 1.0);
        previous.consumerProcessed[static_cast<std::size_t>(i)] = c.processed;
        previous.consumerBusy[static_cast<std::size_t>(i)] = c.busyNs;
        cs.ioWaitRatio = std::clamp(
            static_cast<double>(c.ioWaitNs - previous.consumerIoWait[static_cast<std::size_t>(i)]) / 1e9 / dt, 0.0,
            1.0);
        previous.consumerIoWait[static_cast<std::size_t>(i)] = c.ioWaitNs;
        if (cs.active || cs.queueDepth > 0)
            s.consumers.push_back(cs);
    }

    s.lost = static_cast<std::int64_t>(s.produced - s.dropped) - s.inFlight
        - static_cast<std::int64_t>(s.processed + s.deadLettered + s.abandoned);
    if (s.state != EngineState::Stopped)
        s.lost = std::max<std::int64_t>(0, s.lost); // while running, a negative value is only read skew
    s.limit = context.admission.limit();
    s.inFlightHigh = std::max(s.inFlight, context.admission.takeHighWater());
    s.maxInFlightObserved = context.admission.maxObserved();
    s.safetyCapHit = context.safetyCapHit.load();

    s.sequence = ++sequence;
    s.elapsedS = static_cast<double>(now - startNs) / 1e9;
    s.intervalS = dt;
    s.producedPerSec = static_cast<double>(s.produced - previous.produced) / dt;
    s.processedPerSec = static_cast<double>(s.processed - previous.processed) / dt;
    s.failedPerSec = static_cast<double>(s.failed - previous.failed) / dt;
    s.inFlightMean = static_cast<double>(static_cast<std::int64_t>(inFlightArea - previous.inFlightArea)) / 1e9 / dt;
    s.droppedPerSec = static_cast<double>(s.dropped - previous.dropped) / dt;
    double pressure = 0;
    for (const auto &p : s.producers)
        pressure += p.backpressureRatio;
    s.backpressureRatio = s.producers.empty() ? 0.0 : pressure / static_cast<double>(s.producers.size());

    s.recovery = summarise(recovery);
    if (supervision) {
        supervision->sample(s, now);
        if (s.state != EngineState::Stopped)
            supervision->watch(now, created);
    }
    s.interval = summarise(cumulative.since(previous.latency));
    s.cumulative = summarise(cumulative);

    const auto process = ProcessStats::read();
    s.cpuPercent = static_cast<double>(process.cpuNs - previous.cpuNs) / 1e9 / dt * 100.0;
    s.rssBytes = process.rssBytes;

    previous.ns = now;
    previous.cpuNs = process.cpuNs;
    previous.produced = s.produced;
    previous.processed = s.processed;
    previous.failed = s.failed;
    previous.dropped = s.dropped;
    previous.inFlightArea = inFlightArea;
    previous.latency = std::move(cumulative);

    // Only the newest snapshot in the history keeps the threads' recent slices (up to some 100 KB a thread): the
    // one it replaces is swapped for a copy without them. Whoever still holds the original keeps it whole.
    std::shared_ptr<Snapshot> lighter;
    if (latest) { // written only here, under sampleMutex
        const auto &threads = latest->threads;
        if (std::any_of(threads.begin(), threads.end(), [](const ThreadSample &t) { return !t.recent.empty(); })) {
            lighter = std::make_shared<Snapshot>(*latest);
            for (auto &t : lighter->threads)
                std::vector<ThreadSlice>().swap(t.recent);
        }
    }
    std::lock_guard lock(historyMutex);
    if (lighter && !history.empty() && history.back() == latest)
        history.back() = std::move(lighter);
    history.push_back(snapshot);
    while (history.size() > kHistoryCapacity)
        history.pop_front();
    latest = snapshot;
    return snapshot;
}

void Engine::Impl::samplerLoop()
{
    auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(intervalMs.load());
    std::unique_lock lock(samplerMutex);
    while (!samplerStop) {
        if (samplerWake.wait_until(lock, next, [this] { return samplerStop; }))
            break;
        lock.unlock();
        sample();
        lock.lock();
        const auto now = std::chrono::steady_clock::now();
        next += std::chrono::milliseconds(intervalMs.load());
        if (next < now)
            next = now + std::chrono::milliseconds(intervalMs.load());
    }
}

void Engine::Impl::stopSampler()
{
    {
        std::lock_guard lock(samplerMutex);
        samplerStop = true;
    }
    samplerWake.notify_all();
    if (samplerThread.joinable())
        samplerThread.join();
}

Engine::Engine(const PipelineConfig &config)
    : d(std::make_unique<Impl>(config))
{ }

Engine::~Engine()
{
    stop(StopMode::Now);
}

std::vector<ConfigError> Engine::start()
{
    std::lock_guard lock(d->mutex);
    auto errors = d->config.validate();
    if (d->state.load() != EngineState::Idle)
        errors.push_back({"state", "the engine was already started; create a new one to run again"});
    if (!errors.empty())
        return errors;

    d->context.seed = d->config.seed;
    d->context.apply(d->config);
    d->intervalMs = d->config.intervalMs;
    d->context.executor = &d->executor;
    d->executor.arena().execute(
        [this] { d->graph = std::make_unique<tbb::flow::graph>(d->executor.concurrentWaitContext()); });
    d->router = std::make_unique<Router>(*d->graph, d->consumers);
    d->ensureConsumers(d->config.consumers);
    d->router->setConsumerCount(d->config.consumers);

    d->startNs = nowNs();
    d->supervision = std::make_unique<Supervision>(d->context, d->consumers, d->config, d->startNs);
    d->context.observer = d->supervision.get();
    d->previous.ns = d->startNs;
    d->previous.cpuNs = ProcessStats::read().cpuNs;
    d->state = EngineState::Running;
    d->executor.start(*d->graph);
    d->setProducerCount(d->config.producers);
    d->samplerThread = std::thread([this] { d->samplerLoop(); });
    return {};
}

void Engine::pause()
{
    std::lock_guard lock(d->mutex);
    if (d->state.load() != EngineState::Running)
        return;
    d->context.paused = true;
    d->state = EngineState::Paused;
}

void Engine::resume()
{
    std::lock_guard lock(d->mutex);
    if (d->state.load() != EngineState::Paused)
        return;
    d->context.paused = false;
    d->state = EngineState::Running;
}

void Engine::stop(StopMode mode, std::chrono::milliseconds drainTimeout)
{
    {
        std::lock_guard lock(d->mutex);
        const auto current = d->state.load();
        if (current == EngineState::Idle || current == EngineState::Stopped)
            return;
        d->state = EngineState::Draining;
        d->setProducerCount(0);
    }

    const auto waitForEmpty = [this](std::chrono::steady_clock::time_point deadline) {
        while (d->context.admission.inFlight() > 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        return d->context.admission.inFlight() == 0;
    };
    // A pipeline whose supervisor gave up has consumers that will not run again: nothing would drain.
    const bool canDrain = mode == StopMode::Drain && !d->supervision->gaveUp();
    const bool drained = canDrain && waitForEmpty(std::chrono::steady_clock::now() + drainTimeout);
    if (!drained) {
        // Stop now: consumers release everything they hold, counted as abandoned; timers fire at once.
        d->context.abandon = true;
        d->context.timers.flush();
        for (int i = 0; i < d->createdConsumers.load(); ++i)
            d->consumers[static_cast<std::size_t>(i)]->poke();
        // Releasing is immediate; what is still in flight after this is lost, and the final snapshot says so.
        waitForEmpty(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    }
    // Timers (I/O resumes, delayed restarts) touch consumers and the executor: run out of them while both live.
    d->context.timers.flush();
    d->executor.stop();
    d->graph->wait_for_all();
    d->context.timers.flush();
    d->stopSampler();
    d->state = EngineState::Stopped;
    d->sample();
}

std::vector<ConfigError> Engine::reconfigure(const PipelineConfig &config)
{
    auto errors = config.validate();
    std::lock_guard lock(d->mutex);
    const auto current = d->state.load();
    if (config.seed != d->config.seed && current != EngineState::Idle)
        errors.push_back({"seed",
            "seed = " + std::to_string(config.seed) + " cannot change while running (it is "
                + std::to_string(d->config.seed) + " for this run)"});
    if (!errors.empty())
        return errors;

    if (config.overload != d->config.overload || config.safetyCap != d->config.safetyCap)
        d->context.safetyCapHit = false;
    d->config = config;
    d->intervalMs = config.intervalMs;
    if (current == EngineState::Idle || current == EngineState::Stopped || current == EngineState::Draining)
        return {};

    d->context.apply(config);
    // Consumers exist before anything can name them: a crash may reach the supervisor at any moment, and a
    // one_for_all, rest_for_one or escalating decision stops every child the supervisor counts.
    d->ensureConsumers(config.consumers);
    d->supervision->reconfigure(config);
    d->router->setConsumerCount(config.consumers);
    d->setProducerCount(config.producers);
    return {};
}

PipelineConfig Engine::config() const
{
    std::lock_guard lock(d->mutex);
    return d->config;
}

EngineState Engine::state() const
{
    return d->state.load();
}

std::shared_ptr<const Snapshot> Engine::latest() const
{
    std::lock_guard lock(d->historyMutex);
    return d->latest;
}

std::vector<std::shared_ptr<const Snapshot>> Engine::history() const
{
    std::lock_guard lock(d->historyMutex);
    return {d->history.begin(), d->history.end()};
}

std::shared_ptr<const Snapshot> Engine::sampleNow()
{
    if (d->state.load() == EngineState::Idle)
        return nullptr;
    return d->sample();
}

Histogram Engine::latencyHistogram() const
{
    Histogram histogram;
    const int created = d->createdConsumers.load(std::memory_order_acquire);
    for (int i = 0; i < created; ++i)
        d->consumers[static_cast<std::size_t>(i)]->latency().addTo(histogram);
    return histogram;
}

void Engine::killConsumer(int index)
{
    if (index >= 0 && index < d->createdConsumers.load() && d->state.load() != EngineState::Idle)
        d->consumers[static_cast<std::size_t>(index)]->kill();
}

void Engine::hangConsumer(int index)
{
    if (index >= 0 && index < d->createdConsumers.load() && d->state.load() != EngineState::Idle)
        d->consumers[static_cast<std::size_t>(index)]->hang();
}

bool Engine::gaveUp() const
{
    return d->supervision && d->supervision->gaveUp();
}

std::vector<DeadLetter> Engine::deadLetters() const
{
    return d->context.deadLetters.entries();
}

std::string Engine::notice() const
{
    if (gaveUp())
        return d->supervision->reason();
    if (d->context.safetyCapHit.load()) {
        return "safety cap reached: " + std::to_string(d->context.admission.inFlight())
            + " events in flight under the unbounded policy (cap " + std::to_string(d->context.safetyCap.load())
            + "); producers stopped before memory ran out";
    }
    return {};
}

void Engine::setOutcomeSink(OutcomeSink *sink)
{
    d->context.sink = sink;
}

} // namespace beam
