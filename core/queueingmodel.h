// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beam {

struct Snapshot;

/// What the queueing model is fed: a configuration and what was measured of it (docs/theory.md).
struct ModelInputs {
    PipelineConfig config; ///< producers, rate, consumers, work, I/O, the in-flight bound, faults, the slow consumer
    /// Each active consumer's share of the keys, summing to 1; empty: the shares the router's key hash gives
    /// uniformly drawn keys (expectedKeyShares()).
    std::vector<double> keyShares;
    /// Per-event service time beyond the configured work and I/O, microseconds: timer lateness, the resume on an
    /// executor thread, the bookkeeping (measuredOverheadUs()). 0 when unknown.
    double overheadUs = 0;
    int cores = 2; ///< executor threads: the most consumer bodies that run on a CPU at once
    /// Offered events per second; negative: the configuration's producers x rate (infinite when the rate is "max").
    double offeredPerSec = -1;
};

/// Where the model stands for a configuration: whether its W may be drawn.
enum class ModelFit {
    Holds, ///< every stage below rho 0.9: the formulas are good to about 10% (docs/theory.md)
    NearSaturation, ///< the bottleneck at rho 0.9..1: W still predicted, but a few % of rho moves it a lot
    Saturated, ///< offered >= capacity: no steady state; throughput is the capacity, W grows to the bound's
    CrashesDominate, ///< crashes and restarts take a material share of the consumers' time: not in the model
    NoService, ///< no work and no I/O: nothing queues for long; W is the engine's own overhead, not predicted
};
/// The fit's name in reports and the sweep's CSV: holds, near_saturation, saturated, crashes_dominate,
/// no_service.
std::string_view toString(ModelFit fit);

/// The stage that sets the pipeline's capacity.
enum class ModelStage {
    Consumers, ///< the busiest consumer (its key share x service time) fills first
    Cpu, ///< the executor threads: every event's CPU work together fills the cores
    Limiter, ///< the in-flight bound: too few events may be in flight to keep the consumers busy
    Producers, ///< nothing downstream limits before the producers' own rate (no work, no I/O)
};
/// The stage's name: consumers, cpu, limiter, producers.
std::string_view toString(ModelStage stage);

/// One consumer as a single-server queue: deterministic service, arrivals a random share of a paced stream.
struct ConsumerModel {
    double share = 0; ///< its share of the keys
    double arrivalPerSec = 0; ///< events per second it receives: its share of min(offered, capacity)
    double serviceUs = 0; ///< one event's service: work x attempts + I/O + overhead
    double rho = 0; ///< utilisation: arrival x service
    double waitUs = 0; ///< predicted mean wait in its queue before service (infinite when rho >= 1)
    double wUs = 0; ///< predicted mean time in system: wait + service
};

/// The prediction for one configuration. Every figure is a mean in steady state; none is measured.
struct QueueingModel {
    double offeredPerSec = 0; ///< events per second the producers offer (infinite for "max")
    double capacityPerSec = 0; ///< the most the pipeline can finish per second
    ModelStage capacityStage = ModelStage::Consumers; ///< which stage sets it
    double throughputPerSec = 0; ///< min(offered, capacity): what it should finish per second
    double rho = 0; ///< utilisation of the bottleneck: offered / capacity
    int bottleneckConsumer = -1; ///< the busiest consumer
    double rhoConsumersMean = 0; ///< the consumers' mean utilisation at the predicted throughput (each at most 1)
    double rhoCpu = 0; ///< the executor threads' utilisation by the events' CPU work at the predicted throughput
    double serviceUs = 0; ///< the mean service time, weighted by arrivals
    double overheadUs = 0; ///< the per-event overhead it was given (ModelInputs::overheadUs)
    double wMeanUs = 0; ///< predicted mean time in system, creation to done (infinite when saturated)
    double wP99Us = 0; ///< its 99th percentile (exponential-tail approximation, docs/theory.md)
    double lMean = 0; ///< predicted mean in flight: throughput x W (Little's law)
    ModelFit fit = ModelFit::Holds; ///< whether W may be drawn
    std::string why; ///< one sentence: what holds, or why the model stops holding here
    std::vector<ConsumerModel> consumers; ///< each active consumer
    /// Whether W and L are predictions worth drawing (holds or near saturation).
    [[nodiscard]] bool drawsW() const { return fit == ModelFit::Holds || fit == ModelFit::NearSaturation; }
};

/// The model (docs/theory.md): each consumer a single server with deterministic service whose arrivals are a
/// key-hash share of the producers' paced streams (queueing::pacedSplitWait), the CPU of the executor threads,
/// and the in-flight bound as a closed network solved by mean value analysis.
QueueingModel predictQueueing(const ModelInputs &inputs);

/// One point of a W-versus-rho curve.
struct ModelCurvePoint {
    double rho = 0; ///< the bottleneck's utilisation
    double offeredPerSec = 0; ///< the offered rate that gives it
    double wMeanUs = 0; ///< predicted mean W
    double wP99Us = 0; ///< predicted p99 of W
};
/// The model's W against rho for `inputs`' configuration, the offered rate scaled from 0 to `maxRho` of
/// capacity in `points` steps (rho 0 is the bare service time).
std::vector<ModelCurvePoint> modelCurve(const ModelInputs &inputs, int points = 60, double maxRho = 0.97);

/// The shares of consumers 0..count-1 of the key space under the router's hash, keys drawn uniformly.
std::vector<double> expectedKeyShares(int consumers);
/// The per-event overhead a snapshot shows: each consumer's busy and I/O-waiting time over its events (over the
/// snapshot's window), less the configured work and I/O, weighted by events; nullopt with fewer than
/// `minEvents` events in the window or no consumer.
std::optional<double> measuredOverheadUs(const Snapshot &snapshot, double minEvents = 200);
/// The consumers' measured shares of the events over the snapshot's window; empty with fewer than `minEvents`.
std::vector<double> measuredKeyShares(const Snapshot &snapshot, double minEvents = 2000);

/// The model of the pipeline a snapshot shows, the one every view, report and check reads (one number per
/// quantity): its configuration at the producers' configured rate, the executor threads it lists as cores, the
/// overhead it measured (0 while too few events finished), and its measured key shares once enough events
/// finished to tell them from the hash's (20,000 in its window), else the hash's.
QueueingModel modelOfSnapshot(const Snapshot &snapshot);

/// Closed forms the model is built from, for the tests and the docs.
namespace queueing {
/// M/D/1 mean wait in queue: rho x S / (2 (1 - rho)); infinite at rho >= 1.
double mdOneWait(double rho, double serviceS);
/// M/M/1 mean wait in queue: rho x S / (1 - rho); infinite at rho >= 1.
double mmOneWait(double rho, double serviceS);
/// GI/G/1 mean wait, Allen-Cunneen with the Kraemer-Langenbach-Belz correction for ca2 < 1.
double giG1Wait(double rho, double serviceS, double ca2, double cs2);
/// Mean wait of one consumer whose arrivals are a random `share` of `producers` paced streams with `rho` its
/// utilisation and `serviceS` its fixed service: (rho - share x f) x S / (2 (1 - rho)), never below 0, with
/// f = 1 - producers / 100. Exact for one producer when the service is a whole number of the stream's
/// gaps (the discrete-time Geo/D/1 queue: a consumer is found busy only by an event that follows within S);
/// tends to M/D/1 as producers (independent phases) grow; infinite at rho >= 1.
double pacedSplitWait(double rho, double serviceS, double share, int producers);
/// Throughput of a closed network of single-server queues holding `population` events, visit shares `shares`
/// and service times `serviceS` (mean value analysis, exact for exponential service and a lower bound for
/// deterministic service; stops iterating once it is within 1e-6 of the bottleneck bound).
double mvaThroughput(const std::vector<double> &shares, const std::vector<double> &serviceS, long long population);
} // namespace queueing

} // namespace beam
