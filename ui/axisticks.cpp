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

QList<double> decades(double low, double high, int maxIntervals)
{
    QList<double> out;
    if (!(low > 0) || !(high > 0) || !std::isfinite(low) || !std::isfinite(high))
        return out;
    int first = static_cast<int>(std::floor(std::log10(std::min(low, high)) + 1e-9));
    const int last = std::max(first + 1, static_cast<int>(std::ceil(std::log10(std::max(low, high)) - 1e-9)));
    const int stride = std::max(1, (last - first + std::max(1, maxIntervals) - 1) / std::max(1, maxIntervals));
    // Whole strides that end at or above `last`, anchored at multiples of the stride so ticks do not shift.
    first = static_cast<int>(std::floor(static_cast<double>(first) / stride)) * stride;
    for (int e = first; e < last + stride; e += stride)
        out << std::pow(10.0, e);
    return out;
}

QString format(double value, Unit unit)
{
    const double a = std::abs(value);
    switch (unit) {
    case Unit::Plain:
        if (a >= 1e9)
            return compact(value / 1e9) + QLatin1Char('G');
        if (a >= 1e6)
            return compact(value / 1e6) + QLatin1Char('M');
        if (a >= 1e3)
            return compact(value / 1e3) + QLatin1Char('k');
        return compact(value);
    case Unit::Microseconds:
        if (a >= 1e6)
            return compact(value / 1e6) + QStringLiteral(" s");
        if (a >= 1e3)
            return compact(value / 1e3) + QStringLiteral(" ms");
        if (a > 0 && a < 1)
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
