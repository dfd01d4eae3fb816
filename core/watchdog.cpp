// SPDX-License-Identifier: MIT
#include "core/watchdog.h"
#include "core/threadname.h"

#include "core/enginecontext.h"
#include "core/supervision.h"

#include <oneapi/tbb/scalable_allocator.h>

#include <algorithm>
#include <chrono>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace beam {

namespace {

/// How often the thread hands memory the allocators keep but nobody uses back to the system.
constexpr auto kReleaseMemoryEvery = std::chrono::seconds(10);
/// The longest between two hang checks (shorter when the hang timeout is short: a quarter of it).
constexpr std::chrono::milliseconds kMaxPeriod{100};

/// Gives back what the allocators hold free: oneTBB's scalable allocator (the events) keeps freed blocks in its
/// caches for ever, and glibc's per-thread arenas keep freed pages mapped. Without it a run's RSS followed its
/// highest water mark (a 200,000-event burst under the unbounded policy) and crept up with fragmentation, which
/// hides a real leak behind allocator noise. It takes a few milliseconds.
void releaseFreeMemory()
{
    scalable_allocation_command(TBBMALLOC_CLEAN_ALL_BUFFERS, nullptr);
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

} // namespace

Watchdog::Watchdog(Supervision &supervision, EngineContext &context, const std::atomic<int> &consumers)
    : m_supervision(supervision)
    , m_context(context)
    , m_consumers(consumers)
{ }

Watchdog::~Watchdog()
{
    stop();
}

void Watchdog::start()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = false;
    }
    m_releaseAt = std::chrono::steady_clock::now() + kReleaseMemoryEvery;
    m_thread = std::thread([this] {
        nameThisThread("beam-watchdog");
        loop();
    });
}

void Watchdog::stop()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void Watchdog::loop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        const std::chrono::milliseconds timeout{m_context.hangTimeoutMs.load(std::memory_order_relaxed)};
        const auto period = std::clamp(timeout / 4, std::chrono::milliseconds(1), kMaxPeriod);
        if (m_wake.wait_for(lock, period, [this] { return m_stop; }))
            break;
        lock.unlock();
        // The thread's boundary: a round that throws is reported, and the next one runs on time.
        try {
            round();
        } catch (const std::exception &e) {
            m_context.threadFailed("watchdog thread", e.what());
        } catch (...) {
            m_context.threadFailed("watchdog thread", "an exception of unknown type");
        }
        lock.lock();
    }
}

void Watchdog::round()
{
    m_supervision.watch(nowNs(), m_consumers.load(std::memory_order_acquire));
    if (std::chrono::steady_clock::now() >= m_releaseAt) {
        releaseFreeMemory();
        m_releaseAt = std::chrono::steady_clock::now() + kReleaseMemoryEvery;
    }
}

} // namespace beam
