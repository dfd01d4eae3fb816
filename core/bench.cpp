// SPDX-License-Identifier: MIT
#include "core/bench.h"

#include "core/engine.h"
#include "core/enginecontext.h"
#include "core/processstats.h"
#include "core/random.h"
#include "core/router.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>

namespace beam {

namespace {

std::chrono::nanoseconds seconds(double s)
{
    return std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

} // namespace

namespace {

BenchRow median(std::vector<BenchRow> rows, MedianBy by = MedianBy::EventsPerSec)
{
    std::sort(rows.begin(), rows.end(), [by](const BenchRow &a, const BenchRow &b) {
        return by == MedianBy::Cpu ? a.cpuPercent < b.cpuPercent : a.eventsPerSec < b.eventsPerSec;
    });
    return rows[rows.size() / 2];
}

BenchRow benchEngineOnce(const PipelineConfig &config, const BenchOptions &options);
/// After the warm-up, how fast `total()` (a count of events) grows over the row's seconds, per second.
template <typename Total> double measureRate(Total &&total, const BenchOptions &options)
{
    std::this_thread::sleep_for(seconds(options.warmupSeconds));
    const auto t0 = std::chrono::steady_clock::now();
    const auto n0 = total();
    std::this_thread::sleep_for(seconds(options.secondsPerRow));
    const auto n1 = total();
    const auto t1 = std::chrono::steady_clock::now();
    return static_cast<double>(n1 - n0) / std::chrono::duration<double>(t1 - t0).count();
}

BenchRow benchBareGraphOnce(int consumers, const BenchOptions &options);

} // namespace

BenchRow benchEngine(const PipelineConfig &config, const BenchOptions &options, MedianBy by)
{
    std::vector<BenchRow> rows;
    for (int run = 0; run < std::max(1, options.runs); ++run)
        rows.push_back(benchEngineOnce(config, options));
    return median(rows, by);
}

double benchPausedCpu(const BenchOptions &options)
{
    std::vector<double> runs;
    for (int run = 0; run < std::max(1, options.runs); ++run) {
        Engine engine(PipelineConfig{});
        engine.start();
        std::this_thread::sleep_for(seconds(options.warmupSeconds));
        engine.pause();
        std::this_thread::sleep_for(seconds(options.warmupSeconds));
        const std::int64_t cpuBefore = ProcessStats::read().cpuNs;
        const auto from = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(seconds(options.secondsPerRow));
        const std::int64_t cpuAfter = ProcessStats::read().cpuNs;
        const double measuredS = std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
        engine.stop(StopMode::Now);
        runs.push_back(static_cast<double>(cpuAfter - cpuBefore) / 1e9 / measuredS * 100.0);
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

double benchWakeUpCostUs(const BenchOptions &options)
{
    const auto threadCpuNs = [] {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
    };
    std::vector<double> runs;
    for (int run = 0; run < std::max(1, options.runs); ++run) {
        double costUs = 0;
        std::thread sleeper([&] {
            std::mutex mutex;
            std::condition_variable never;
            std::unique_lock lock(mutex);
            const auto until = std::chrono::steady_clock::now() + seconds(options.secondsPerRow);
            const std::int64_t cpuBefore = threadCpuNs();
            std::int64_t wakeUps = 0;
            while (std::chrono::steady_clock::now() < until) {
                never.wait_for(lock, std::chrono::milliseconds(1)); // nothing notifies it: each return is a timeout
                ++wakeUps;
            }
            costUs = static_cast<double>(threadCpuNs() - cpuBefore) / 1e3
                / static_cast<double>(std::max<std::int64_t>(1, wakeUps));
        });
        sleeper.join();
        runs.push_back(costUs);
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

BenchRow benchBareGraph(int consumers, const BenchOptions &options)
{
    std::vector<BenchRow> rows;
    for (int run = 0; run < std::max(1, options.runs); ++run)
        rows.push_back(benchBareGraphOnce(consumers, options));
    return median(rows);
}

namespace {

BenchRow benchEngineOnce(const PipelineConfig &config, const BenchOptions &options)
{
    Engine engine(config);
    engine.start();
    std::this_thread::sleep_for(seconds(options.warmupSeconds));
    const auto first = engine.sampleNow();
    const auto latencyBefore = engine.latencyHistogram();
    const auto lagBefore = engine.pacingLagHistogram();
    const std::uint64_t roundsBefore = engine.pacerRounds();
    const std::int64_t cpuBefore = ProcessStats::read().cpuNs;
    std::this_thread::sleep_for(seconds(options.secondsPerRow));
    const std::int64_t cpuAfter = ProcessStats::read().cpuNs;
    const auto last = engine.sampleNow();
    const auto latency = engine.latencyHistogram().since(latencyBefore);
    const auto lag = engine.pacingLagHistogram().since(lagBefore);
    const std::uint64_t roundsAfter = engine.pacerRounds();
    engine.stop(StopMode::Now);

    BenchRow row;
    row.consumers = config.consumers;
    row.eventsPerSec = static_cast<double>(last->processed - first->processed) / (last->elapsedS - first->elapsedS);
    row.p50Us = static_cast<double>(latency.quantile(0.50)) / 1000.0;
    row.p99Us = static_cast<double>(latency.quantile(0.99)) / 1000.0;
    row.lagP50Us = static_cast<double>(lag.quantile(0.50)) / 1000.0;
    row.lagP99Us = static_cast<double>(lag.quantile(0.99)) / 1000.0;
    const double measuredS = last->elapsedS - first->elapsedS;
    const double cpuNs = static_cast<double>(cpuAfter - cpuBefore);
    row.cpuPercent = cpuNs / 1e9 / measuredS * 100.0;
    row.cpuNsPerEvent = cpuNs / std::max(1.0, static_cast<double>(last->processed - first->processed));
    const auto perSec = [measuredS](std::uint64_t before, std::uint64_t after) {
        return static_cast<double>(after - before) / measuredS;
    };
    row.handedOverPerSec = perSec(first->handover.notified, last->handover.notified);
    row.wakeupsPerSec = perSec(first->handover.wakeups, last->handover.wakeups);
    row.pollHitsPerSec = perSec(first->handover.pollHits, last->handover.pollHits);
    row.inlinePerSec = perSec(first->handover.inlineRuns, last->handover.inlineRuns);
    row.pacerRoundsPerSec = perSec(roundsBefore, roundsAfter);
    return row;
}

/// The bare graph's message: a slice of one produced batch; the last slice finished frees a limiter slot.
struct BarePart {
    std::vector<Event> events;
    std::shared_ptr<std::atomic<int>> slicesLeft;
};

/// The bare graph's router: splits `batch` by key over the sinks, each part counting towards the batch's slices.
void routeBare(BarePart *batch, const std::vector<std::unique_ptr<tbb::flow::function_node<BarePart *>>> &sinks)
{
    const int consumers = static_cast<int>(sinks.size());
    std::vector<BarePart *> parts(sinks.size(), nullptr);
    auto slices = std::make_shared<std::atomic<int>>(0);
    for (const auto &event : batch->events) {
        auto &part = parts[static_cast<std::size_t>(Router::partition(event.key, consumers))];
        if (!part) {
            part = new BarePart;
            part->events.reserve(batch->events.size() / sinks.size() * 2 + 4);
            part->slicesLeft = slices;
            slices->fetch_add(1, std::memory_order_relaxed);
        }
        part->events.push_back(event);
    }
    delete batch;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i])
            sinks[i]->try_put(parts[i]);
    }
}

BenchRow benchBareGraphOnce(int consumers, const BenchOptions &options)
{
    using namespace tbb::flow;
    constexpr std::size_t kBatch = 1024;
    constexpr long long kMessagesInFlight = 64;

    tbb::task_arena arena(static_cast<int>(tbb::info::default_concurrency()), 1);
    std::atomic<bool> stop{false};
    std::vector<std::unique_ptr<SoloCounter>> counts;
    counts.reserve(static_cast<std::size_t>(consumers));
    for (int i = 0; i < consumers; ++i)
        counts.push_back(std::make_unique<SoloCounter>());

    std::unique_ptr<graph> g;
    arena.execute([&] { g = std::make_unique<graph>(); });

    std::uint64_t sequence = 0;
    input_node<BarePart *> source(*g, [&](tbb::flow_control &control) -> BarePart * {
        if (stop.load(std::memory_order_relaxed)) {
            control.stop();
            return nullptr;
        }
        auto *batch = new BarePart;
        batch->events.resize(kBatch);
        for (auto &event : batch->events) {
            event.id = sequence++;
            event.key = static_cast<std::uint32_t>(mix64(event.id)) % 4096;
        }
        return batch;
    });
    limiter_node<BarePart *, long long> limiter(*g, kMessagesInFlight);

    std::vector<std::unique_ptr<function_node<BarePart *>>> sinks;
    sinks.reserve(static_cast<std::size_t>(consumers));
    for (int i = 0; i < consumers; ++i) {
        sinks.push_back(std::make_unique<function_node<BarePart *>>(*g, serial, [&, i](BarePart *part) {
            std::uint64_t sum = 0;
            for (const auto &event : part->events)
                sum += event.key;
            counts[static_cast<std::size_t>(i)]->add(part->events.size() + (sum == ~0ULL ? 1 : 0));
            if (part->slicesLeft->fetch_sub(1, std::memory_order_acq_rel) == 1)
                limiter.decrementer().try_put(1);
            delete part;
            return continue_msg();
        }));
    }
    function_node<BarePart *> router(*g, serial, [&](BarePart *batch) {
        routeBare(batch, sinks);
        return continue_msg();
    });

    make_edge(source, limiter);
    make_edge(limiter, router);

    const auto total = [&] {
        std::uint64_t sum = 0;
        for (const auto &c : counts)
            sum += c->get();
        return sum;
    };
    arena.execute([&] { source.activate(); });
    BenchRow row;
    row.consumers = consumers;
    row.eventsPerSec = measureRate(total, options);
    stop = true;
    g->wait_for_all();
    return row;
}

} // namespace

} // namespace beam
