// SPDX-License-Identifier: MIT
#include "core/engine.h"

#include "core/consumer.h"
#include "core/enginecontext.h"
#include "core/graphrunner.h"
#include "core/pacer.h"
#include "core/producer.h"
#include "core/router.h"
#include "core/sampler.h"
#include "core/supervision.h"
#include "core/threadactivity.h"
#include "core/watchdog.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/version.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>
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

struct Engine::Impl {
    explicit Impl(const PipelineConfig &initial)
        : config(initial)
        , context(initial)
        , runner(static_cast<int>(tbb::info::default_concurrency()), [this] { return context.eventsNeedNoCpu(); })
    { }

    void ensureConsumers(int count);
    void setProducerCount(int count);
    std::int64_t startNs = 0; ///< when start() began the run (event times count from here)
    /// Tells the producers past `count` to stop and takes them out of `running`; join them with joinAll().
    std::vector<Producer *> stopProducersPast(int count);
    static void joinAll(const std::vector<Producer *> &leaving);

    // Members are declared in the order they depend on each other and destroyed in reverse: whatever uses
    // another member is declared after it. Producers and the sampler come last (see there).
    // Guarded by `mutex`: configuration, producers, lifecycle.
    mutable std::mutex mutex;
    PipelineConfig config;
    std::atomic<EngineState> state{EngineState::Idle};
    std::atomic<bool> stopNowRequested{false}; ///< requestStopNow(): a drain gives up waiting

    EngineContext context;
    GraphRunner runner; ///< declared before the graph: the graph uses its arena and context until destroyed
    std::unique_ptr<tbb::flow::graph> graph;
    // The graph's nodes (docs/event-lifecycle.md): producers offer each event to the limiter and put the batch of
    // those it let through into the router, which partitions it over the consumers; whatever ends an event gives
    // it back to the limiter. Declared after the graph, so they go before it.
    std::unique_ptr<Limiter> limiter;
    std::array<std::unique_ptr<Consumer>, Router::kMaxConsumers> consumers;
    std::atomic<int> createdConsumers{0};
    std::unique_ptr<Router> router;
    std::unique_ptr<Supervision> supervision;

    // Declared last but one so they are destroyed first: a producer's destructor stops it (requestStop() wakes the
    // context's limiter) and its emit callback uses the runner and, through it, the graph, so every producer must
    // be gone before the context, the runner, the graph and the router are.
    std::vector<std::unique_ptr<Producer>> producers; ///< every producer ever started (their counts stay)
    std::vector<Producer *> running; ///< the producers running now, guarded by `mutex`
    /// Paces the running producers together under a pacing budget; declared after them so it stops first.
    Pacer pacer{context, [this](Batch *batch) { runner.submit(batch); }};

    /// Runs the hang watchdog over the consumers; declared after them and the supervision tree, so its thread is
    /// stopped before they go.
    std::unique_ptr<Watchdog> watchdog;
    std::shared_ptr<FlightRecorder> recorder; ///< keeps every snapshot (the sampler adds them)
    /// Reads everything above; declared after it all, so its thread is stopped before any of it goes.
    Sampler sampler{{mutex, config, state, producers, running, context, runner, consumers, createdConsumers, router,
        supervision, pacer}};
};

void Engine::Impl::ensureConsumers(int count)
{
    for (int i = createdConsumers.load(); i < count; ++i) {
        consumers[static_cast<std::size_t>(i)] = std::make_unique<Consumer>(*graph, i, context);
    }
    if (count > createdConsumers.load())
        createdConsumers.store(count, std::memory_order_release);
}

void Engine::Impl::setProducerCount(int count)
{
    // Before any starts: each places its batches by how many run. Producers leave from the back, so a running
    // producer's position never changes.
    context.producersRunning.store(count, std::memory_order_relaxed);
    while (static_cast<int>(running.size()) < count) {
        const int index = static_cast<int>(producers.size());
        const int position = static_cast<int>(running.size());
        producers.push_back(
            std::make_unique<Producer>(index, position, context, [this](Batch *batch) { runner.submit(batch); }));
        running.push_back(producers.back().get());
        running.back()->start();
    }
    const auto leaving = stopProducersPast(count);
    pacer.setProducers(running);
    context.pacingChanged();
    joinAll(leaving);
}

std::vector<Producer *> Engine::Impl::stopProducersPast(int count)
{
    // Every producer that goes is told first and joined after: joined one by one, a producer running a batch
    // inline (a consumer's queue forwarded from task to task) could wait for the queue to empty while the next
    // producer, not yet told, kept filling it.
    std::vector<Producer *> leaving;
    while (static_cast<int>(running.size()) > count) {
        leaving.push_back(running.back());
        running.pop_back();
    }
    for (Producer *p : leaving)
        p->requestStop();
    return leaving;
}

void Engine::Impl::joinAll(const std::vector<Producer *> &leaving)
{
    for (Producer *p : leaving)
        p->join();
}

Engine::Engine(const PipelineConfig &config)
    : d(std::make_unique<Impl>(config))
{
    setRecorder(std::make_shared<FlightRecorder>());
}

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
    d->sampler.setInterval(d->config.intervalMs);
    d->context.runner = &d->runner;
    d->runner.arena().execute(
        [this] { d->graph = std::make_unique<tbb::flow::graph>(d->runner.concurrentWaitContext()); });
    d->router = std::make_unique<Router>(*d->graph, d->consumers, d->context);
    d->limiter = std::make_unique<Limiter>(*d->graph, EngineContext::thresholdFor(d->config));
    d->context.limiter = d->limiter.get();
    d->ensureConsumers(d->config.consumers);
    d->router->setConsumerCount(d->config.consumers);

    const std::int64_t startNs = nowNs();
    d->startNs = startNs;
    d->context.startNs = startNs;
    d->supervision = std::make_unique<Supervision>(d->context, d->consumers, d->config, startNs);
    d->context.observer = d->supervision.get();
    d->sampler.begin(startNs);
    d->state = EngineState::Running;
    d->runner.start(*d->graph, d->router->input()); // producers' batches enter at the router
    d->setProducerCount(d->config.producers);
    d->pacer.start();
    d->watchdog = std::make_unique<Watchdog>(*d->supervision, d->context, d->createdConsumers);
    d->watchdog->start();
    d->sampler.start();
    return {};
}

void Engine::pause()
{
    std::lock_guard lock(d->mutex);
    if (d->state.load() != EngineState::Running)
        return;
    d->context.paused = true;
    d->state = EngineState::Paused;
    d->context.pacingChanged();
}

void Engine::resume()
{
    std::lock_guard lock(d->mutex);
    if (d->state.load() != EngineState::Paused)
        return;
    d->context.paused = false;
    d->state = EngineState::Running;
    d->context.pacingChanged();
    d->sampler.wake();
}

void Engine::stop(StopMode mode, std::chrono::milliseconds drainTimeout)
{
    // The producers first: told to stop and joined before the drain check, so none can admit an event after
    // it looked. A producer running the graph inline returns within its round's time budget.
    std::vector<Producer *> leaving;
    {
        std::lock_guard lock(d->mutex);
        const auto current = d->state.load();
        if (current == EngineState::Idle || current == EngineState::Stopped)
            return;
        d->state = EngineState::Draining;
        leaving = d->stopProducersPast(0);
    }
    d->pacer.stop(); // after the producers are told (a round held back by the limiter ends), before the drain
    Impl::joinAll(leaving);

    const auto waitForEmpty = [this](std::chrono::steady_clock::time_point deadline, bool interruptible) {
        while (d->limiter->inFlight() > 0 && std::chrono::steady_clock::now() < deadline
            && !(interruptible && d->stopNowRequested.load()))
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        return d->limiter->inFlight() == 0;
    };
    // A pipeline whose supervisor gave up has consumers that will not run again: nothing would drain.
    const bool canDrain = mode == StopMode::Drain && !d->supervision->gaveUp();
    const bool drained = canDrain && waitForEmpty(std::chrono::steady_clock::now() + drainTimeout, true);
    if (!drained) {
        // Stop now: consumers release everything they hold, counted as abandoned; timers fire at once.
        d->context.abandon = true;
        d->context.timers.flush();
        for (int i = 0; i < d->createdConsumers.load(); ++i)
            d->consumers[static_cast<std::size_t>(i)]->poke();
        // Releasing is immediate; what is still in flight after this is lost, and the final snapshot says so.
        waitForEmpty(std::chrono::steady_clock::now() + std::chrono::seconds(5), false);
    }
    // The rest of the stop order (docs/engine-lifetime.md): nothing outside the graph may put into it any
    // more, then the graph runs out, then its threads stop. Its last wait is then really the last: no task is
    // left for ~graph() to run after the consumers are destroyed.
    d->watchdog->stop(); // it signals consumers
    d->sampler.stop();
    // Pending timers (I/O resumes, delayed restarts) still reach the running graph.
    d->context.timers.flush();
    d->context.gate.close(); // from here on, every put from outside the graph is refused
    d->context.timers.shutdown(); // runs what the flush left, joins the timer thread; later timers are dropped
    d->runner.stop(); // each thread finishes its wait first
    d->runner.runUntilIdle(); // whatever the threads left: the last tasks this graph runs
    d->state = EngineState::Stopped;
    d->sampler.sample();
}

void Engine::requestStopNow()
{
    d->stopNowRequested = true;
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
    if (current != EngineState::Idle) {
        if (auto change = describeChange(d->config, config); !change.empty()) {
            d->context.events.append({0, static_cast<double>(nowNs() - d->startNs) / 1e9,
                EngineEvent::Kind::Configuration, -1, std::move(change)});
        }
    }
    d->config = config;
    d->sampler.setInterval(config.intervalMs);
    if (current == EngineState::Idle || current == EngineState::Stopped || current == EngineState::Draining)
        return {};

    d->context.apply(config);
    d->context.pacingChanged();
    d->sampler.wake();
    {
        // A new threshold must not race a producer's offer or a consumer's release.
        const LedgerLock::Cut cut(d->context.ledger);
        d->limiter->setThreshold(EngineContext::thresholdFor(config));
    }
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

void Engine::setRateWindow(double seconds)
{
    d->sampler.setWindow(seconds);
}

std::shared_ptr<const Snapshot> Engine::latest() const
{
    return d->sampler.latest();
}

std::vector<std::shared_ptr<const Snapshot>> Engine::history() const
{
    return d->sampler.history();
}

std::shared_ptr<const Snapshot> Engine::sampleNow()
{
    if (d->state.load() == EngineState::Idle)
        return nullptr;
    return d->sampler.sample();
}

Histogram Engine::latencyHistogram() const
{
    Histogram histogram;
    const int created = d->createdConsumers.load(std::memory_order_acquire);
    for (int i = 0; i < created; ++i)
        d->consumers[static_cast<std::size_t>(i)]->latency().addTo(histogram);
    return histogram;
}

Histogram Engine::pacingLagHistogram() const
{
    Histogram histogram;
    const std::lock_guard lock(d->mutex);
    for (const auto &producer : d->producers)
        producer->pacingLag().addTo(histogram);
    return histogram;
}

std::uint64_t Engine::pacerRounds() const
{
    return d->pacer.rounds();
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
        return "safety cap reached: " + std::to_string(d->limiter->inFlight())
            + " events in flight under the unbounded policy (cap " + std::to_string(d->context.safetyCap.load())
            + "); producers stopped before memory ran out";
    }
    return {};
}

double Engine::elapsedS() const
{
    return d->startNs == 0 ? 0.0 : static_cast<double>(nowNs() - d->startNs) / 1e9;
}

std::shared_ptr<FlightRecorder> Engine::recorder() const
{
    return d->recorder;
}

void Engine::setRecorder(std::shared_ptr<FlightRecorder> recorder)
{
    d->recorder = recorder;
    d->sampler.setRecorder(std::move(recorder));
}

void Engine::setOutcomeSink(OutcomeSink *sink)
{
    d->context.sink = sink;
}

void Engine::setFaultHook(std::function<void(FaultSite)> hook)
{
    d->context.faultHook = std::move(hook);
}

std::function<void(FaultSite)> Engine::testFaultHook(const char *value)
{
    if (!value)
        return {};
    const std::string_view name(value);
    FaultSite site = FaultSite::ProducerLoop;
    if (name == "producer")
        site = FaultSite::ProducerLoop;
    else if (name == "timer")
        site = FaultSite::TimerCallback;
    else if (name == "consumer")
        site = FaultSite::ConsumerBody;
    else if (name == "sampler")
        site = FaultSite::SamplerLoop;
    else
        return {};
    auto thrown = std::make_shared<std::atomic<bool>>(false);
    return [site, thrown](FaultSite at) {
        if (at == site && !thrown->exchange(true))
            throw std::runtime_error("BEAM_TEST_FAULT: thrown once by the test hook");
    };
}

std::string Engine::failure() const
{
    return d->context.firstFailure();
}

} // namespace beam
