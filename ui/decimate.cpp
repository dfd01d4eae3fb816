// SPDX-License-Identifier: MIT
#include "decimate.h"

#include <algorithm>

namespace beam {

QList<QPointF> decimateMinMax(const QList<QPointF> &points, int buckets)
{
    const qsizetype n = points.size();
    if (buckets < 1 || n <= 2 * static_cast<qsizetype>(buckets) + 2)
        return points;
    const double x0 = points.front().x();
    const double span = points.back().x() - x0;
    if (!(span > 0))
        return points;
    QList<QPointF> out;
    out.reserve(2 * buckets + 2);
    out.append(points.front());
    qsizetype i = 1;
    const qsizetype end = n - 1; // the last point is appended on its own
    for (int b = 0; b < buckets && i < end; ++b) {
        const double limit = x0 + span * (b + 1) / buckets;
        qsizetype low = i;
        qsizetype high = i;
        for (; i < end && (points[i].x() <= limit || b == buckets - 1); ++i) {
            if (points[i].y() < points[low].y())
                low = i;
            if (points[i].y() > points[high].y())
                high = i;
        }
        if (i == low) // an empty bucket (a gap in time): nothing to keep
            continue;
        out.append(points[std::min(low, high)]);
        if (low != high)
            out.append(points[std::max(low, high)]);
    }
    out.append(points.back());
    return out;
}

} // namespace beam
