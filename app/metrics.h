// SPDX-License-Identifier: MIT
#pragma once

#include "core/histogram.h"
#include "core/snapshot.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace prometheus {
class Exposer;
struct MetricFamily;
} // namespace prometheus

namespace beam {

class Engine;

/// What one scrape reports: the newest snapshot and the latency histogram folded into Prometheus buckets.
struct MetricsSample {
    std::shared_ptr<const Snapshot> snapshot;
    std::vector<std::uint64_t> latencyCumulative; ///< one cumulative count per bound of latencyBoundsS(), then +Inf
    double latencySumS = 0;
};

/// The upper bounds of the latency histogram's buckets, in seconds (1 us .. 10 s).
const std::vector<double> &latencyBoundsS();

/// Folds the snapshot's log-linear latency histogram (nanoseconds) into the Prometheus buckets; each of its
/// buckets counts at its midpoint, so a bound is honoured within the histogram's 1% resolution. Every family of
/// a scrape then comes from this one snapshot (counters, gauges and the histogram alike), so the histogram's
/// count never exceeds the events produced. A snapshot without a histogram gives empty buckets.
MetricsSample makeMetricsSample(std::shared_ptr<const Snapshot> snapshot);

/// The metric families of one sample, in Prometheus' data model: counters from the snapshot's monotonic
/// totals, gauges from its current values, the latency histogram. Empty when the sample has no snapshot.
std::vector<prometheus::MetricFamily> metricFamilies(const MetricsSample &sample);

/// Serves the newest published sample in Prometheus text format at http://ADDRESS:PORT/metrics, through
/// prometheus-cpp's Exposer (civetweb).
///
/// Threads: publish() is called by the one thread that reads the engine (the headless loop); scrapes run on
/// the Exposer's own threads and only copy the last published pointer. Nothing here is called by, or waits
/// on, the engine.
class MetricsEndpoint
{
public:
    /// Starts listening on a numeric IPv4 `address`. On failure (address not on this machine, port in use, no
    /// permission) returns null and sets `error` to a message that names the address, the port and the reason.
    static std::unique_ptr<MetricsEndpoint> start(const std::string &address, int port, std::string &error);
    /// Stops serving, in milliseconds (see the .cpp for how).
    ~MetricsEndpoint();
    MetricsEndpoint(const MetricsEndpoint &) = delete;
    MetricsEndpoint &operator=(const MetricsEndpoint &) = delete;

    /// Makes `sample` what the next scrape reports.
    void publish(MetricsSample sample);
    /// The URL scrapes reach, e.g. http://127.0.0.1:4000/metrics.
    [[nodiscard]] std::string url() const { return m_url; }

private:
    class Collector;
    MetricsEndpoint() = default;

    std::shared_ptr<Collector> m_collector;
    std::unique_ptr<prometheus::Exposer> m_exposer;
    std::string m_url;
    std::string m_address; ///< as bound, for the knock that wakes the server when it stops
    int m_port = 0;
};

/// Publishes the engine's newest figures to an endpoint, at most once per sampling interval unless asked to
/// now. Without an endpoint it does nothing.
class MetricsPublisher
{
public:
    MetricsPublisher(MetricsEndpoint *endpoint, int intervalMs)
        : m_endpoint(endpoint)
        , m_interval(intervalMs)
    { }
    void publish(const Engine &engine, bool now = false);

private:
    MetricsEndpoint *m_endpoint;
    std::chrono::milliseconds m_interval;
    std::chrono::steady_clock::time_point m_publishedAt{};
};

} // namespace beam
