// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace beam {

/// This process's CPU time and memory, read from the kernel (Linux).
struct ProcessStats {
    std::int64_t cpuNs = 0; ///< user + system time of all threads
    std::uint64_t rssBytes = 0; ///< resident set now
    std::uint64_t peakRssBytes = 0; ///< highest resident set so far

    /// Reads the numbers now (any thread).
    static ProcessStats read();
};

} // namespace beam
