// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

#include <functional>

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

/// The largest 1, 2 or 5 times a power of ten at or below `value`, and the smallest at or above it (value > 0).
[[nodiscard]] double niceFloor(double value);
[[nodiscard]] double niceCeil(double value);

/// A logarithmic axis fitted to the data it shows.
struct LogAxis {
    double low = 1; ///< the bottom of the axis: a 1-2-5 value below the data by at least the margin
    double high = 1000; ///< the top, the same above it
    QList<double> ticks; ///< labelled values, rising, between low and high: round, far enough apart to read
};

/// An axis for data between `low` and `high` (both > 0; 0.5 and 200 give 0.2 .. 500): bounds are round 1-2-5
/// values at least `margin` times beyond the data. Ticks at most `maxIntervals` intervals: every 1-2-5 value
/// when they fit (20, 50, 100, 200), else each decade and the bounds (10, 100, 500), else every second or
/// third decade; no two ticks closer than half an interval of the whole span, so their labels do not collide.
/// With `labelFits`, only values whose label fits are ticked, and when no such set has two ticks, the 1-2-5
/// values that fit are taken from the bottom up, each far enough from the one before.
[[nodiscard]] LogAxis logAxis(double low, double high, int maxIntervals = 5, double margin = 1.25,
    const std::function<bool(double)> &labelFits = {});

/// Whether an axis showing `shown` still suits data between `low` and `high`: it holds them, and it is no more
/// than `slack` times wider than a fresh fit on either side. Keeping such an axis is the hysteresis that stops
/// it jumping with every redraw: it grows as soon as the data leaves it, and shrinks only when far too wide.
[[nodiscard]] bool logAxisHolds(const LogAxis &shown, double low, double high, double slack = 4);

/// One value as a tick label (round values print without decimals: "20k", "1.5 ms", "100 µs").
[[nodiscard]] QString format(double value, Unit unit);

} // namespace ticks
} // namespace beam
