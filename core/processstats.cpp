// SPDX-License-Identifier: MIT
#include "core/processstats.h"

#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

namespace beam {

ProcessStats ProcessStats::read()
{
    ProcessStats stats;
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        const auto toNs
            = [](const timeval &t) { return std::int64_t{t.tv_sec} * 1'000'000'000 + std::int64_t{t.tv_usec} * 1000; };
        stats.cpuNs = toNs(usage.ru_utime) + toNs(usage.ru_stime);
        stats.peakRssBytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
    }
    if (std::FILE *statm = std::fopen("/proc/self/statm", "r")) {
        unsigned long long size = 0;
        unsigned long long resident = 0;
        if (std::fscanf(statm, "%llu %llu", &size, &resident) == 2)
            stats.rssBytes = resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
        std::fclose(statm);
    }
    return stats;
}

} // namespace beam
