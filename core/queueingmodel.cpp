// SPDX-License-Identifier: MIT
#include "core/queueingmodel.h"

#include "core/router.h"
#include "core/snapshot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>

namespace beam {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
/// rho from which a few % more load moves W a lot: the model still predicts, the overlay says so.
constexpr double kNearSaturation = 0.9;
/// The limiter sets the capacity only when it holds the pipeline below this share of the consumers' own bound.
constexpr double kLimiterMatters = 0.95;
/// The most events the mean value analysis iterates over; beyond, the bound hardly limits (docs/theory.md).
constexpr long long kMvaMaxPopulation = 4096;
/// A crash costs about this much of its consumer's time besides the back-off (a restart, a redelivery).
constexpr double kCrashCostS = 1e-3;
/// Crashes take more than this share of a consumer's time: not in the model.
constexpr double kCrashShareLimit = 0.02;

std::string fixed(double value, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

/// Events per second as a person writes them: 1,234/s.
std::string perSec(double value)
{
    if (!std::isfinite(value))
        return "unlimited";
    // Copied digit by digit with a comma before each group of three (GCC 12 warns falsely on string::insert at -O3).
    const std::string digits = fixed(value, 0);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-')
            grouped.push_back(',');
        grouped.push_back(digits[i]);
    }
    grouped.append("/s");
    return grouped;
}

/// P(W > t) for one consumer: 1 below its service time, then the chance to wait, decaying exponentially with
/// the conditional mean wait.
double tail(const ConsumerModel &c, double tUs)
{
    if (tUs < c.serviceUs)
        return 1.0;
    if (c.rho <= 0 || c.waitUs <= 0)
        return 0.0;
    const double conditionalMean = c.waitUs / c.rho;
    return c.rho * std::exp(-(tUs - c.serviceUs) / conditionalMean);
}

/// The 99th percentile of W over all consumers, weighted by arrivals: where the mixture's tail falls to 1%.
double p99Of(const std::vector<ConsumerModel> &consumers, double arrivals)
{
    if (arrivals <= 0)
        return 0;
    const auto mixture = [&](double t) {
        double sum = 0;
        for (const auto &c : consumers)
            sum += c.arrivalPerSec / arrivals * tail(c, t);
        return sum;
    };
    double lo = 0;
    double hi = 1;
    while (mixture(hi) > 0.01 && hi < 1e12)
        hi *= 2;
    for (int i = 0; i < 80; ++i) {
        const double mid = (lo + hi) / 2;
        (mixture(mid) > 0.01 ? lo : hi) = mid;
    }
    return hi;
}

/// Attempts per event: a failed attempt is redelivered until maxAttempts.
double attemptsPerEvent(const PipelineConfig &c)
{
    double attempts = 0;
    double p = 1;
    for (int k = 0; k < c.maxAttempts; ++k) {
        attempts += p;
        p *= c.faultRate;
    }
    return attempts;
}

/// One consumer's CPU work per event, microseconds: every attempt's work; the slow consumer's multiplied (1 us
/// per event for a slow consumer with none), as the engine does.
double workUs(const PipelineConfig &c, int index, double attempts)
{
    const bool slow = c.slowConsumer && c.slowConsumer->index == index && c.slowConsumer->factor > 1;
    const int factor = slow ? c.slowConsumer->factor : 1;
    return (c.workUs > 0 ? c.workUs * factor : (slow ? factor : 0)) * attempts;
}

/// One consumer's service time, microseconds: its work, its I/O once (the slow consumer's multiplied), the overhead.
double serviceUs(const PipelineConfig &c, int index, double attempts, double overheadUs)
{
    const bool slow = c.slowConsumer && c.slowConsumer->index == index && c.slowConsumer->factor > 1;
    return workUs(c, index, attempts) + c.ioUs * (slow ? c.slowConsumer->factor : 1) + overheadUs;
}

/// The pipeline's capacity and the stage that sets it: the consumers (the busiest fills first: keys do not move),
/// the cores (`cpuBound`, infinite without work), the in-flight bound (only where it holds the pipeline well
/// below the consumers' own bound); the offered rate when nothing downstream bounds it.
void setCapacity(QueueingModel &m, const PipelineConfig &c, const std::vector<double> &shares,
    const std::vector<double> &service, double cpuBound)
{
    double consumersBound = kInf;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        if (shares[i] > 0 && service[i] > 0 && 1e6 / (shares[i] * service[i]) < consumersBound) {
            consumersBound = 1e6 / (shares[i] * service[i]);
            m.bottleneckConsumer = static_cast<int>(i);
        }
    }
    double limiterBound = kInf;
    if (c.overload != OverloadPolicy::Unbounded && c.maxInFlight <= kMvaMaxPopulation) {
        std::vector<double> serviceS(service.size());
        std::transform(service.begin(), service.end(), serviceS.begin(), [](double us) { return us / 1e6; });
        limiterBound = queueing::mvaThroughput(shares, serviceS, c.maxInFlight);
        if (limiterBound >= kLimiterMatters * consumersBound)
            limiterBound = kInf;
    }
    m.capacityPerSec = consumersBound;
    m.capacityStage = std::isfinite(consumersBound) ? ModelStage::Consumers : ModelStage::Producers;
    if (cpuBound < m.capacityPerSec) {
        m.capacityPerSec = cpuBound;
        m.capacityStage = ModelStage::Cpu;
    }
    if (limiterBound < m.capacityPerSec) {
        m.capacityPerSec = limiterBound;
        m.capacityStage = ModelStage::Limiter;
    }
    if (!std::isfinite(m.capacityPerSec))
        m.capacityPerSec = m.offeredPerSec;
}

void judgeFit(QueueingModel &m, const PipelineConfig &c)
{
    const std::string stage(toString(m.capacityStage));
    if (c.workUs <= 0 && c.ioUs <= 0 && !c.slowConsumer) {
        m.fit = ModelFit::NoService;
        m.why = "no work and no I/O per event: nothing waits long enough to queue; W is the engine's own overhead "
                "(microseconds), which the model does not predict";
        return;
    }
    if (m.rho >= 1.0) {
        m.fit = ModelFit::Saturated;
        const char *then = c.overload == OverloadPolicy::Drop ? "the excess is dropped"
            : c.overload == OverloadPolicy::Unbounded         ? "in flight grows without bound"
                                                      : "in flight fills to the bound and producers are held back";
        m.why = "offered " + perSec(m.offeredPerSec) + " is at or above the capacity " + perSec(m.capacityPerSec)
            + " (set by the " + stage + "): no steady state, " + then + "; W is not predicted";
        return;
    }
    if (c.crashRate > 0) {
        double worst = 0;
        for (std::size_t i = 0; i < m.consumers.size(); ++i) {
            const double crashesPerSec = m.consumers[i].arrivalPerSec * c.crashRate;
            worst = std::max(worst, crashesPerSec * (c.backoffMinMs / 1000.0 + kCrashCostS));
        }
        if (worst > kCrashShareLimit) {
            m.fit = ModelFit::CrashesDominate;
            m.why = "crashes and restarts take " + fixed(worst * 100, 0)
                + "% of a consumer's time: restarts, back-off and redeliveries are not in the model";
            return;
        }
    }
    if (m.rho >= kNearSaturation) {
        m.fit = ModelFit::NearSaturation;
        m.why = "rho " + fixed(m.rho, 2) + " at the " + stage
            + ": W grows as 1/(1 - rho), so a few % more load or a busy machine moves it a lot";
        return;
    }
    m.fit = ModelFit::Holds;
    m.why = "every stage below rho 0.9 (the " + stage + " at " + fixed(m.rho, 2)
        + "): W = service + mean wait, each consumer a queue with deterministic service";
}

} // namespace

std::string_view toString(ModelFit fit)
{
    switch (fit) {
    case ModelFit::Holds:
        return "holds";
    case ModelFit::NearSaturation:
        return "near_saturation";
    case ModelFit::Saturated:
        return "saturated";
    case ModelFit::CrashesDominate:
        return "crashes_dominate";
    case ModelFit::NoService:
        return "no_service";
    }
    return "holds";
}

std::string_view toString(ModelStage stage)
{
    switch (stage) {
    case ModelStage::Consumers:
        return "consumers";
    case ModelStage::Cpu:
        return "cpu";
    case ModelStage::Limiter:
        return "limiter";
    case ModelStage::Producers:
        return "producers";
    }
    return "consumers";
}

namespace queueing {

double mdOneWait(double rho, double serviceS)
{
    return rho >= 1 ? kInf : rho * serviceS / (2 * (1 - rho));
}

double mmOneWait(double rho, double serviceS)
{
    return rho >= 1 ? kInf : rho * serviceS / (1 - rho);
}

double giG1Wait(double rho, double serviceS, double ca2, double cs2)
{
    if (rho >= 1)
        return kInf;
    if (rho <= 0 || ca2 + cs2 <= 0)
        return 0;
    const double allenCunneen = rho / (1 - rho) * (ca2 + cs2) / 2 * serviceS;
    if (ca2 >= 1)
        return allenCunneen;
    // Kraemer and Langenbach-Belz: smoother arrivals than Poisson wait less than Allen-Cunneen says at low load.
    const double g = std::exp(-2 * (1 - rho) * (1 - ca2) * (1 - ca2) / (3 * rho * (ca2 + cs2)));
    return allenCunneen * g;
}

double pacedSplitWait(double rho, double serviceS, double share, int producers)
{
    if (rho >= 1)
        return kInf;
    // One producer's events come at a fixed pace, so a consumer is found busy only by one that follows within S.
    // Streams of independent phases merged tend to Poisson slowly: the lattice's term shrinks by 1 - producers/100,
    // fitted to the simulation in tst_queueingmodel for 1..64 producers (docs/theory.md).
    const double lattice = share * std::max(0.0, 1.0 - std::max(1, producers) / 100.0);
    return std::max(0.0, rho - lattice) * serviceS / (2 * (1 - rho));
}

double mvaThroughput(const std::vector<double> &shares, const std::vector<double> &serviceS, long long population)
{
    const std::size_t n = std::min(shares.size(), serviceS.size());
    double demandMax = 0;
    for (std::size_t i = 0; i < n; ++i)
        demandMax = std::max(demandMax, shares[i] * serviceS[i]);
    if (n == 0 || demandMax <= 0 || population <= 0)
        return kInf;
    const double bound = 1 / demandMax;
    std::vector<double> queue(n, 0.0);
    double throughput = 0;
    for (long long k = 1; k <= population; ++k) {
        double cycle = 0;
        for (std::size_t i = 0; i < n; ++i)
            cycle += shares[i] * serviceS[i] * (1 + queue[i]);
        throughput = static_cast<double>(k) / cycle;
        for (std::size_t i = 0; i < n; ++i)
            queue[i] = throughput * shares[i] * serviceS[i] * (1 + queue[i]);
        if (throughput >= bound * (1 - 1e-6))
            break;
    }
    return throughput;
}

} // namespace queueing

QueueingModel predictQueueing(const ModelInputs &in)
{
    const PipelineConfig &c = in.config;
    QueueingModel m;
    m.overheadUs = in.overheadUs;
    const double attempts = attemptsPerEvent(c);
    m.offeredPerSec = in.offeredPerSec >= 0 ? in.offeredPerSec
        : c.rate                            ? static_cast<double>(c.producers) * static_cast<double>(*c.rate)
                                            : kInf;
    std::vector<double> shares
        = in.keyShares.size() == static_cast<std::size_t>(c.consumers) ? in.keyShares : expectedKeyShares(c.consumers);

    std::vector<double> service(shares.size());
    for (std::size_t i = 0; i < shares.size(); ++i)
        service[i] = serviceUs(c, static_cast<int>(i), attempts, in.overheadUs);
    double cpuWorkUs = 0;
    for (std::size_t i = 0; i < shares.size(); ++i)
        cpuWorkUs += shares[i] * workUs(c, static_cast<int>(i), attempts);
    setCapacity(m, c, shares, service, cpuWorkUs > 0 ? std::max(1, in.cores) * 1e6 / cpuWorkUs : kInf);
    m.throughputPerSec = std::min(m.offeredPerSec, m.capacityPerSec);
    m.rho = m.capacityPerSec > 0 && std::isfinite(m.capacityPerSec) ? m.offeredPerSec / m.capacityPerSec : 0;
    if (m.capacityStage == ModelStage::Producers)
        m.rho = 0;
    m.rhoCpu = cpuWorkUs > 0 ? m.throughputPerSec * cpuWorkUs / 1e6 / std::max(1, in.cores) : 0;

    // Each consumer: arrivals a random share of the paced stream, deterministic service. Past capacity the
    // pipeline finishes only the capacity: each consumer's utilisation is taken at that (never above 1).
    double arrivals = 0;
    double weightedW = 0;
    double weightedS = 0;
    double rhoSum = 0;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        ConsumerModel q;
        q.share = shares[i];
        q.arrivalPerSec = m.throughputPerSec * shares[i];
        q.serviceUs = service[i];
        q.rho = q.arrivalPerSec * service[i] / 1e6;
        q.waitUs = queueing::pacedSplitWait(q.rho, service[i], shares[i], c.producers);
        q.wUs = q.waitUs + service[i];
        arrivals += q.arrivalPerSec;
        weightedW += q.arrivalPerSec * q.wUs;
        weightedS += q.arrivalPerSec * service[i];
        rhoSum += q.rho;
        m.consumers.push_back(q);
    }
    m.rhoConsumersMean = shares.empty() ? 0 : rhoSum / static_cast<double>(shares.size());
    m.serviceUs = arrivals > 0 && std::isfinite(arrivals) ? weightedS / arrivals
        : shares.empty()                                  ? 0
                         : std::accumulate(service.begin(), service.end(), 0.0) / static_cast<double>(service.size());
    judgeFit(m, c);
    if (m.drawsW()) {
        m.wMeanUs = arrivals > 0 ? weightedW / arrivals : m.serviceUs;
        m.wP99Us = arrivals > 0 ? p99Of(m.consumers, arrivals) : m.serviceUs;
        m.lMean = m.throughputPerSec * m.wMeanUs / 1e6;
    } else {
        m.wMeanUs = kInf;
        m.wP99Us = kInf;
        m.lMean = kInf;
    }
    return m;
}

QueueingModel modelOfSnapshot(const Snapshot &s)
{
    ModelInputs in;
    in.config = s.config;
    in.overheadUs = measuredOverheadUs(s).value_or(0.0);
    in.keyShares = measuredKeyShares(s, 20'000);
    const auto executors = std::count_if(s.threads.begin(), s.threads.end(),
        [](const ThreadSample &t) { return t.kind == ThreadSample::Kind::Executor; });
    in.cores = executors > 0 ? static_cast<int>(executors) : 2;
    return predictQueueing(in);
}

std::vector<ModelCurvePoint> modelCurve(const ModelInputs &inputs, int points, double maxRho)
{
    ModelInputs at = inputs;
    at.offeredPerSec = 0;
    const QueueingModel base = predictQueueing(at);
    std::vector<ModelCurvePoint> curve;
    if (!std::isfinite(base.capacityPerSec) || base.capacityPerSec <= 0 || points < 2)
        return curve;
    for (int i = 0; i < points; ++i) {
        const double rho = maxRho * i / (points - 1);
        at.offeredPerSec = rho * base.capacityPerSec;
        const QueueingModel m = predictQueueing(at);
        curve.push_back({rho, at.offeredPerSec, m.wMeanUs, m.wP99Us});
    }
    return curve;
}

std::vector<double> expectedKeyShares(int consumers)
{
    std::vector<double> shares(static_cast<std::size_t>(std::max(0, consumers)), 0.0);
    if (consumers <= 0)
        return shares;
    for (std::uint32_t key = 0; key < PipelineConfig::kKeySpace; ++key)
        shares[static_cast<std::size_t>(Router::partition(key, consumers))] += 1.0 / PipelineConfig::kKeySpace;
    return shares;
}

std::optional<double> measuredOverheadUs(const Snapshot &s, double minEvents)
{
    const PipelineConfig &c = s.config;
    const double attempts = attemptsPerEvent(c);
    double events = 0;
    double extra = 0;
    for (const auto &consumer : s.consumers) {
        if (!consumer.active || consumer.processedPerSec <= 0)
            continue;
        const double measuredUs = (consumer.busyRatio + consumer.ioWaitRatio) / consumer.processedPerSec * 1e6;
        const double n = consumer.processedPerSec * s.windowS;
        extra += n * (measuredUs - serviceUs(c, consumer.index, attempts, 0));
        events += n;
    }
    if (events < minEvents)
        return std::nullopt;
    return std::max(0.0, extra / events);
}

std::vector<double> measuredKeyShares(const Snapshot &s, double minEvents)
{
    double total = 0;
    std::vector<double> shares(static_cast<std::size_t>(s.config.consumers), 0.0);
    for (const auto &consumer : s.consumers) {
        const auto i = static_cast<std::size_t>(consumer.index);
        if (consumer.active && i < shares.size()) {
            shares[i] = consumer.processedPerSec;
            total += consumer.processedPerSec;
        }
    }
    if (total * s.windowS < minEvents)
        return {};
    for (double &share : shares)
        share /= total;
    return shares;
}

} // namespace beam
