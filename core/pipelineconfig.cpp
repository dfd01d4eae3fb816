// SPDX-License-Identifier: MIT
#include "core/pipelineconfig.h"

#include <array>
#include <charconv>
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

std::string_view toString(EscalationPolicy policy)
{
    return policy == EscalationPolicy::Restart ? "restart" : "stop";
}

std::optional<EscalationPolicy> escalationPolicyFromString(std::string_view text)
{
    if (text == "stop")
        return EscalationPolicy::Stop;
    if (text == "restart")
        return EscalationPolicy::Restart;
    return std::nullopt;
}

SupervisorPolicy PipelineConfig::supervisorPolicy() const
{
    SupervisorPolicy policy;
    policy.strategy = strategy;
    policy.maxRestarts = maxRestarts;
    policy.maxSeconds = maxSeconds;
    policy.backoffMinMs = backoffMinMs;
    policy.backoffMaxMs = backoffMaxMs;
    policy.backoffJitter = backoffJitter;
    return policy;
}

SupervisorPolicy PipelineConfig::topPolicy() const
{
    SupervisorPolicy policy = supervisorPolicy();
    policy.maxRestarts = topMaxRestarts;
    policy.maxSeconds = topMaxSeconds;
    return policy;
}

namespace {

/// A value as the shortest text that reads back as the same number: 1.0000001 stays 1.0000001 (an ostream's six
/// digits would print 1, inside the range 0..1 the message says it is outside of), -0 stays -0.
template <typename T> std::string shortest(T value)
{
    std::array<char, 64> buffer{};
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return error == std::errc{} ? std::string(buffer.data(), end) : std::string("?");
}

template <typename T>
void checkRange(std::vector<ConfigError> &errors, const char *field, T value, T low, T high, const char *unit = "")
{
    const bool outside = !(value >= low && value <= high); // also catches NaN
    if (!outside)
        return;
    std::ostringstream text;
    text << field << " = " << shortest(value) << unit << " is out of range " << shortest(low) << ".." << shortest(high)
         << unit;
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
    checkRange(errors, "pacing_us", pacingUs, 0, kMaxPacingUs, " us");
    checkRange(errors, "fault_rate", faultRate, 0.0, 1.0);
    checkRange(errors, "max_attempts", maxAttempts, 1, kMaxAttempts);
    checkRange<std::int64_t>(errors, "safety_cap", safetyCap, kMinSafetyCap, kMaxSafetyCap);
    checkRange(errors, "interval_ms", intervalMs, kMinIntervalMs, kMaxIntervalMs, " ms");
    checkRange(errors, "crash_rate", crashRate, 0.0, 1.0);
    checkRange(errors, "max_restarts", maxRestarts, 0, kMaxRestartsLimit);
    checkRange(errors, "max_seconds", maxSeconds, 0.001, kMaxSecondsLimit, " s");
    checkRange(errors, "top_max_restarts", topMaxRestarts, 0, kMaxRestartsLimit);
    checkRange(errors, "top_max_seconds", topMaxSeconds, 0.001, kMaxSecondsLimit, " s");
    checkRange(errors, "backoff_min_ms", backoffMinMs, 0, kMaxBackoffMs, " ms");
    checkRange(errors, "backoff_max_ms", backoffMaxMs, 0, kMaxBackoffMs, " ms");
    if (backoffMaxMs < backoffMinMs && backoffMinMs >= 0 && backoffMaxMs >= 0) {
        errors.push_back({"backoff_max_ms",
            "backoff_max_ms = " + std::to_string(backoffMaxMs)
                + " ms is below backoff_min_ms = " + std::to_string(backoffMinMs) + " ms"});
    }
    checkRange(errors, "backoff_jitter", backoffJitter, 0.0, 1.0);
    if (poisonKey)
        checkRange<std::uint32_t>(errors, "poison_key", *poisonKey, 0, kKeySpace - 1);
    if (slowConsumer) {
        checkRange(errors, "slow_consumer", slowConsumer->index, 0, consumers - 1, " (consumer index)");
        checkRange(errors, "slow_consumer", slowConsumer->factor, 1, kMaxSlowFactor, " (factor)");
    }
    checkRange(errors, "hang_timeout_ms", hangTimeoutMs, kMinHangTimeoutMs, kMaxHangTimeoutMs, " ms");
    return errors;
}

bool PipelineConfig::pacesTogether() const
{
    return pacingUs > 0 && rate && workUs == 0 && ioUs == 0 && (!slowConsumer || slowConsumer->factor <= 1);
}

std::string PipelineConfig::pacingText() const
{
    if (!rate)
        return "unthrottled";
    if (pacingUs == 0)
        return "exact";
    if (!pacesTogether())
        return "exact (events cost service time)";
    std::string text = "batched, budget ";
    text += std::to_string(pacingUs);
    text += " us";
    return text;
}

std::string PipelineConfig::rateText() const
{
    return rate ? std::to_string(*rate) : std::string("max");
}

std::string describeChange(const PipelineConfig &before, const PipelineConfig &after)
{
    std::string out;
    const auto add = [&out](const char *name, const std::string &from, const std::string &to) {
        if (from == to)
            return;
        out += (out.empty() ? "" : ", ") + std::string(name) + " " + from + " \u2192 " + to;
    };
    const auto number = [](auto v) { return std::to_string(v); };
    const auto real = [](double v) {
        std::string text = std::to_string(v);
        text.erase(text.find_last_not_of('0') + 1);
        if (!text.empty() && text.back() == '.')
            text.pop_back();
        return text;
    };
    const auto slow = [](const std::optional<SlowConsumer> &s) {
        return s ? std::to_string(s->index) + ":" + std::to_string(s->factor) : std::string("none");
    };
    add("producers", number(before.producers), number(after.producers));
    add("consumers", number(before.consumers), number(after.consumers));
    add("rate", before.rateText(), after.rateText());
    add("max_in_flight", number(before.maxInFlight), number(after.maxInFlight));
    add("work_us", number(before.workUs), number(after.workUs));
    add("io_us", number(before.ioUs), number(after.ioUs));
    add("pacing_us", number(before.pacingUs), number(after.pacingUs));
    add("fault_rate", real(before.faultRate), real(after.faultRate));
    add("crash_rate", real(before.crashRate), real(after.crashRate));
    add("overload", std::string(toString(before.overload)), std::string(toString(after.overload)));
    add("max_attempts", number(before.maxAttempts), number(after.maxAttempts));
    add("slow_consumer", slow(before.slowConsumer), slow(after.slowConsumer));
    add("strategy", std::string(toString(before.strategy)), std::string(toString(after.strategy)));
    add("max_restarts", number(before.maxRestarts), number(after.maxRestarts));
    add("max_seconds", real(before.maxSeconds), real(after.maxSeconds));
    return out;
}

} // namespace beam
