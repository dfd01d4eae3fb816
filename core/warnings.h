// SPDX-License-Identifier: MIT
#pragma once

#include "core/snapshot.h"

#include <deque>
#include <string>
#include <vector>

namespace beam {

/// A condition worth telling the user about while the pipeline runs.
struct Warning {
    /// What the warning is about.
    enum class Kind {
        UnboundedGrowth, ///< in flight keeps growing: nothing bounds the queues
        RestartStorm, ///< a supervisor has used most of its restart budget
        StarvedConsumer, ///< a consumer idles while producers are held back
        SafetyCap, ///< the unbounded policy hit its safety cap
    };
    Kind kind = Kind::UnboundedGrowth; ///< what it is about
    double atS = 0; ///< elapsed seconds of the snapshot that raised it
    std::string message; ///< one sentence with the numbers
};

/// The kind as a snake_case name ("unbounded_growth", "restart_storm", "starved_consumer", "safety_cap").
std::string_view toString(Warning::Kind kind);

/// Watches snapshots and raises a warning when a condition starts (edge-triggered: a condition that holds
/// for a minute is reported once, and again only after it has cleared). Pure: feed it snapshots in order.
class WarningMonitor
{
public:
    /// Thresholds, public so tests and lessons can read what they are.
    static constexpr double kGrowthWindowS = 3.0; ///< in flight rose over this long...
    static constexpr std::int64_t kGrowthMinimum = 1000; ///< ...by at least this many events...
    static constexpr double kGrowthFactor = 1.05; ///< ...and by at least this factor
    static constexpr double kStormBudget = 0.75; ///< share of a restart budget in use
    static constexpr double kStarvedForS = 2.0; ///< idle this long while producers are held back
    static constexpr double kStarvedBusy = 0.2; ///< below this busy ratio a consumer counts as idle
    static constexpr double kHeldBack = 0.5; ///< producers held back at least this share of the time
    static constexpr double kShortIntervalS = 0.02; ///< snapshots covering less are not judged for starvation

    /// The warnings that started with this snapshot.
    std::vector<Warning> observe(const Snapshot &snapshot);

    /// The conditions holding at the last snapshot, one warning each.
    [[nodiscard]] const std::vector<Warning> &active() const { return m_active; }

    /// Forgets everything observed: for a new run.
    void reset();

private:
    struct Point {
        double atS = 0;
        std::int64_t inFlight = 0;
        bool held = false; ///< producers held back more than kHeldBack
    };
    std::deque<Point> m_points;
    /// The consumers idle with empty queues for kStarvedForS while the producers are held back.
    std::vector<int> starvedConsumers(const Snapshot &s);
    std::vector<double> m_idleSince; ///< per consumer: when it started idling under back-pressure, < 0 when busy
    std::vector<Warning> m_active;
};

} // namespace beam
