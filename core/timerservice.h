// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
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

private:
    struct Entry {
        Clock::time_point deadline;
        std::uint64_t order;
        std::function<void()> callback;
        bool operator>(const Entry &other) const
        {
            return deadline != other.deadline ? deadline > other.deadline : order > other.order;
        }
    };

    void run();

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
