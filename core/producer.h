// SPDX-License-Identifier: MIT
#pragma once

#include "core/enginecontext.h"
#include "core/histogram.h"
#include "core/threadactivity.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace beam {

/// Where one pacer round gathers the batches its producers create, to hand them to the graph as few messages as
/// it can (a message costs the graph about as much as a thousand events): a message goes as soon as it holds a
/// producer's batch bound of events (a quarter of the in-flight limit: more would hold the limit's room back from
/// the graph) or its oldest event is kMergeNs old (latency counts from creation), and at the round's end.
class RoundBatches
{
public:
    explicit RoundBatches(std::function<void(Batch *)> emit)
        : m_emit(std::move(emit))
    { }
    /// How long the round's message waits for other producers' events at most.
    static constexpr std::int64_t kMergeNs = 10'000;
    /// Takes `batch`'s events into the round's message (and the batch itself if the message is empty); hands the
    /// message over once it holds `bound` events or its oldest is kMergeNs old at `now`.
    void add(Batch *batch, std::int64_t bound, std::int64_t now);
    /// Hands the round's message to the graph, if it holds events.
    void flush();

private:
    std::function<void(Batch *)> m_emit;
    std::unique_ptr<Batch> m_merged;
};

/// A paced producer on its own thread (never a oneTBB worker, so its waits park nobody's work).
///
/// Pacing is by the clock, not by sleeps: the number of events due is rate x elapsed time, so sleep jitter
/// changes how many events a wake-up emits, never the rate. It emits only what the limiter lets through; time spent
/// held back is measured (back-pressure). Debt accrued while held back is capped at 50 ms worth of events
/// (or one batch), so a producer released after a long stall does not fire a burst of stale events.
///
/// Batches go out (unless a full one is owed) only in the producer's own slots of a grid it shares with the other
/// running producers (SlotGrid: 100 us slots, one in n its own), so all of them together wake about 10,000 times a
/// second and never two in the same slot. It asks to wake early by how late its wake-ups come, learnt as it goes.
///
/// Under a pacing budget (PipelineConfig::pacingUs > 0) a paced producer's thread parks and the engine's Pacer
/// runs its pacing instead, for every producer in one wake-up (paceTogether()): see docs/pacing-and-batching.md.
/// Either way each event's pacing lag (how far from the time it was due on the schedule it was created, late or
/// early) is recorded
/// (pacingLag()).
///
/// Its thread records its busy time in a ThreadActivity (activity()): creating and handing over a batch, and
/// any graph work it runs itself (GraphRunner::submit()); never a wait for the limiter or for the clock.
///
/// Threads: start(), requestStop() and join() from the owning thread; counters and activity() from any thread.
class Producer
{
public:
    using Emit = std::function<void(Batch *)>;

    /// `position`: where it stands among the running producers (0 for the first), which fixes its batch slots.
    Producer(int index, int position, EngineContext &context, Emit emit);
    ~Producer();
    Producer(const Producer &) = delete;
    Producer &operator=(const Producer &) = delete;

    void start();
    void requestStop();
    void join();

    [[nodiscard]] int index() const { return m_index; }
    [[nodiscard]] bool running() const { return m_thread.joinable() && !m_stop.load(); }

    struct Counters {
        std::uint64_t produced = 0; ///< events created (admitted + dropped)
        std::uint64_t dropped = 0; ///< drop policy: created but shed
        std::uint64_t offered = 0; ///< events that fell due by the clock (including those skipped as debt)
        std::uint64_t blockedNs = 0;
        std::uint64_t batches = 0; ///< messages it created (each a batch of admitted or shed events)
    };
    /// Reads `dropped` after `produced`, so every dropped event of a counted batch is seen.
    [[nodiscard]] Counters counters() const;

    /// Events this producer admitted into the graph, with when (for the time-weighted mean in flight).
    [[nodiscard]] const TimedTally &admittedTally() const { return m_admittedTally; }

    /// One round of shared pacing, from the Pacer's thread, at `now`: creates and emits what fell due by `atNs`
    /// (the time the pacer's wake-up meant, if it came a little early) and returns when its next event falls due
    /// (INT64_MAX when it has none to pace: stopped, or its own thread paces it). Never waits for its own thread:
    /// if that is still in a round of its own, it returns `now` + `retryNs`.
    /// Its batches go to `round`, which is flushed before it waits for the limiter (their events are in flight).
    /// `restart`: its schedule starts anew now (the pacer was parked: paused or held).
    std::int64_t paceTogether(
        std::int64_t now, std::int64_t atNs, std::int64_t retryNs, RoundBatches &round, bool restart);

    /// Pacing lag of the events it created, in nanoseconds: how far from the time each was due it
    /// was created (late, or early when a wake-up took it ahead of time).
    [[nodiscard]] const LatencyRecorder &pacingLag() const { return m_lag; }

    /// What this producer's thread ran and how busy it was.
    [[nodiscard]] const ThreadActivity &activity() const { return m_activity; }

    /// Upper bound on events in one message.
    static constexpr std::int64_t kMaxBatch = 1024;
    /// Slices the producer thread's ring holds.
    static constexpr std::size_t kActivityCapacity = 4096;

private:
    /// Where the pacing stands; the producer's thread alone uses it.
    struct Pacing {
        std::uint64_t rate = 0; ///< events per second in force (0: unthrottled)
        std::int64_t epochNs = 0; ///< when the rate took effect
        std::uint64_t dueSinceEpoch = 0; ///< events taken care of since the epoch (emitted or skipped)
        std::int64_t lastBatchNs = 0; ///< when the last batch was emitted, as the time meant
        std::int64_t earlyNs = 0; ///< how late this thread's timed wake-ups come, smoothed
        std::int64_t meantNs = 0; ///< the time the last sleep was meant to end at (it asked earlier by earlyNs)
        std::int64_t at = 0; ///< the time the current wake-up stands for
        bool restartClock = true; ///< start a new epoch (after a pause, a hold or a rate change)
    };

    void run();
    /// The pacing loop, until requestStop().
    void loop();
    /// One round of the loop (under m_turn): false when the producer should park instead.
    bool paceAlone();
    /// paceTogether()'s work, under m_turn, its batches going to m_round.
    std::int64_t paceDue(std::int64_t now, std::int64_t at, std::int64_t retryNs);
    /// Records the pacing lag of `count` events created at `createdNs`, the first of them the
    /// `first`-th due since the epoch.
    void recordLag(std::uint64_t first, std::int64_t count, std::int64_t createdNs);
    /// How many events to emit now (at most `bound`); 0 after sleeping towards the next due time.
    std::int64_t eventsDue(std::int64_t now, std::int64_t bound);
    /// Sleeps towards `meant`, asking to wake early by how late wake-ups come, and learns from this one.
    void sleepUntil(std::int64_t meant, std::int64_t now);
    /// Offers `want` due events to the limiter, emits what it lets through, and is held back if it refused.
    void emitDue(std::int64_t want, std::int64_t bound, std::int64_t now);
    /// Makes `want` events and offers them to the limiter, counting them in one ledger entry; emits the batch of
    /// those it let through. Returns {events produced, events admitted}.
    std::pair<std::int64_t, std::int64_t> offer(std::int64_t want, OverloadPolicy policy, std::int64_t createdNs);
    /// Counts `ns` held back (and, in a pacer round, as the round's: EngineContext::pacedHeldNs).
    void addHeld(std::int64_t ns);
    /// Waits until the limiter has room for `room` events (or the settings change).
    void holdBack(std::int64_t room, std::int64_t bound);
    std::int64_t batchBound() const;
    /// Sleeps `ns`, or until requestStop(), whichever comes first; true if it slept the whole time.
    bool sleepFor(std::int64_t ns);

    const int m_index;
    const int m_position;
    EngineContext &m_context;
    Emit m_emit;
    std::atomic<bool> m_stop{false};
    std::mutex m_sleepMutex;
    std::condition_variable m_sleep; ///< woken by requestStop()
    std::thread m_thread;
    /// Held by whichever thread runs this producer's pacing (its own or the Pacer's): it guards m_pacing,
    /// m_sequence and the single-writer counters, and orders one writer's updates before the next one's.
    std::mutex m_turn;
    std::uint64_t m_sequence = 0;
    Pacing m_pacing;
    LatencyRecorder m_lag;
    RoundBatches *m_round = nullptr; ///< during a pacer round: where its batches go (under m_turn)

    SoloCounter m_produced;
    SoloCounter m_dropped;
    SoloCounter m_offered;
    SoloCounter m_blockedNs;
    SoloCounter m_batches;
    TimedTally m_admittedTally; ///< events admitted into the graph, with their admission time
    ThreadActivity m_activity{kActivityCapacity};
};

} // namespace beam
