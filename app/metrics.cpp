// SPDX-License-Identifier: MIT
#include "metrics.h"

#include "core/engine.h"

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <limits>
#include <thread>
#include <utility>

namespace beam {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(std::string name, std::string help, MetricType type, double value)
{
    ClientMetric metric;
    if (type == MetricType::Counter)
        metric.counter.value = value;
    else
        metric.gauge.value = value;
    return {std::move(name), std::move(help), type, {metric}};
}

double number(std::uint64_t value)
{
    return static_cast<double>(value);
}

double number(std::int64_t value)
{
    return static_cast<double>(value);
}

/// Why binding `address`:`port` fails, from the kernel (civetweb reports only that it failed).
std::string bindFailure(const std::string &address, int port)
{
    sockaddr_in in4{};
    in4.sin_family = AF_INET;
    in4.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, address.c_str(), &in4.sin_addr) != 1)
        return "not a numeric IPv4 address";
    const int probe = socket(AF_INET, SOCK_STREAM, 0);
    if (probe < 0)
        return std::strerror(errno);
    const int on = 1;
    setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on); // as civetweb does
    std::string reason = "the HTTP server could not start";
    if (bind(probe, reinterpret_cast<const sockaddr *>(&in4), sizeof in4) != 0)
        reason = std::strerror(errno);
    close(probe);
    return reason;
}

/// Opens and closes a connection to `address`:`port` (0.0.0.0 reached through 127.0.0.1), without waiting long.
void knock(const std::string &address, int port)
{
    sockaddr_in in4{};
    in4.sin_family = AF_INET;
    in4.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, address == "0.0.0.0" ? "127.0.0.1" : address.c_str(), &in4.sin_addr) != 1)
        return;
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    // Non-blocking: the SYN is what wakes the listener; the connection itself is not needed.
    [[maybe_unused]] const int connected = connect(fd, reinterpret_cast<const sockaddr *>(&in4), sizeof in4);
    close(fd);
}

} // namespace

const std::vector<double> &latencyBoundsS()
{
    static const std::vector<double> bounds{1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3,
        5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
    return bounds;
}

MetricsSample makeMetricsSample(std::shared_ptr<const Snapshot> snapshot)
{
    const auto &bounds = latencyBoundsS();
    MetricsSample sample;
    sample.snapshot = std::move(snapshot);
    std::vector<std::uint64_t> perBucket(bounds.size() + 1, 0);
    double sumNs = 0;
    static const Histogram empty;
    const Histogram &latencyNs
        = sample.snapshot && sample.snapshot->latencyHistogram ? *sample.snapshot->latencyHistogram : empty;
    const auto &counts = latencyNs.counts();
    for (int i = 0; i < static_cast<int>(counts.size()); ++i) {
        const std::uint64_t count = counts[static_cast<std::size_t>(i)];
        if (count == 0)
            continue;
        const double valueS = static_cast<double>(HistogramLayout::representative(i)) / 1e9;
        const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), valueS) - bounds.begin();
        perBucket[static_cast<std::size_t>(bucket)] += count;
        sumNs += static_cast<double>(count) * static_cast<double>(HistogramLayout::representative(i));
    }
    std::uint64_t running = 0;
    for (auto &count : perBucket) {
        running += count;
        count = running;
    }
    sample.latencyCumulative = std::move(perBucket);
    sample.latencySumS = sumNs / 1e9;
    return sample;
}

/// The pacing gauges: the lag over the last second and the budget in force.
void addPacingFamilies(std::vector<MetricFamily> &families, const Snapshot &s)
{
    const auto gauge = [](std::string name, std::string help, double value) {
        return family(std::move(name), std::move(help), MetricType::Gauge, value);
    };
    families.push_back(gauge("beam_pacing_lag_p50_seconds",
        "Median pacing lag over the last second: how far from its due time on its producer's schedule an event was "
        "created (late, or early).",
        s.pacingLag.p50 / 1e6));
    families.push_back(gauge("beam_pacing_lag_p99_seconds", "99th percentile of the pacing lag over the last second.",
        s.pacingLag.p99 / 1e6));
    families.push_back(gauge("beam_pacing_budget_seconds",
        "The pacing budget in force: how long an event may wait past its due time for company (0: exact pacing).",
        s.config.pacesTogether() ? s.config.pacingUs / 1e6 : 0.0));
}

std::vector<MetricFamily> metricFamilies(const MetricsSample &sample)
{
    if (!sample.snapshot)
        return {};
    const Snapshot &s = *sample.snapshot;
    const auto counter = [](std::string name, std::string help, double value) {
        return family(std::move(name), std::move(help), MetricType::Counter, value);
    };
    const auto gauge = [](std::string name, std::string help, double value) {
        return family(std::move(name), std::move(help), MetricType::Gauge, value);
    };

    std::vector<MetricFamily> families{
        counter("beam_events_produced_total", "Events created by the producers.", number(s.produced)),
        counter("beam_events_processed_total", "Events processed successfully.", number(s.processed)),
        counter("beam_events_failed_total", "Failed processing attempts (each may be retried).", number(s.failed)),
        counter("beam_events_retried_total", "Redeliveries of failed events.", number(s.retried)),
        counter("beam_events_dead_lettered_total", "Events that failed every attempt and were dead-lettered.",
            number(s.deadLettered)),
        counter("beam_events_dropped_total", "Events shed by the drop overload policy.", number(s.dropped)),
        counter("beam_consumer_restarts_total", "Consumer restarts by their supervisor.", number(s.restarts)),
        counter("beam_supervisor_escalations_total", "Restart intensities exceeded and escalated up the tree.",
            number(s.escalations)),
        gauge("beam_events_in_flight", "Events admitted and not yet finished.", number(s.inFlight)),
        gauge("beam_events_in_flight_limit", "The bound on events in flight in force.", number(s.limit)),
        gauge(
            "beam_limiter_threshold", "The limiter_node's threshold: the bound on events in flight.", number(s.limit)),
        gauge("beam_limiter_count", "The limiter_node's count: events it let through and not yet finished.",
            number(s.limiterCount)),
        gauge("beam_limiter_count_max", "The limiter_node's highest count since start.", number(s.limiterCountMax)),
        counter("beam_limiter_refused_total",
            "Events the limiter_node refused (each held a producer back or, under "
            "the drop policy, was dropped).",
            number(s.limiterRefused)),
        gauge("beam_producers", "Producers configured.", s.config.producers),
        gauge("beam_consumers", "Consumers configured.", s.config.consumers),
        gauge("beam_backpressure_ratio", "Share of the last sampling interval producers were held back, 0..1.",
            s.backpressureRatio),
        gauge("beam_cpu_percent", "CPU use of the process over the last sampling interval, percent of one core.",
            s.cpuPercent),
        gauge("beam_resident_memory_bytes", "Resident set size of the process.", number(s.rssBytes)),
        gauge("beam_events_lost", "Events unaccounted for (produced minus every outcome); above 0 is a bug.",
            number(s.lost)),
        gauge("beam_uptime_seconds", "Seconds since the engine started.", s.elapsedS),
    };

    MetricFamily crashes{"beam_consumer_crashes_total", "Consumer crashes by cause.", MetricType::Counter, {}};
    for (const auto &[cause, value] : {std::pair{"random", s.crashesRandom}, std::pair{"killed", s.crashesKilled},
             std::pair{"hang", s.crashesHang}, std::pair{"exception", s.crashesException}}) {
        ClientMetric metric;
        metric.label = {{"cause", cause}};
        metric.counter.value = number(value);
        crashes.metric.push_back(std::move(metric));
    }
    families.push_back(std::move(crashes));
    addPacingFamilies(families, s);

    MetricFamily schedulers{"beam_scheduler_utilisation",
        "Share of the last sampling interval each engine thread spent running graph work, 0..1 (an I/O wait is not "
        "work).",
        MetricType::Gauge, {}};
    for (const auto &t : s.threads) {
        ClientMetric metric;
        metric.label = {{"thread", t.name}, {"kind", t.kind == ThreadSample::Kind::Executor ? "executor" : "producer"}};
        metric.gauge.value = t.utilisation;
        schedulers.metric.push_back(std::move(metric));
    }
    families.push_back(std::move(schedulers));

    ClientMetric latency;
    const auto &bounds = latencyBoundsS();
    for (std::size_t i = 0; i < bounds.size(); ++i)
        latency.histogram.bucket.push_back({sample.latencyCumulative.at(i), bounds[i]});
    latency.histogram.bucket.push_back({sample.latencyCumulative.back(), std::numeric_limits<double>::infinity()});
    latency.histogram.sample_count = sample.latencyCumulative.back();
    latency.histogram.sample_sum = sample.latencySumS;
    families.push_back({"beam_event_latency_seconds", "Creation-to-completion latency of processed events.",
        MetricType::Histogram, {latency}});
    return families;
}

/// The Collectable the Exposer asks on each scrape: builds the families from the last published sample.
class MetricsEndpoint::Collector : public prometheus::Collectable
{
public:
    void publish(MetricsSample sample)
    {
        auto next = std::make_shared<const MetricsSample>(std::move(sample));
        const std::lock_guard lock(m_mutex);
        m_sample = std::move(next);
    }

    std::vector<MetricFamily> Collect() const override
    {
        std::shared_ptr<const MetricsSample> sample;
        {
            const std::lock_guard lock(m_mutex);
            sample = m_sample;
        }
        return sample ? metricFamilies(*sample) : std::vector<MetricFamily>{};
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const MetricsSample> m_sample;
};

std::unique_ptr<MetricsEndpoint> MetricsEndpoint::start(const std::string &address, int port, std::string &error)
{
    const std::string hostPort = address + ":" + std::to_string(port);
    std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint);
    try {
        endpoint->m_exposer = std::make_unique<prometheus::Exposer>(hostPort, 2);
    } catch (const std::exception &) {
        error = "cannot serve metrics on " + hostPort + ": " + bindFailure(address, port);
        return nullptr;
    }
    endpoint->m_collector = std::make_shared<Collector>();
    endpoint->m_exposer->RegisterCollectable(endpoint->m_collector);
    endpoint->m_url = "http://" + hostPort + "/metrics";
    endpoint->m_address = address;
    endpoint->m_port = port;
    return endpoint;
}

MetricsEndpoint::~MetricsEndpoint()
{
    // civetweb's listening thread polls its socket 2 s at a time, and stopping the server waits for it to notice:
    // up to 2 s at the end of every run, which is all of `docker stop`'s patience the issue allows. A connection
    // to ourselves wakes it at once; knocked until the server has stopped, since a knock that lands just before
    // the stop flag is set is taken as a client.
    std::atomic<bool> stopped{false};
    std::thread waker([this, &stopped] {
        while (!stopped.load()) {
            knock(m_address, m_port);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    m_exposer.reset();
    stopped.store(true);
    waker.join();
}

void MetricsEndpoint::publish(MetricsSample sample)
{
    m_collector->publish(std::move(sample));
}

void MetricsPublisher::publish(const Engine &engine, bool now)
{
    const auto at = std::chrono::steady_clock::now();
    if (!m_endpoint || (!now && at - m_publishedAt < m_interval))
        return;
    m_publishedAt = at;
    m_endpoint->publish(makeMetricsSample(engine.latest()));
}

} // namespace beam
