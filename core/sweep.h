// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"
#include "core/queueingmodel.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beam {

/// The setting a what-if sweep varies (`beam-me-up --sweep PARAM=LO..HI[:STEPS]`, docs/sweep.md).
enum class SweepParam {
    Rate, ///< the total offered rate, events/s, split evenly over the producers
    Consumers, ///< the number of consumers
    IoUs, ///< simulated I/O per event, microseconds
    MaxInFlight, ///< the bound on events in flight
};
/// The parameter's name in a spec and in the CSV: rate, consumers, io-us, max-in-flight.
std::string_view toString(SweepParam param);
/// Reads a name written by toString(SweepParam); nullopt for anything else.
std::optional<SweepParam> sweepParamFromString(std::string_view text);

/// What to sweep: `steps` values of `param` evenly spaced from `lo` to `hi`, both included, rounded to integers.
struct SweepSpec {
    static constexpr int kDefaultSteps = 6; ///< steps when the spec names none
    static constexpr int kMinSteps = 2; ///< fewest steps: a sweep has two ends
    static constexpr int kMaxSteps = 100; ///< most steps
    SweepParam param = SweepParam::Rate; ///< the setting varied
    std::int64_t lo = 0; ///< the first value
    std::int64_t hi = 0; ///< the last value, above `lo`
    int steps = kDefaultSteps; ///< values from lo to hi, kMinSteps..kMaxSteps
};

/// Reads `PARAM=LO..HI[:STEPS]`, e.g. `rate=1000..3500:6`: PARAM one of toString(SweepParam)'s names, LO and HI
/// whole numbers with LO < HI, STEPS 2..100 and at most the whole numbers from LO to HI (without STEPS, 6 or each
/// whole value when there are fewer: `consumers=1..4` is 1, 2, 3, 4). nullopt with `error` one sentence (without
/// the flag's name) on anything else. Ranges of the values themselves are the configuration's (checkSweep()).
std::optional<SweepSpec> parseSweepSpec(std::string_view text, std::string &error);
/// The spec as written: `rate=1000..3500:6`.
std::string toString(const SweepSpec &spec);

/// The spec's values, LO first and HI last, evenly spaced and rounded to the nearest integer.
std::vector<std::int64_t> sweepValues(const SweepSpec &spec);

/// `base` with the swept setting at `value`. For the rate the value is the total offered: each producer's rate
/// is value / producers, rounded (0 stays 0, for validate() to refuse).
PipelineConfig sweepConfig(const PipelineConfig &base, SweepParam param, std::int64_t value);

/// Every rule of PipelineConfig::validate() a point of the sweep breaks, each once, as one sentence in its style,
/// e.g. "consumers = 0 is out of range 1..256", or "at consumers = 2: slow_consumer = 7 (consumer index) is out
/// of range 0..1" when the rule is another field's. Empty: every point is a valid configuration.
std::vector<std::string> checkSweep(const PipelineConfig &base, const SweepSpec &spec);

/// How long each point runs.
struct SweepOptions {
    double warmupS = 1.0; ///< seconds run and discarded before each measurement
    double measureS = 3.0; ///< seconds measured
    int repeats = 3; ///< runs per point, each on a new engine
};

/// One run of one point: what was measured over its measured part.
struct SweepRun {
    double throughputPerSec = 0; ///< events processed per second
    double wMeanUs = 0; ///< mean creation-to-completion latency of the events that finished, microseconds
    double wP99Us = 0; ///< its 99th percentile, microseconds
    /// Per-event service time beyond the configured work and I/O (measuredOverheadUs(), averaged over the
    /// snapshots taken each second of the measured part); nullopt when too few events finished for it.
    std::optional<double> overheadUs;
    /// Events each consumer processed over the measured part (consumer index order): the key shares measured.
    std::vector<std::uint64_t> processedByConsumer;
    std::uint64_t events = 0; ///< events processed over the measured part
    int cores = 0; ///< the engine's executor threads
};

/// One point of a sweep: its configuration, its runs, their summary and the model's prediction for it.
struct SweepPoint {
    SweepParam param = SweepParam::Rate; ///< the setting varied
    std::int64_t value = 0; ///< its value here (the rate: the total offered, events/s)
    PipelineConfig config; ///< the configuration run (its first repeat; repeat r has the seed + r)
    std::vector<SweepRun> runs; ///< one per repeat, in order
    double throughputMeanPerSec = 0; ///< measured throughput, mean over the runs
    double throughputMinPerSec = 0; ///< its smallest run
    double throughputMaxPerSec = 0; ///< its largest run
    double wMeanUs = 0; ///< measured mean W, mean over the runs
    double wMinUs = 0; ///< its smallest run
    double wMaxUs = 0; ///< its largest run
    double wP99Us = 0; ///< measured p99 of W, mean over the runs
    std::optional<double> overheadUs; ///< measured overhead, mean over the runs that measured it
    /// Measured key shares over every run (each consumer's processed / all processed); empty with fewer than
    /// kMinShareEvents events, then the model takes the router's expected shares.
    std::vector<double> keyShares;
    ModelInputs modelInputs; ///< what the model was given: this configuration, the cores, overhead and shares
    QueueingModel model; ///< the model's prediction from modelInputs
    static constexpr std::uint64_t kMinShareEvents = 2000; ///< events needed before shares count as measured
};

/// A finished run, as runSweep() reports it before the next begins.
struct SweepRunProgress {
    SweepParam param = SweepParam::Rate; ///< the setting varied
    int point = 0; ///< the point's index, 0-based
    int points = 0; ///< points in the sweep
    int repeat = 0; ///< the run's index within the point, 0-based
    int repeats = 0; ///< runs per point
    std::int64_t value = 0; ///< the point's value
    SweepRun run; ///< what it measured
    QueueingModel model; ///< the model for this run's own measured overhead, shares and cores
};

/// What runSweep() tells its caller as it goes, on runSweep()'s own thread. Either may be empty.
struct SweepCallbacks {
    std::function<void(const SweepRunProgress &)> onRun; ///< after each run
    std::function<void(const SweepPoint &)> onPoint; ///< after each point's last run, with the whole point
};

/// What runSweep() returns.
struct SweepResult {
    std::vector<SweepPoint> points; ///< the points finished, in the spec's order
    bool cancelled = false; ///< `cancel` was set: the points after the last finished one were not run
    std::string error; ///< non-empty: an engine refused its configuration (checkSweep() not called first)
};

/// Runs the engine at each of sweepValues(spec) on `base` (sweepConfig()): for each point `options.repeats`
/// runs, each a new engine with no flight recorder, warmed up for `options.warmupS` and measured for
/// `options.measureS` (repeat r with the seed + r, so that the repeats draw different keys); then the model
/// (predictQueueing()) for the point with the cores, overhead and shares measured. Blocks for about points x repeats x
/// (warm-up + measure). `cancel`, if given, is read every 0.1 s: once set, the run in progress is abandoned and the
/// points finished so far are returned.
SweepResult runSweep(const PipelineConfig &base, const SweepSpec &spec, const SweepOptions &options,
    const SweepCallbacks &callbacks = {}, const std::atomic<bool> *cancel = nullptr);

/// What the model is given at `value` of `param` between the measured points: their overhead interpolated
/// linearly by value (0 when none measured), the key shares of the points with that many consumers merged (the
/// router's expected ones when none), the cores of the first point. For the rate, the offered rate is `value`
/// itself, not rounded per producer, so that a curve drawn from it is smooth.
ModelInputs sweepModelInputs(
    const PipelineConfig &base, SweepParam param, double value, const std::vector<SweepPoint> &points);

/// One point of the model's curve along a sweep.
struct SweepCurvePoint {
    double value = 0; ///< the swept setting
    QueueingModel model; ///< the prediction there (its drawsW() says whether W is drawn)
};
/// The model at `samples` values evenly spaced from spec.lo to spec.hi (for integer settings, each whole value
/// when there are fewer), from sweepModelInputs().
std::vector<SweepCurvePoint> sweepModelCurve(
    const PipelineConfig &base, const SweepSpec &spec, const std::vector<SweepPoint> &points, int samples = 240);

} // namespace beam
