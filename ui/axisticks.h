// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

namespace beam {

/// Axis ticks people can read (Grafana's rule): round 1-2-5 steps, and labels in the unit a person would use
/// for that size (µs -> ms -> s, ev/s -> k -> M). The charts call these; they are pure and tested on their own.
namespace ticks {

/// What a value measures, which decides how it is printed.
enum class Unit {
    Plain, ///< a count or a rate: 950, 9.5k, 1.2M
    Microseconds, ///< a duration given in µs: 950 µs, 1.5 ms, 2 s
    Percent, ///< 0..100: 40%
    Megabytes, ///< resident memory in MB, as top prints it: 64M, 1.5G
    Seconds, ///< time on the x axis: 30 s, 2 min
};

/// The smallest 1, 2 or 5 times a power of ten that is at least `raw` (raw > 0).
[[nodiscard]] double niceStep(double raw);

/// Round ticks for a linear axis from 0: `step` is a 1-2-5 step, `top` the first tick at or above `high`
/// (at least one step), about `target` intervals in all.
struct Linear {
    double step = 1;
    double top = 1;
    [[nodiscard]] QList<double> values() const; ///< 0, step, 2 step, ... top
};
[[nodiscard]] Linear linear(double high, int target = 4);

/// Powers of ten for a logarithmic axis covering [low, high] (both > 0), at most `maxIntervals` intervals: every
/// decade (1, 10, 100...) when they fit, else every second or third (1, 100, 10k...).
[[nodiscard]] QList<double> decades(double low, double high, int maxIntervals = 8);

/// One value as a tick label (round values print without decimals: "20k", "1.5 ms", "100 µs").
[[nodiscard]] QString format(double value, Unit unit);

} // namespace ticks
} // namespace beam
