// SPDX-License-Identifier: MIT
// What waking a sleeping thread costs in CPU, for one thread or for many: N threads each sleep S ns in a loop
// for 3 s, on a condition variable (as producers do) or with nanosleep, with a given timer slack; the process's
// CPU time is divided by the wake-ups counted, and how late each wake-up came after the time it asked for is
// averaged. docs/executor.md and docs/pacing-and-batching.md quote it. Standalone, no project code:
//   g++ -O2 -std=c++20 -pthread bench/wakeup_cost.cpp -o /tmp/wakeup_cost
//   /tmp/wakeup_cost THREADS SLEEP_NS CONDVAR(0|1) [SLACK_NS]
//   /tmp/wakeup_cost 1 50000 1 && /tmp/wakeup_cost 64 6400000 1 && /tmp/wakeup_cost 64 6400000 1 500000
#include <sys/prctl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

double processCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s THREADS SLEEP_NS CONDVAR(0|1) [SLACK_NS]\n", argv[0]);
        return 2;
    }
    const int threads = std::atoi(argv[1]);
    const long sleepNs = std::atol(argv[2]);
    const bool condvar = std::atoi(argv[3]) != 0;
    const long slackNs = argc > 4 ? std::atol(argv[4]) : 0;
    if (threads < 1 || sleepNs < 1 || slackNs < 0) {
        std::fprintf(stderr, "THREADS and SLEEP_NS must be positive, SLACK_NS not negative\n");
        return 2;
    }
    std::atomic<bool> stop{false};
    std::atomic<long> wakeups{0};
    std::atomic<long> lateNsTotal{0}; ///< over all wake-ups: woken minus asked-for time
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&] {
            if (slackNs > 0)
                prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slackNs), 0UL, 0UL, 0UL);
            std::mutex mutex;
            std::condition_variable wake;
            while (!stop.load(std::memory_order_relaxed)) {
                const auto asked = std::chrono::steady_clock::now() + std::chrono::nanoseconds(sleepNs);
                if (condvar) {
                    std::unique_lock lock(mutex);
                    wake.wait_for(lock, std::chrono::nanoseconds(sleepNs), [&] { return stop.load(); });
                } else {
                    std::this_thread::sleep_for(std::chrono::nanoseconds(sleepNs));
                }
                lateNsTotal.fetch_add(
                    static_cast<long>(std::chrono::nanoseconds(std::chrono::steady_clock::now() - asked).count()),
                    std::memory_order_relaxed);
                wakeups.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // every thread started and asleep
    const long countedBefore = wakeups.load();
    const long lateBefore = lateNsTotal.load();
    const double cpuBefore = processCpuSeconds();
    const auto wallBefore = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const long counted = wakeups.load() - countedBefore;
    const long late = lateNsTotal.load() - lateBefore;
    const double cpu = processCpuSeconds() - cpuBefore;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallBefore).count();
    stop = true;
    for (auto &thread : pool)
        thread.join();
    const double perSecond = static_cast<double>(counted) / wall;
    std::printf("%d thread(s), sleep %ld ns, %s, slack %s: CPU %.1f%% of one core, %.0f wake-ups/s, %.1f us per "
                "wake-up, woken %.1f us after the time asked for (mean)\n",
        threads, sleepNs, condvar ? "condition variable" : "nanosleep",
        slackNs > 0 ? std::to_string(slackNs).c_str() : "default", cpu / wall * 100.0, perSecond,
        cpu / wall / perSecond * 1e6,
        counted > 0 ? static_cast<double>(late) / static_cast<double>(counted) / 1e3 : 0.0);
    return 0;
}
