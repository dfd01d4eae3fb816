// SPDX-License-Identifier: MIT
#include "littleslaw.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace beam {

namespace {

/// Times compare with a little slack: a sampler's intervals end a few microseconds off the round figure.
constexpr double kSlackS = 1e-6;

/// One interval's mean in flight at its midpoint, weighted by its length.
struct TrendPoint {
    double x, y, w;
};

/// The weighted least-squares line through `points` (their weights sum to `weights`): its slope and the slope's
/// standard error into `law`; false when the points do not span any time.
bool fitTrend(const std::vector<TrendPoint> &points, double weights, LittlesLaw &law)
{
    double meanX = 0;
    double meanY = 0;
    for (const TrendPoint &p : points) {
        meanX += p.w * p.x / weights;
        meanY += p.w * p.y / weights;
    }
    double sxx = 0;
    double sxy = 0;
    for (const TrendPoint &p : points) {
        sxx += p.w * (p.x - meanX) * (p.x - meanX);
        sxy += p.w * (p.x - meanX) * (p.y - meanY);
    }
    if (sxx <= 0)
        return false;
    const double slope = sxy / sxx;
    double residuals = 0;
    for (const TrendPoint &p : points) {
        const double r = p.y - meanY - slope * (p.x - meanX);
        residuals += p.w * r * r;
    }
    law.trendPerSec = slope;
    law.trendErrorPerSec = std::sqrt(residuals / static_cast<double>(points.size() - 2) / sxx);
    return true;
}

} // namespace

LittlesLaw judgeLittlesLaw(std::span<const LittlesInterval> intervals, const LittlesRule &rule)
{
    LittlesLaw law;
    // The newest interval with a length: the end of the window and of the fit.
    auto last = intervals.rbegin();
    while (last != intervals.rend() && last->lengthS <= 0)
        ++last;
    if (last == intervals.rend())
        return law;
    const double end = last->endS;

    // L, lambda and W over the last window.
    double covered = 0;
    double inFlightTime = 0;
    double finished = 0;
    double latencyTotalS = 0;
    for (auto it = last; it != intervals.rend() && it->endS > end - rule.windowS + kSlackS; ++it) {
        if (it->lengthS <= 0)
            continue;
        covered += it->lengthS;
        inFlightTime += it->inFlightMean * it->lengthS;
        finished += it->finished;
        latencyTotalS += it->finished * it->latencyMeanS;
    }
    if (covered <= 0)
        return law;
    law.windowS = covered;
    law.inFlightMean = inFlightTime / covered;
    law.throughputPerSec = finished / covered;
    law.latencyMeanS = finished > 0 ? latencyTotalS / finished : 0.0;
    law.predicted = law.throughputPerSec * law.latencyMeanS;
    law.noise = std::sqrt(std::max(0.0, law.inFlightMean));
    const double larger = std::max(law.inFlightMean, law.predicted);
    law.agrees = std::abs(law.inFlightMean - law.predicted) <= rule.tolerance * larger;

    // The trend: a least-squares line through the intervals' mean in flight over the last trendS, against the
    // intervals' midpoints, each weighted by its length (a mean over a longer interval is less noisy: its
    // variance goes as 1 / length once the interval is longer than L's correlation time, about W). A short
    // interval the sampler takes out of rhythm (a check's sampleNow()) then counts for little. Centred sums.
    std::vector<TrendPoint> points; // newest first
    double start = end;
    double weights = 0;
    for (auto it = last; it != intervals.rend() && it->endS > end - rule.trendS + kSlackS; ++it) {
        if (it->lengthS <= 0)
            continue;
        start = std::min(start, it->endS - it->lengthS);
        points.push_back({it->endS - it->lengthS / 2, it->inFlightMean, it->lengthS});
        weights += it->lengthS;
    }
    const int n = static_cast<int>(points.size());
    law.trendS = end - start;
    law.trendIntervals = n;
    if (n < std::max(3, rule.minIntervals) || law.trendS < rule.minTrendS - kSlackS
        || covered < 0.8 * rule.windowS - kSlackS)
        return law;
    if (!fitTrend(points, weights, law))
        return law;
    law.known = true;
    // |b| > k SE(b) and |b| span > m sqrt(L), in one comparison.
    law.limit = std::max(rule.material * law.noise, rule.sigmas * law.trendErrorPerSec * law.trendS);
    law.steady = std::abs(law.change()) <= law.limit;
    return law;
}

} // namespace beam
