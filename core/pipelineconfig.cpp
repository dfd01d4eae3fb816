// SPDX-License-Identifier: MIT
#include "core/pipelineconfig.h"

#include <cmath>
#include <sstream>

namespace beam {

std::string_view toString(OverloadPolicy policy)
{
    switch (policy) {
    case OverloadPolicy::Backpressure:
        return "backpressure";
    case OverloadPolicy::Drop:
        return "drop";
    case OverloadPolicy::Unbounded:
        return "unbounded";
    }
    return "backpressure";
}

std::optional<OverloadPolicy> overloadPolicyFromString(std::string_view text)
{
    for (auto policy : {OverloadPolicy::Backpressure, OverloadPolicy::Drop, OverloadPolicy::Unbounded}) {
        if (text == toString(policy))
            return policy;
    }
    return std::nullopt;
}

namespace {

template <typename T>
void checkRange(std::vector<ConfigError> &errors, const char *field, T value, T low, T high, const char *unit = "")
{
    const bool outside = !(value >= low && value <= high); // also catches NaN
    if (!outside)
        return;
    std::ostringstream text;
    text << field << " = " << value << unit << " is out of range " << low << ".." << high << unit;
    errors.push_back({field, text.str()});
}

} // namespace

std::vector<ConfigError> PipelineConfig::validate() const
{
    std::vector<ConfigError> errors;
    checkRange(errors, "producers", producers, 1, kMaxProducers);
    checkRange(errors, "consumers", consumers, 1, kMaxConsumers);
    if (rate)
        checkRange<std::uint64_t>(errors, "rate", *rate, 1, kMaxRate, " events/s");
    checkRange<std::int64_t>(errors, "max_in_flight", maxInFlight, 1, kMaxInFlight);
    checkRange(errors, "work_us", workUs, 0, kMaxWorkUs, " us");
    checkRange(errors, "io_us", ioUs, 0, kMaxIoUs, " us");
    checkRange(errors, "fault_rate", faultRate, 0.0, 1.0);
    checkRange(errors, "max_attempts", maxAttempts, 1, kMaxAttempts);
    checkRange<std::int64_t>(errors, "safety_cap", safetyCap, kMinSafetyCap, kMaxSafetyCap);
    checkRange(errors, "interval_ms", intervalMs, kMinIntervalMs, kMaxIntervalMs, " ms");
    return errors;
}

std::string PipelineConfig::rateText() const
{
    return rate ? std::to_string(*rate) : std::string("max");
}

} // namespace beam
