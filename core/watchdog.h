// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace beam {

class Supervision;
struct EngineContext;

/// The engine's housekeeping thread, apart from the sampler (which only reads): it runs the supervisor's hang
/// watchdog a few times per hang timeout, so a consumer that holds work and makes no progress is crashed and
/// restarted, and every 10 s it hands memory the allocators keep but nobody uses back to the system
/// (docs/soak.md).
///
/// Threads: start() and stop() from the engine's control thread; its own thread does the rest. Stopped before
/// the supervision tree and the consumers go (the engine declares it after them).
class Watchdog
{
public:
    /// Watches the first `consumers` consumers of `supervision` (the count may grow while it runs).
    Watchdog(Supervision &supervision, EngineContext &context, const std::atomic<int> &consumers);
    ~Watchdog();
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;

    /// Starts the thread.
    void start();
    /// Stops the thread and joins it: no consumer is signalled by it afterwards. Idempotent.
    void stop();

private:
    void loop();
    /// One round: the hang check, and the memory release when it is due.
    void round();

    Supervision &m_supervision;
    EngineContext &m_context;
    const std::atomic<int> &m_consumers;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::chrono::steady_clock::time_point m_releaseAt;
};

} // namespace beam
