// SPDX-License-Identifier: MIT
#pragma once

#include "core/supervisor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beam {

/// What happens to events that do not fit under the in-flight bound.
enum class OverloadPolicy {
    Backpressure, ///< producers are held back; nothing is dropped
    Drop, ///< events that do not fit are shed and counted as dropped
    Unbounded, ///< no bound; queues grow until the safety cap stops the producers
};

/// What the pipeline does when its top-level supervisor gives up.
enum class EscalationPolicy {
    Stop, ///< stop the pipeline cleanly and report it (headless exit code 4)
    Restart, ///< restart the whole pipeline once more; give up for good the next time
};

/// The policy's name on the command line and in reports: stop, restart.
std::string_view toString(EscalationPolicy policy);
/// Reads a name written by toString(EscalationPolicy); nullopt for anything else.
std::optional<EscalationPolicy> escalationPolicyFromString(std::string_view text);

/// One consumer made N times slower (its CPU work and I/O wait multiplied; 1 us per event when it has none).
struct SlowConsumer {
    int index = 0; ///< which consumer, 0..consumers-1
    int factor = 1; ///< how many times slower, 1..1000
    /// Equal when both fields are.
    bool operator==(const SlowConsumer &) const = default;
};

/// The policy's name on the command line and in reports: backpressure, drop, unbounded.
std::string_view toString(OverloadPolicy policy);
/// Reads a name written by toString(OverloadPolicy); nullopt for anything else.
std::optional<OverloadPolicy> overloadPolicyFromString(std::string_view text);

/// One violated rule of a configuration: the field, and a sentence naming the value and the allowed range.
struct ConfigError {
    std::string field; ///< the field's snake_case name, e.g. max_in_flight
    std::string message; ///< e.g. "max_in_flight = 0 is out of range 1..1000000"
};

/// The whole configuration of a pipeline, as a plain value.
///
/// Every field has a documented range; validate() reports every violation at once. The same names
/// (snake_case) are used by the command line, the JSON report and scenario files.
struct PipelineConfig {
    static constexpr int kMaxProducers = 64; ///< upper bound of producers
    static constexpr int kMaxConsumers = 256; ///< upper bound of consumers
    static constexpr std::uint64_t kMaxRate = 50'000'000; ///< upper bound of rate, events/s per producer
    static constexpr std::int64_t kMaxInFlight = 1'000'000; ///< upper bound of maxInFlight
    static constexpr int kMaxWorkUs = 100'000; ///< upper bound of workUs
    static constexpr int kMaxIoUs = 1'000'000; ///< upper bound of ioUs
    static constexpr int kMaxPacingUs = 100'000; ///< upper bound of pacingUs
    /// The default pacing budget: an event waits at most this long after its due time for others to share its
    /// wake-up (docs/pacing-and-batching.md), the BEAM's 1 ms tick.
    static constexpr int kDefaultPacingUs = 1000;
    static constexpr int kMinIntervalMs = 10; ///< lower bound of intervalMs
    static constexpr int kMaxIntervalMs = 5000; ///< upper bound of intervalMs
    static constexpr int kMaxAttempts = 100; ///< upper bound of maxAttempts
    static constexpr std::int64_t kMinSafetyCap = 1000; ///< lower bound of safetyCap
    static constexpr std::int64_t kMaxSafetyCap = 100'000'000; ///< upper bound of safetyCap

    int producers = 1; ///< 1..64
    int consumers = 8; ///< 1..256
    std::optional<std::uint64_t> rate = 1000; ///< events/s per producer, 1..50,000,000; nullopt = unlimited ("max")
    std::int64_t maxInFlight = 1000; ///< 1..1,000,000 events admitted and not yet finished
    int workUs = 0; ///< CPU busy work per event, 0..100,000 us
    int ioUs = 0; ///< simulated I/O wait per event, 0..1,000,000 us (parks no worker)
    /// How producers pace, 0..100,000 us: 0 is exact (each producer on its own thread, in its own 100 us slots);
    /// above 0 the paced producers share one pacing thread, and an event waits at most this long past its due
    /// time so that the events due together go out in one wake-up ("batched").
    int pacingUs = kDefaultPacingUs;
    double faultRate = 0.0; ///< probability that one processing attempt fails, 0..1
    int maxAttempts = 3; ///< attempts before an event is dead-lettered, 1..100
    OverloadPolicy overload = OverloadPolicy::Backpressure; ///< what happens to events beyond the bound
    std::int64_t safetyCap = 10'000'000; ///< unbounded policy: in flight at which producers are stopped
    int intervalMs = 100; ///< sampling interval, 10..5000 ms
    std::uint64_t seed = 1; ///< seeds every random choice (keys, faults)

    // Supervision and fault injection.
    static constexpr int kMaxRestartsLimit = 1'000'000; ///< upper bound of maxRestarts and topMaxRestarts
    static constexpr double kMaxSecondsLimit = 3600.0; ///< upper bound of maxSeconds and topMaxSeconds
    static constexpr int kMaxBackoffMs = 600'000; ///< upper bound of backoffMinMs and backoffMaxMs
    static constexpr std::uint32_t kKeySpace = 4096; ///< keys are 0..kKeySpace-1
    static constexpr int kMaxSlowFactor = 1000; ///< upper bound of SlowConsumer::factor
    static constexpr int kMinHangTimeoutMs = 10; ///< lower bound of hangTimeoutMs
    static constexpr int kMaxHangTimeoutMs = 600'000; ///< upper bound of hangTimeoutMs

    double crashRate = 0.0; ///< probability that one processing attempt crashes the consumer, 0..1
    RestartStrategy strategy = RestartStrategy::OneForOne; ///< the consumers' supervisor's strategy
    /// Consumers' supervisor intensity: restarts allowed per window, 0..1,000,000. Its default admits a
    /// sustained injected crash rate (see docs/supervision.md); the top of the tree keeps OTP's 3 in 5 s.
    int maxRestarts = 200;
    double maxSeconds = 1.0; ///< the consumers' intensity window, 0.001..3600 s
    int topMaxRestarts = 3; ///< pipeline and producers supervisors' intensity (OTP's default), 0..1,000,000
    double topMaxSeconds = 5.0; ///< their window, 0.001..3600 s
    int backoffMinMs = 0; ///< restart back-off: min(max, min * 2^n) * (1 + jitter * random), 0..600,000 ms
    int backoffMaxMs = 0; ///< 0..600,000 ms, at least backoff_min_ms
    double backoffJitter = 0.2; ///< 0..1
    std::optional<std::uint32_t> poisonKey; ///< events with this key (0..4095) always fail
    std::optional<SlowConsumer> slowConsumer; ///< index 0..consumers-1, factor 1..1000
    int hangTimeoutMs = 5000; ///< no progress this long with work queued counts as a crash, 10..600,000 ms
    EscalationPolicy onEscalation = EscalationPolicy::Stop; ///< when the top-level supervisor gives up

    /// The supervision policy of the consumers' supervisor.
    [[nodiscard]] SupervisorPolicy supervisorPolicy() const;
    /// The intensity and back-off of the pipeline and producers supervisors (strategy left to the caller).
    [[nodiscard]] SupervisorPolicy topPolicy() const;

    /// Every violated rule; empty when the configuration is valid.
    [[nodiscard]] std::vector<ConfigError> validate() const;

    /// The rate as text: a number, or "max".
    [[nodiscard]] std::string rateText() const;
    /// Whether the producers are paced together under the budget: a budget, a rate, and events that cost no
    /// service time (no work, no I/O, no slow consumer). Where events cost time, a batch's events would queue
    /// behind each other (10 events every millisecond at 50 us of work each: p50 200 us instead of 50-150), and
    /// the queueing model's paced arrivals would no longer hold, so each producer paces exactly then.
    [[nodiscard]] bool pacesTogether() const;
    /// The pacing in force as text: "batched, budget N us", "exact", "exact (events cost service time)",
    /// "unthrottled".
    [[nodiscard]] std::string pacingText() const;

    /// Equal when every field is.
    bool operator==(const PipelineConfig &) const = default;
};

/// What changed from `before` to `after`, for an event log: "consumers 4 → 8, io_us 1000 → 0"; empty if
/// nothing a person would see changed (the seed and the sampling interval are left out).
std::string describeChange(const PipelineConfig &before, const PipelineConfig &after);

} // namespace beam
