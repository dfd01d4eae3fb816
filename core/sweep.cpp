// SPDX-License-Identifier: MIT
#include "core/sweep.h"

#include "core/engine.h"
#include "core/snapshot.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

namespace beam {

namespace {

/// Values past this are no setting's (the largest, a total rate, is 64 x 50,000,000).
constexpr std::int64_t kLargestValue = 1'000'000'000'000;
/// Events a one-second snapshot needs before its overhead counts: the figure is a mean of each event's time, and
/// a sweep's low rates have few (measuredOverheadUs()' default of 200 would leave 100 events/s unmeasured).
constexpr double kMinOverheadEvents = 50;
/// How often a run in progress looks at `cancel`.
constexpr auto kCancelPoll = std::chrono::milliseconds(100);

bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool allDigits(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

/// Digits as a number; nullopt past kLargestValue (or past std::int64_t).
std::optional<std::int64_t> number(std::string_view digits)
{
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc{} || end != digits.data() + digits.size() || value > kLargestValue)
        return std::nullopt;
    return value;
}

/// The parts of PARAM=LO..HI[:STEPS] as text, nullopt when the text does not have that shape.
struct SpecParts {
    std::string_view param;
    std::string_view lo;
    std::string_view hi;
    std::string_view steps;
};
std::optional<SpecParts> splitSpec(std::string_view text)
{
    const auto equals = text.find('=');
    const auto dots = text.find("..");
    if (equals == std::string_view::npos || dots == std::string_view::npos || dots < equals)
        return std::nullopt;
    SpecParts parts;
    parts.param = text.substr(0, equals);
    parts.lo = text.substr(equals + 1, dots - equals - 1);
    std::string_view rest = text.substr(dots + 2);
    const auto colon = rest.find(':');
    parts.hi = rest.substr(0, colon);
    if (colon != std::string_view::npos) {
        parts.steps = rest.substr(colon + 1);
        if (!allDigits(parts.steps))
            return std::nullopt;
    }
    const bool nameOk = !parts.param.empty() && std::all_of(parts.param.begin(), parts.param.end(), isNameChar);
    if (!nameOk || !allDigits(parts.lo) || !allDigits(parts.hi))
        return std::nullopt;
    return parts;
}

/// The range rules of LO, HI and STEPS; empty when they keep them.
std::string rangeError(std::int64_t lo, std::int64_t hi, std::int64_t steps)
{
    const auto text = [](std::int64_t v) { return std::to_string(v); };
    if (lo > hi)
        return "goes down: LO " + text(lo) + " is above HI " + text(hi) + " (give LO..HI with LO < HI)";
    if (lo == hi)
        return "is an empty range: LO and HI are both " + text(lo) + " (give LO..HI with LO < HI)";
    if (steps < SweepSpec::kMinSteps || steps > SweepSpec::kMaxSteps)
        return "has STEPS " + text(steps) + ", out of range " + text(SweepSpec::kMinSteps) + ".."
            + text(SweepSpec::kMaxSteps);
    if (hi - lo + 1 < steps)
        return "has STEPS " + text(steps) + " but only " + text(hi - lo + 1) + " whole values from " + text(lo) + " to "
            + text(hi) + " (give STEPS " + text(SweepSpec::kMinSteps) + ".." + text(hi - lo + 1) + ")";
    return {};
}

std::string rateRangeError(const PipelineConfig &base, std::int64_t total)
{
    const std::int64_t producers = std::max(1, base.producers);
    const std::int64_t lo = producers;
    const auto hi = static_cast<std::int64_t>(PipelineConfig::kMaxRate) * producers;
    if (total >= lo && total <= hi)
        return {};
    std::string text = "rate = " + std::to_string(total) + " events/s is out of range " + std::to_string(lo) + ".."
        + std::to_string(hi) + " events/s";
    if (producers > 1)
        text += " (the total over " + std::to_string(producers) + " producers, 1.."
            + std::to_string(PipelineConfig::kMaxRate) + " each)";
    return text;
}

std::string_view fieldOf(SweepParam param)
{
    switch (param) {
    case SweepParam::Rate:
        return "rate";
    case SweepParam::Consumers:
        return "consumers";
    case SweepParam::IoUs:
        return "io_us";
    case SweepParam::MaxInFlight:
        return "max_in_flight";
    }
    return "rate";
}

std::chrono::nanoseconds toDuration(double seconds)
{
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::max(0.0, seconds) * 1e9));
}

bool cancelled(const std::atomic<bool> *cancel)
{
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

/// Sleeps until `until`, looking at `cancel` every kCancelPoll. False: cancelled.
bool sleepUntil(std::chrono::steady_clock::time_point until, const std::atomic<bool> *cancel)
{
    for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
        if (cancelled(cancel))
            return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kCancelPoll));
    }
    return !cancelled(cancel);
}

int executorThreads(const Snapshot &s)
{
    return static_cast<int>(std::count_if(s.threads.begin(), s.threads.end(),
        [](const ThreadSample &t) { return t.kind == ThreadSample::Kind::Executor; }));
}

/// Each active consumer's events between two snapshots of one run.
std::vector<std::uint64_t> processedBetween(const Snapshot &first, const Snapshot &last, int consumers)
{
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(std::max(0, consumers)), 0);
    for (const auto &c : last.consumers) {
        const auto i = static_cast<std::size_t>(c.index);
        if (!c.active || i >= counts.size())
            continue;
        const auto before = std::find_if(first.consumers.begin(), first.consumers.end(),
            [&c](const ConsumerSample &f) { return f.index == c.index; });
        counts[i] = c.processed - (before != first.consumers.end() ? before->processed : 0);
    }
    return counts;
}

/// Shares of `counts`, or empty with fewer than SweepPoint::kMinShareEvents events.
std::vector<double> sharesOf(const std::vector<std::uint64_t> &counts)
{
    std::uint64_t total = 0;
    for (auto n : counts)
        total += n;
    if (total < SweepPoint::kMinShareEvents)
        return {};
    std::vector<double> shares;
    shares.reserve(counts.size());
    for (auto n : counts)
        shares.push_back(static_cast<double>(n) / static_cast<double>(total));
    return shares;
}

/// One run: a new engine, warmed up, then measured with a snapshot taken each second (and at the end) for the
/// overhead. nullopt when cancelled; `error` set when the engine refused the configuration.
std::optional<SweepRun> runOnce(
    const PipelineConfig &config, const SweepOptions &options, const std::atomic<bool> *cancel, std::string &error)
{
    Engine engine(config);
    engine.setRecorder(nullptr); // nothing is kept between snapshots: the cheapest run
    if (const auto errors = engine.start(); !errors.empty()) {
        error = errors.front().message;
        return std::nullopt;
    }
    const auto started = std::chrono::steady_clock::now();
    if (!sleepUntil(started + toDuration(options.warmupS), cancel)) {
        engine.stop(StopMode::Now);
        return std::nullopt;
    }
    const auto first = engine.sampleNow();
    const Histogram latencyBefore = engine.latencyHistogram();
    const auto measureStart = std::chrono::steady_clock::now();
    const auto measureEnd = measureStart + toDuration(options.measureS);
    std::shared_ptr<const Snapshot> last = first;
    double overheadSum = 0;
    int overheadCount = 0;
    for (int second = 1; last == first || std::chrono::steady_clock::now() < measureEnd; ++second) {
        if (!sleepUntil(std::min(measureEnd, measureStart + std::chrono::seconds(second)), cancel)) {
            engine.stop(StopMode::Now);
            return std::nullopt;
        }
        last = engine.sampleNow();
        if (const auto overhead = measuredOverheadUs(*last, kMinOverheadEvents)) {
            overheadSum += *overhead;
            ++overheadCount;
        }
    }
    const Histogram latency = engine.latencyHistogram().since(latencyBefore);
    engine.stop(StopMode::Now);

    SweepRun run;
    run.events = last->processed - first->processed;
    run.throughputPerSec = static_cast<double>(run.events) / std::max(1e-9, last->elapsedS - first->elapsedS);
    run.wMeanUs = latency.mean() / 1000.0;
    run.wP99Us = static_cast<double>(latency.quantile(0.99)) / 1000.0;
    if (overheadCount > 0)
        run.overheadUs = overheadSum / overheadCount;
    run.processedByConsumer = processedBetween(*first, *last, config.consumers);
    run.cores = executorThreads(*last);
    return run;
}

ModelInputs inputsOf(
    const PipelineConfig &config, int cores, std::optional<double> overheadUs, const std::vector<double> &shares)
{
    ModelInputs in;
    in.config = config;
    in.cores = std::max(1, cores);
    in.overheadUs = overheadUs.value_or(0.0);
    if (shares.size() == static_cast<std::size_t>(config.consumers))
        in.keyShares = shares;
    return in;
}

/// The point's summary over its runs, and the model from what they measured together.
void summarise(SweepPoint &p)
{
    const auto n = static_cast<double>(p.runs.size());
    p.throughputMinPerSec = p.wMinUs = std::numeric_limits<double>::infinity();
    p.throughputMaxPerSec = p.wMaxUs = 0;
    double overheadSum = 0;
    int overheadCount = 0;
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(std::max(0, p.config.consumers)), 0);
    for (const auto &r : p.runs) {
        p.throughputMeanPerSec += r.throughputPerSec / n;
        p.throughputMinPerSec = std::min(p.throughputMinPerSec, r.throughputPerSec);
        p.throughputMaxPerSec = std::max(p.throughputMaxPerSec, r.throughputPerSec);
        p.wMeanUs += r.wMeanUs / n;
        p.wMinUs = std::min(p.wMinUs, r.wMeanUs);
        p.wMaxUs = std::max(p.wMaxUs, r.wMeanUs);
        p.wP99Us += r.wP99Us / n;
        if (r.overheadUs) {
            overheadSum += *r.overheadUs;
            ++overheadCount;
        }
        for (std::size_t i = 0; i < counts.size() && i < r.processedByConsumer.size(); ++i)
            counts[i] += r.processedByConsumer[i];
    }
    if (overheadCount > 0)
        p.overheadUs = overheadSum / overheadCount;
    p.keyShares = sharesOf(counts);
    p.modelInputs = inputsOf(p.config, p.runs.empty() ? 1 : p.runs.front().cores, p.overheadUs, p.keyShares);
    p.model = predictQueueing(p.modelInputs);
}

} // namespace

std::string_view toString(SweepParam param)
{
    switch (param) {
    case SweepParam::Rate:
        return "rate";
    case SweepParam::Consumers:
        return "consumers";
    case SweepParam::IoUs:
        return "io-us";
    case SweepParam::MaxInFlight:
        return "max-in-flight";
    }
    return "rate";
}

std::optional<SweepParam> sweepParamFromString(std::string_view text)
{
    for (auto param : {SweepParam::Rate, SweepParam::Consumers, SweepParam::IoUs, SweepParam::MaxInFlight}) {
        if (text == toString(param))
            return param;
    }
    return std::nullopt;
}

std::optional<SweepSpec> parseSweepSpec(std::string_view text, std::string &error)
{
    const auto parts = splitSpec(trimmed(text));
    if (!parts) {
        error = "is not PARAM=LO..HI[:STEPS] with LO and HI whole numbers, e.g. rate=1000..3500:6";
        return std::nullopt;
    }
    SweepSpec spec;
    if (const auto param = sweepParamFromString(parts->param)) {
        spec.param = *param;
    } else {
        error = "sweeps '" + std::string(parts->param) + "', which is not one of rate, consumers, io-us, max-in-flight";
        return std::nullopt;
    }
    const auto lo = number(parts->lo);
    const auto hi = number(parts->hi);
    auto steps = parts->steps.empty() ? std::optional<std::int64_t>(SweepSpec::kDefaultSteps) : number(parts->steps);
    if (!lo || !hi || !steps) {
        error = "has a number past any setting's range (at most " + std::to_string(kLargestValue) + ")";
        return std::nullopt;
    }
    // Without STEPS, a range of fewer whole values than the default has each of them once (consumers=1..4).
    if (parts->steps.empty() && *hi > *lo)
        steps = std::min<std::int64_t>(*steps, *hi - *lo + 1);
    error = rangeError(*lo, *hi, *steps);
    if (!error.empty())
        return std::nullopt;
    spec.lo = *lo;
    spec.hi = *hi;
    spec.steps = static_cast<int>(*steps);
    return spec;
}

std::string toString(const SweepSpec &spec)
{
    return std::string(toString(spec.param)) + "=" + std::to_string(spec.lo) + ".." + std::to_string(spec.hi) + ":"
        + std::to_string(spec.steps);
}

std::vector<std::int64_t> sweepValues(const SweepSpec &spec)
{
    std::vector<std::int64_t> values;
    const int steps = std::max(2, spec.steps);
    values.reserve(static_cast<std::size_t>(steps));
    for (int i = 0; i < steps; ++i) {
        const double at = static_cast<double>(spec.lo)
            + static_cast<double>(spec.hi - spec.lo) * static_cast<double>(i) / static_cast<double>(steps - 1);
        values.push_back(i == steps - 1 ? spec.hi : std::llround(at));
    }
    return values;
}

PipelineConfig sweepConfig(const PipelineConfig &base, SweepParam param, std::int64_t value)
{
    PipelineConfig c = base;
    const auto toInt = [](std::int64_t v) {
        return static_cast<int>(
            std::clamp<std::int64_t>(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
    };
    switch (param) {
    case SweepParam::Rate:
        c.rate = static_cast<std::uint64_t>(
            std::llround(static_cast<double>(std::max<std::int64_t>(0, value)) / std::max(1, base.producers)));
        break;
    case SweepParam::Consumers:
        c.consumers = toInt(value);
        break;
    case SweepParam::IoUs:
        c.ioUs = toInt(value);
        break;
    case SweepParam::MaxInFlight:
        c.maxInFlight = value;
        break;
    }
    return c;
}

std::vector<std::string> checkSweep(const PipelineConfig &base, const SweepSpec &spec)
{
    std::vector<std::string> baseErrors;
    for (const auto &e : base.validate())
        baseErrors.push_back(e.message);
    std::vector<std::string> errors;
    const auto add = [&errors](const std::string &message) {
        if (!message.empty() && std::find(errors.begin(), errors.end(), message) == errors.end())
            errors.push_back(message);
    };
    for (const std::int64_t value : sweepValues(spec)) {
        if (spec.param == SweepParam::Rate)
            add(rateRangeError(base, value));
        for (const auto &e : sweepConfig(base, spec.param, value).validate()) {
            if (e.field == fieldOf(spec.param)) {
                if (spec.param != SweepParam::Rate)
                    add(e.message);
            } else if (std::find(baseErrors.begin(), baseErrors.end(), e.message) == baseErrors.end()) {
                add("at " + std::string(toString(spec.param)) + " = " + std::to_string(value) + ": " + e.message);
            }
        }
    }
    return errors;
}

SweepResult runSweep(const PipelineConfig &base, const SweepSpec &spec, const SweepOptions &options,
    const SweepCallbacks &callbacks, const std::atomic<bool> *cancel)
{
    SweepResult result;
    const auto values = sweepValues(spec);
    const int repeats = std::max(1, options.repeats);
    for (std::size_t i = 0; i < values.size(); ++i) {
        SweepPoint point;
        point.param = spec.param;
        point.value = values[i];
        point.config = sweepConfig(base, spec.param, values[i]);
        for (int repeat = 0; repeat < repeats; ++repeat) {
            // Each repeat draws other keys: the spread over repeats is the one between runs, not of timing alone.
            PipelineConfig config = point.config;
            config.seed += static_cast<std::uint64_t>(repeat);
            auto run = runOnce(config, options, cancel, result.error);
            if (!run) {
                result.cancelled = result.error.empty();
                return result;
            }
            if (callbacks.onRun) {
                SweepRunProgress progress{spec.param, static_cast<int>(i), static_cast<int>(values.size()), repeat,
                    repeats, values[i], *run, {}};
                progress.model = predictQueueing(
                    inputsOf(point.config, run->cores, run->overheadUs, sharesOf(run->processedByConsumer)));
                callbacks.onRun(progress);
            }
            point.runs.push_back(std::move(*run));
        }
        summarise(point);
        result.points.push_back(point);
        if (callbacks.onPoint)
            callbacks.onPoint(result.points.back());
    }
    return result;
}

ModelInputs sweepModelInputs(
    const PipelineConfig &base, SweepParam param, double value, const std::vector<SweepPoint> &points)
{
    const PipelineConfig config = sweepConfig(base, param, std::llround(value));
    // The overhead, linearly between the measured points around `value` (the nearest end's outside them).
    std::optional<double> overhead;
    const SweepPoint *below = nullptr;
    const SweepPoint *above = nullptr;
    for (const auto &p : points) {
        if (!p.overheadUs)
            continue;
        if (static_cast<double>(p.value) <= value && (!below || p.value > below->value))
            below = &p;
        if (static_cast<double>(p.value) >= value && (!above || p.value < above->value))
            above = &p;
    }
    if (below && above && above->value > below->value) {
        const double t = (value - static_cast<double>(below->value)) / static_cast<double>(above->value - below->value);
        overhead = *below->overheadUs + t * (*above->overheadUs - *below->overheadUs);
    } else if (below || above) {
        overhead = (below ? below : above)->overheadUs;
    }
    // The shares of every point that ran this many consumers, weighted by their events.
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(std::max(0, config.consumers)), 0);
    for (const auto &p : points) {
        for (const auto &r : p.runs) {
            if (p.config.consumers == config.consumers && r.processedByConsumer.size() == counts.size()) {
                for (std::size_t i = 0; i < counts.size(); ++i)
                    counts[i] += r.processedByConsumer[i];
            }
        }
    }
    const int cores = points.empty() || points.front().runs.empty() ? 1 : points.front().runs.front().cores;
    ModelInputs in = inputsOf(config, cores, overhead, sharesOf(counts));
    if (param == SweepParam::Rate)
        in.offeredPerSec = value;
    return in;
}

std::vector<SweepCurvePoint> sweepModelCurve(
    const PipelineConfig &base, const SweepSpec &spec, const std::vector<SweepPoint> &points, int samples)
{
    std::vector<double> at;
    const double span = static_cast<double>(spec.hi - spec.lo);
    const bool wholeValues = spec.param != SweepParam::Rate && span + 1 <= samples;
    const int n = wholeValues ? static_cast<int>(span) + 1 : std::max(2, samples);
    at.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        at.push_back(
            wholeValues ? static_cast<double>(spec.lo + i) : static_cast<double>(spec.lo) + span * i / (n - 1));
    std::vector<SweepCurvePoint> curve;
    curve.reserve(at.size());
    for (double value : at)
        curve.push_back({value, predictQueueing(sweepModelInputs(base, spec.param, value, points))});
    return curve;
}

} // namespace beam
