// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

namespace beam {

/// One thread that runs callbacks at deadlines: simulated I/O waits end here, so no oneTBB worker is parked.
///
/// Threads: schedule() and flush() from any thread; callbacks run on the timer thread and must be short
/// (they hand work back to the graph). The thread starts on first use and stops in the destructor.
class TimerService
{
public:
    using Clock = std::chrono::steady_clock;

    TimerService() = default;
    ~TimerService();
    TimerService(const TimerService &) = delete;
    TimerService &operator=(const TimerService &) = delete;

    /// Runs `callback` on the timer thread at `deadline`. After shutdown() the callback is dropped: the engine
    /// has stopped and nothing it could do would reach a running graph.
    void schedule(Clock::time_point deadline, std::function<void()> callback);
    /// Runs every pending callback now, whatever its deadline (used by "stop now"), and returns only when no
    /// callback is running on the timer thread either, so the caller may then destroy what callbacks touch.
    void flush();
    /// Runs every pending callback now, stops the timer thread and drops whatever is scheduled afterwards.
    void shutdown();
    [[nodiscard]] std::size_t pending() const;
    /// Told (on the thread that ran it) when a callback throws: what it threw. The callback is then run again
    /// a millisecond later, up to kAttempts times in all, so a failing attempt is redelivered as an event is.
    /// Set before the first schedule().
    void setFailureHandler(std::function<void(const std::string &what)> handler) { m_onFailure = std::move(handler); }
    /// How many times a throwing callback is run before it is given up (and reported once more).
    static constexpr int kAttempts = 3;

private:
    struct Entry {
        Clock::time_point deadline;
        std::uint64_t order;
        std::function<void()> callback;
        int attempts = 0; ///< runs that threw so far
        bool operator>(const Entry &other) const
        {
            return deadline != other.deadline ? deadline > other.deadline : order > other.order;
        }
    };

    void run();
    /// Runs `entry`'s callback (without the lock); if it throws, reports it and schedules it again.
    void invoke(Entry entry);

    std::function<void(const std::string &)> m_onFailure;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> m_entries;
    std::uint64_t m_order = 0;
    bool m_stopping = false;
    bool m_shutDown = false; ///< schedule() drops callbacks
    bool m_inCallback = false; ///< the timer thread is running a callback (outside the lock)
    std::condition_variable m_callbackDone;
    std::thread m_thread;
};

} // namespace beam
