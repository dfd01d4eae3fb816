// SPDX-License-Identifier: MIT
#include "core/timerservice.h"
#include "core/threadname.h"

#include <sys/prctl.h>

namespace beam {

TimerService::~TimerService()
{
    shutdown();
}

void TimerService::shutdown()
{
    {
        std::lock_guard lock(m_mutex);
        m_shutDown = true; // callbacks that flush() runs may schedule more: dropped
    }
    flush();
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void TimerService::schedule(Clock::time_point deadline, std::function<void()> callback)
{
    bool earliest = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_shutDown)
            return;
        if (!m_thread.joinable())
            m_thread = std::thread([this] {
                nameThisThread("beam-timer");
                run();
            });
        earliest = m_entries.empty() || deadline < m_entries.top().deadline;
        m_entries.push({deadline, m_order++, std::move(callback)});
    }
    // The timer thread already sleeps until the earliest deadline; only a new earliest one needs a wake-up.
    if (earliest)
        m_changed.notify_one();
}

void TimerService::flush()
{
    std::unique_lock lock(m_mutex);
    while (!m_entries.empty()) {
        auto entry = m_entries.top();
        m_entries.pop();
        lock.unlock();
        invoke(std::move(entry));
        lock.lock();
    }
    m_callbackDone.wait(lock, [this] { return !m_inCallback; });
}

std::size_t TimerService::pending() const
{
    std::lock_guard lock(m_mutex);
    return m_entries.size();
}

void TimerService::invoke(Entry entry)
{
    // The timer thread's boundary: nothing a callback throws may end it (std::terminate), and the callback's
    // work (an I/O wait's end) must not be lost, so it runs again shortly.
    std::string what;
    try {
        entry.callback();
        return;
    } catch (const std::exception &e) {
        what = e.what();
    } catch (...) {
        what = "an exception of unknown type";
    }
    ++entry.attempts;
    const bool again = entry.attempts < kAttempts;
    if (m_onFailure) {
        m_onFailure("a timer callback threw (" + what + "); "
            + (again ? "it runs again in 1 ms" : "given up after " + std::to_string(kAttempts) + " attempts"));
    }
    if (!again)
        return;
    const std::lock_guard lock(m_mutex);
    if (m_shutDown && !m_stopping) {
        m_entries.push({Clock::now(), m_order++, std::move(entry.callback), entry.attempts}); // flush() runs it
        return;
    }
    if (!m_shutDown)
        m_entries.push(
            {Clock::now() + std::chrono::milliseconds(1), m_order++, std::move(entry.callback), entry.attempts});
}

void TimerService::run()
{
    // Linux lets a sleeping thread wake up to 50 us late by default; simulated I/O should end when it is due.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_entries.empty()) {
            m_changed.wait(lock);
            continue;
        }
        const auto deadline = m_entries.top().deadline;
        if (Clock::now() < deadline) {
            m_changed.wait_until(lock, deadline);
            continue;
        }
        auto entry = m_entries.top();
        m_entries.pop();
        m_inCallback = true;
        lock.unlock();
        invoke(std::move(entry));
        lock.lock();
        m_inCallback = false;
        m_callbackDone.notify_all();
    }
}

} // namespace beam
