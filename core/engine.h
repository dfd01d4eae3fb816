// SPDX-License-Identifier: MIT
#pragma once

#include "core/deadletters.h"
#include "core/event.h"
#include "core/flightrecorder.h"
#include "core/histogram.h"
#include "core/pipelineconfig.h"
#include "core/snapshot.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

/// The engine (core/) and the program around it; see the main page for how the engine is put together.
namespace beam {

/// The oneTBB version the engine runs on (for About boxes; the UI never includes oneTBB itself).
std::string oneTbbVersion();

/// How Engine::stop() ends a run.
enum class StopMode {
    Drain, ///< producers stop, every event in flight reaches its outcome, then the graph stops
    Now, ///< producers stop, events in flight are released unprocessed and counted as abandoned
};

/// The pipeline: paced producers -> limiter_node (the in-flight bound) -> router -> serial consumers, on a oneTBB
/// flow graph in its own task arena, with a sampler that turns counters into immutable snapshots.
///
/// Threads: every public member may be called from any one control thread (the UI bridge, the headless
/// loop); none blocks on event processing except stop(). Snapshots are immutable and shared.
class Engine
{
public:
    /// A stopped engine with `config`; nothing runs until start().
    explicit Engine(const PipelineConfig &config = {});
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    /// Validates the configuration and starts producing. Returns the violations instead when invalid.
    std::vector<ConfigError> start();
    /// Producers stop creating events; events in flight still finish.
    void pause();
    /// Producers carry on after pause().
    void resume();
    /// Stops; with Drain, waits until nothing is in flight or `drainTimeout` passed (then stops now).
    void stop(StopMode mode = StopMode::Drain, std::chrono::milliseconds drainTimeout = std::chrono::seconds(10));
    /// Any thread, returns at once: a stop(Drain) in progress (or one that starts later) stops waiting for the
    /// events in flight and stops now instead; they are released unprocessed and counted as abandoned. For a
    /// window closing while its engine drains.
    void requestStopNow();

    /// Applies a new configuration to the running engine; takes effect within one sampling interval.
    /// The seed is fixed for a run. Returns the violations (and changes nothing) when invalid.
    std::vector<ConfigError> reconfigure(const PipelineConfig &config);

    /// The configuration in force.
    [[nodiscard]] PipelineConfig config() const;
    /// Idle before start(), then Running, Paused, Draining, Stopped.
    [[nodiscard]] EngineState state() const;

    /// Seconds since start() on the clock of Snapshot::elapsedS (0 before start), for what is noted beside the
    /// snapshots (a lesson's captions in the flight recorder).
    [[nodiscard]] double elapsedS() const;
    /// The newest snapshot (never null once started).
    [[nodiscard]] std::shared_ptr<const Snapshot> latest() const;
    /// Snapshots kept, oldest first: those of the last five seconds (at most 500). Only the newest keeps the threads'
    /// recent slices (ThreadSample::recent); older ones have them emptied, to bound memory.
    [[nodiscard]] std::vector<std::shared_ptr<const Snapshot>> history() const;
    /// Takes a snapshot now, outside the sampler's rhythm, and returns it (also appended to the history).
    std::shared_ptr<const Snapshot> sampleNow();
    /// Creation-to-completion latency of every processed event since start, in nanoseconds.
    [[nodiscard]] Histogram latencyHistogram() const;
    /// Every producer's pacing lag (distance of creation from due time, nanoseconds) since start, merged. Any thread.
    [[nodiscard]] Histogram pacingLagHistogram() const;
    /// Wake-ups of the shared pacing thread since start (batched pacing; 0 under exact pacing).
    [[nodiscard]] std::uint64_t pacerRounds() const;
    /// Why the engine stopped producing on its own, if it did (e.g. the safety cap); empty otherwise.
    [[nodiscard]] std::string notice() const;

    /// Fault injection: crash consumer `index` now (its supervisor restarts it). Out of range: ignored.
    void killConsumer(int index);
    /// Fault injection: consumer `index` stops making progress until the hang timeout crashes it.
    void hangConsumer(int index);
    /// True when the top-level supervisor gave up (the pipeline cannot process any more).
    [[nodiscard]] bool gaveUp() const;
    /// The last dead letters (at most 1000), oldest first.
    [[nodiscard]] std::vector<DeadLetter> deadLetters() const;

    /// The window every rate and ratio of a snapshot covers (Snapshot::windowS): 1 s unless a lesson plays
    /// faster than written (--speed 4: 0.25 s, so that its captions' checks see what they would at speed 1).
    /// Any thread; from the next sample on.
    void setRateWindow(double seconds);

    /// The flight recorder that keeps every snapshot of this run (docs/recording.md). Each engine makes its own
    /// (FlightRecorder::Limits' defaults); setRecorder() before start() gives it another, or none (null).
    [[nodiscard]] std::shared_ptr<FlightRecorder> recorder() const;
    /// Records into `recorder` instead (null: records nothing, the cheapest run). Before start().
    void setRecorder(std::shared_ptr<FlightRecorder> recorder);

    /// Observer of every final outcome (tests, inspection). Set before start(); costs a branch per event.
    void setOutcomeSink(OutcomeSink *sink);
    /// Tests only: `hook` is called at each FaultSite and may throw there, to show that the engine's thread
    /// boundaries hold. Set before start().
    void setFaultHook(std::function<void(FaultSite)> hook);
    /// The first exception a thread outside the graph caught at its boundary (producer, timer, sampler),
    /// as "thread: what"; empty if none. Also logged as an engine event (EngineEvent::Kind::ThreadFailed).
    [[nodiscard]] std::string failure() const;

    /// For tests of the whole program: the hook the environment variable BEAM_TEST_FAULT asks for, `value`
    /// being producer, timer, consumer or sampler: it throws once, at the first time the engine passes that
    /// site. Empty (no hook) when `value` is null, empty or none of those.
    static std::function<void(FaultSite)> testFaultHook(const char *value);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace beam
