// SPDX-License-Identifier: MIT
#pragma once

#include "core/enginecontext.h"
#include "core/threadactivity.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace beam {

/// A paced producer on its own thread (never a oneTBB worker, so its waits park nobody's work).
///
/// Pacing is by the clock, not by sleeps: the number of events due is rate x elapsed time, so sleep jitter
/// changes how many events a wake-up emits, never the rate. It emits only what admission allows; time spent
/// held back is measured (back-pressure). Debt accrued while held back is capped at 50 ms worth of events
/// (or one batch), so a producer released after a long stall does not fire a burst of stale events.
///
/// Batches go out (unless a full one is owed) only in the producer's own slots of a grid it shares with the other
/// running producers (SlotGrid: 100 us slots, one in n its own), so all of them together wake about 10,000 times a
/// second and never two in the same slot. It asks to wake early by how late its wake-ups come, learnt as it goes.
///
/// Its thread records its busy time in a ThreadActivity (activity()): creating and handing over a batch, and
/// any graph work it runs itself (GraphRunner::submit()); never a wait for credits or for the clock.
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

    /// What this producer's thread ran and how busy it was.
    [[nodiscard]] const ThreadActivity &activity() const { return m_activity; }

    /// Upper bound on events in one message.
    static constexpr std::int64_t kMaxBatch = 1024;
    /// Slices the producer thread's ring holds.
    static constexpr std::size_t kActivityCapacity = 4096;

private:
    void run();
    void emitBatch(std::int64_t count, std::int64_t admitted, std::int64_t createdNs);
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
    std::uint64_t m_sequence = 0;

    SoloCounter m_produced;
    SoloCounter m_dropped;
    SoloCounter m_offered;
    SoloCounter m_blockedNs;
    SoloCounter m_batches;
    TimedTally m_admittedTally; ///< events admitted into the graph, with their admission time
    ThreadActivity m_activity{kActivityCapacity};
};

} // namespace beam
