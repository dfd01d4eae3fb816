// SPDX-License-Identifier: MIT
#include "core/sweepcsv.h"

#include <cmath>
#include <cstdio>

namespace beam {

namespace {

/// A figure with `decimals` decimals; empty when it is not finite.
std::string cell(double value, int decimals)
{
    if (!std::isfinite(value))
        return {};
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string cell(const std::optional<double> &value, int decimals)
{
    return value ? cell(*value, decimals) : std::string();
}

std::string row(const SweepPoint &p)
{
    const QueueingModel &m = p.model;
    const bool w = m.drawsW();
    const double nan = std::nan("");
    const double bottleneckShare
        = m.bottleneckConsumer >= 0 && static_cast<std::size_t>(m.bottleneckConsumer) < m.consumers.size()
        ? m.consumers[static_cast<std::size_t>(m.bottleneckConsumer)].share
        : nan;
    std::string line;
    const auto add = [&line](const std::string &text) {
        if (!line.empty())
            line += ',';
        line += text;
    };
    add(std::string(toString(p.param)));
    add(std::to_string(p.value));
    add(cell(m.offeredPerSec, 1));
    add(cell(m.rho, 4));
    add(std::string(toString(m.fit)));
    add(cell(m.capacityPerSec, 1));
    add(std::string(toString(m.capacityStage)));
    add(cell(m.throughputPerSec, 1));
    add(cell(p.throughputMeanPerSec, 1));
    add(cell(p.throughputMinPerSec, 1));
    add(cell(p.throughputMaxPerSec, 1));
    add(cell(w ? m.wMeanUs : nan, 1));
    add(cell(w ? m.wP99Us : nan, 1));
    add(cell(p.wMeanUs, 1));
    add(cell(p.wMinUs, 1));
    add(cell(p.wMaxUs, 1));
    add(cell(p.wP99Us, 1));
    add(cell(p.overheadUs, 1));
    add(cell(bottleneckShare, 4));
    add(std::to_string(p.modelInputs.cores));
    add(std::to_string(p.runs.size()));
    return line;
}

} // namespace

std::string sweepCsv(const std::vector<SweepPoint> &points)
{
    std::string csv = "param,value,offered_per_sec,rho_model,fit,capacity_model,capacity_stage,throughput_model,"
                      "throughput_measured,throughput_measured_min,throughput_measured_max,w_model_us,w_model_p99_us,"
                      "w_measured_us,w_measured_min_us,w_measured_max_us,p99_measured_us,overhead_us,"
                      "bottleneck_share,cores,repeats\n";
    for (const auto &p : points)
        csv += row(p) + "\n";
    return csv;
}

} // namespace beam
