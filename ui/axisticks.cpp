// SPDX-License-Identifier: MIT
#include "axisticks.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace beam::ticks {

namespace {
/// A number with at most three significant digits, trailing zeros dropped: 1.5, 20, 0.25, 999.
QString compact(double value)
{
    const double magnitude = std::abs(value);
    const int decimals = magnitude >= 100 || magnitude == 0 ? 0 : magnitude >= 10 ? 1 : 2;
    QString text = QString::number(value, 'f', decimals);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    return text == QLatin1String("-0") ? QStringLiteral("0") : text;
}
} // namespace

double niceStep(double raw)
{
    if (!(raw > 0) || !std::isfinite(raw))
        return 1;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        // A small tolerance: 0.3 / 0.1 is 2.9999999999999996, and 3 must not become 5 for it.
        if (m * power >= raw * (1 - 1e-9))
            return m * power;
    }
    return 10 * power;
}

QList<double> Linear::values() const
{
    QList<double> out;
    const int n = static_cast<int>(std::lround(top / step));
    for (int i = 0; i <= n; ++i)
        out << i * step;
    return out;
}

Linear linear(double high, int target)
{
    Linear l;
    if (!(high > 0) || !std::isfinite(high))
        high = 1;
    l.step = niceStep(high / std::max(1, target));
    l.top = std::max(l.step, std::ceil(high / l.step * (1 - 1e-9)) * l.step);
    return l;
}

double niceFloor(double value)
{
    if (!(value > 0) || !std::isfinite(value))
        return 1;
    const double power = std::pow(10.0, std::floor(std::log10(value)));
    for (double m : {5.0, 2.0, 1.0}) {
        if (m * power <= value * (1 + 1e-9))
            return m * power;
    }
    return power / 2; // log10 rounded up: value is just below a power of ten
}

double niceCeil(double value)
{
    return niceStep(value);
}

namespace {
/// Every 1, 2 and 5 times a power of ten from `low` to `high`, both included when they are such values.
QList<double> oneTwoFive(double low, double high)
{
    QList<double> out;
    for (int e = static_cast<int>(std::floor(std::log10(low))) - 1; e <= static_cast<int>(std::ceil(std::log10(high)));
         ++e) {
        for (double m : {1.0, 2.0, 5.0}) {
            const double v = m * std::pow(10.0, e);
            if (v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9))
                out << v;
        }
    }
    return out;
}

/// Powers of ten between `low` and `high` whose exponent is a multiple of `stride` (so they stay put as the
/// bounds move), with each bound too unless it crowds a neighbour (closer than `minGap` decades).
QList<double> decadesAndBounds(double low, double high, int stride, double minGap)
{
    const auto apart = [minGap](double a, double b) { return std::abs(std::log10(b / a)) >= minGap * (1 - 1e-9); };
    QList<double> out;
    const int first = static_cast<int>(std::floor(std::log10(low))) - 1;
    const int last = static_cast<int>(std::ceil(std::log10(high))) + 1;
    for (int e = first; e <= last; ++e) {
        const double decade = std::pow(10.0, e);
        if (e % stride == 0 && decade >= low * (1 - 1e-9) && decade <= high * (1 + 1e-9))
            out << decade;
    }
    if (out.isEmpty() || (out.first() > low * (1 + 1e-9) && apart(low, out.first())))
        out.prepend(low);
    if (out.last() < high * (1 - 1e-9) && apart(out.last(), high))
        out << high;
    return out;
}

bool readable(const QList<double> &ticks, int maxIntervals, double minGap)
{
    if (ticks.size() < 2 || ticks.size() - 1 > maxIntervals)
        return false;
    for (qsizetype i = 1; i < ticks.size(); ++i) {
        if (std::log10(ticks[i] / ticks[i - 1]) < minGap * (1 - 1e-9))
            return false;
    }
    return true;
}
} // namespace

LogAxis logAxis(double low, double high, int maxIntervals, double margin, const std::function<bool(double)> &labelFits)
{
    LogAxis axis;
    if (!(low > 0) || !(high > 0) || !std::isfinite(low) || !std::isfinite(high)) {
        axis.ticks = {1, 10, 100, 1000};
        return axis;
    }
    if (low > high)
        std::swap(low, high);
    margin = std::max(1.0, margin);
    maxIntervals = std::max(1, maxIntervals);
    axis.low = niceFloor(low / margin);
    axis.high = niceCeil(high * margin);
    const double span = std::log10(axis.high / axis.low);
    const double minGap = 0.5 * span / maxIntervals;
    const auto fitting = [&labelFits](QList<double> ticks) {
        if (labelFits)
            ticks.removeIf([&labelFits](double v) { return !labelFits(v); });
        return ticks;
    };
    const QList<double> all = fitting(oneTwoFive(axis.low, axis.high));
    if (readable(all, maxIntervals, minGap)) {
        axis.ticks = all;
        return axis;
    }
    for (int stride = 1; stride <= 12; ++stride) {
        if (auto ticks = fitting(decadesAndBounds(axis.low, axis.high, stride, minGap));
            readable(ticks, maxIntervals, minGap)) {
            axis.ticks = ticks;
            return axis;
        }
    }
    // Labels too wide for most round values (a narrow chart in large type): those that fit, far enough apart.
    QList<double> apart;
    for (double v : all) {
        if (apart.size() <= maxIntervals && (apart.isEmpty() || std::log10(v / apart.last()) >= minGap * (1 - 1e-9)))
            apart << v;
    }
    if (apart.size() >= 2) {
        axis.ticks = apart;
        return axis;
    }
    axis.ticks = {axis.low, axis.high}; // twelve decades or more in one interval: only the ends are labelled
    return axis;
}

bool logAxisHolds(const LogAxis &shown, double low, double high, double slack)
{
    if (!(low > 0) || !(high > 0) || shown.ticks.isEmpty())
        return false;
    if (low > high)
        std::swap(low, high);
    if (low < shown.low || high > shown.high)
        return false;
    const LogAxis fresh = logAxis(low, high);
    return shown.low * slack >= fresh.low * (1 - 1e-9) && shown.high <= fresh.high * slack * (1 + 1e-9);
}

QString format(double value, Unit unit)
{
    const double a = std::abs(value);
    // A value that rounds to 1000 of a unit (999.6) is printed as 1 of the next ("1k", "1 ms"), not "1000".
    constexpr double up = 0.9995;
    switch (unit) {
    case Unit::Plain:
        if (a >= up * 1e9)
            return compact(value / 1e9) + QLatin1Char('G');
        if (a >= up * 1e6)
            return compact(value / 1e6) + QLatin1Char('M');
        if (a >= up * 1e3)
            return compact(value / 1e3) + QLatin1Char('k');
        return compact(value);
    case Unit::Microseconds:
        if (a >= up * 1e6)
            return compact(value / 1e6) + QStringLiteral(" s");
        if (a >= up * 1e3)
            return compact(value / 1e3) + QStringLiteral(" ms");
        if (a > 0 && a < up)
            return compact(value * 1e3) + QStringLiteral(" ns");
        return compact(value) + QStringLiteral(" µs");
    case Unit::Percent:
        return compact(value) + QLatin1Char('%');
    case Unit::Megabytes:
        // As top and htop print memory: short enough for a narrow axis at projector size ("300 MB" was cut).
        if (a >= 1024)
            return compact(value / 1024) + QLatin1Char('G');
        return value == 0 ? QStringLiteral("0") : compact(value) + QLatin1Char('M');
    case Unit::Seconds:
        if (a >= 60 && std::fmod(a, 60) == 0)
            return compact(value / 60) + QStringLiteral(" min");
        return compact(value) + QStringLiteral(" s");
    }
    return compact(value);
}

} // namespace beam::ticks
