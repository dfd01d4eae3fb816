// SPDX-License-Identifier: MIT
#pragma once

#include "core/histogram.h"
#include "core/pipelineconfig.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace beam {

class Engine;

/// The headless mode's console: a header, then one line a second (rates, latency over that second, in
/// flight, back-pressure, CPU, memory, lost), and the engine's notices on stderr as they change.
class ConsoleTelemetry
{
public:
    /// Constructed as the run starts: the first line measures from here.
    explicit ConsoleTelemetry(bool quiet);

    void printHeader(const PipelineConfig &config) const;
    /// Prints the line for the second that just ended; `elapsedS` is the run's time.
    void printLine(Engine &engine, double elapsedS);

private:
    bool m_quiet;
    std::chrono::steady_clock::time_point m_lastTime;
    std::uint64_t m_lastCpu = 0;
    std::string m_lastNotice;
    std::string m_lastFailure; ///< the engine's failure already printed
};

} // namespace beam
