// SPDX-License-Identifier: MIT
#pragma once

#include <span>

namespace beam {

/// One sampling interval, as Little's law reads it.
struct LittlesInterval {
    double endS = 0; ///< when the interval ended, seconds since the start
    double lengthS = 0; ///< how long it lasted, seconds (intervals of length 0 are skipped)
    double inFlightMean = 0; ///< the time-weighted mean in flight over the interval
    double finished = 0; ///< events that left the system during the interval
    double latencyMeanS = 0; ///< the mean latency of those events, creation to done, seconds
};

/// The numbers of the rule (docs/lessons.md, "littles-law", says why these).
///
/// - L, lambda and W are means over the last `windowS`: L time-weighted, lambda the events that finished per
///   second, W their mean latency weighted by the events.
/// - Steady unless L trends beyond its noise. b is the least-squares slope of the intervals' mean in flight
///   over the last `trendS` (against the intervals' midpoints, weighted by their lengths), SE(b) its standard
///   error from the intervals' scatter about the line. "Not steady" only when both
///   |b| > `sigmas` x SE(b) (a trend chance does not explain), and
///   |b| x span > `material` x sqrt(L) (it moved L by more than the natural fluctuation of a count of L
///   events, standard deviation sqrt(L): a count stays within 2 sqrt(L) of its mean 95% of the time, so a
///   smaller change is inside the band the In flight chart wobbles in, and cannot be seen as a trend).
///   Together: not steady when |b| x span > max(`material` x sqrt(L), `sigmas` x SE(b) x span), the
///   `limit` of the change. A fixed band cannot do it: at L = 40 one of 2 events is inside the noise, at
///   L = 300,000 one of 10% hides a growth of 16,000 events a second.
/// - L and lambda x W agree within `tolerance` of the larger. No absolute floor: both sides are measured over
///   the same window from the same events, so in a steady state they differ by about W / window (0.2% at
///   W = 2 ms), whatever the size of L. Only 0 and 0 (nothing in flight, nothing finished) agree without it.
struct LittlesRule {
    double windowS = 1.0; ///< L, lambda and W: means over the last window, seconds
    double trendS = 3.0; ///< the trend: fitted over the intervals of the last trendS seconds
    double minTrendS = 1.8; ///< no verdict before the intervals cover this much (about two seconds)
    int minIntervals = 6; ///< nor with fewer intervals than this in the fit
    double sigmas = 3.0; ///< k: standard errors the slope must exceed to be a trend at all
    double material = 2.0; ///< m: the change over the span must exceed m x sqrt(L) to count
    double tolerance = 0.15; ///< L and lambda x W agree within this share of the larger
};

/// Little's law (L = lambda x W) as a reader may trust it: the figures over the last window, the trend of L
/// and its noise, and the verdicts. The law relates means over a time in which the system neither fills nor
/// drains: while L trends beyond its noise `steady` is false and the ratio means nothing.
struct LittlesLaw {
    double windowS = 0; ///< the time L, lambda and W cover (<= the rule's window; 0: no intervals at all)
    double inFlightMean = 0; ///< L: the time-weighted mean in flight, events
    double throughputPerSec = 0; ///< lambda: events finished per second
    double latencyMeanS = 0; ///< W: their mean latency, seconds
    double predicted = 0; ///< lambda x W, events
    double noise = 0; ///< sqrt(L): the natural fluctuation of a count of L events (Poisson)
    /// How far L may move over the trend's span and still be steady: the larger of `material` x sqrt(L) and
    /// `sigmas` standard errors of the change (|change()| > limit: not steady).
    double limit = 0;
    double trendPerSec = 0; ///< the least-squares slope of the intervals' mean in flight, events per second
    double trendErrorPerSec = 0; ///< its standard error, from the intervals' scatter about the line
    double trendS = 0; ///< the span the trend was fitted over, seconds
    int trendIntervals = 0; ///< the intervals in the fit
    bool known = false; ///< enough history to judge (LittlesRule::minTrendS, minIntervals, a full window)
    bool steady = false; ///< known, and L does not trend beyond its noise (LittlesRule)
    /// L and lambda x W within the rule's tolerance. Steady is not enough for the law to hold: events stuck
    /// in flight (a tree that gave up) keep L flat while nothing leaves.
    bool agrees = false;

    /// The change in L the trend implies over its span, events.
    [[nodiscard]] double change() const { return trendPerSec * trendS; }
};

/// Judges Little's law over `intervals` (in time order; the newest last). Pure: no clock, no state.
LittlesLaw judgeLittlesLaw(std::span<const LittlesInterval> intervals, const LittlesRule &rule = {});

} // namespace beam
