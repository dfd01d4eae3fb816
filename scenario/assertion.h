// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>
#include <variant>
#include <vector>

namespace beam {

/// One claim of a scenario, an `expect` line or a caption's check.
///
/// An `expect` line is judged at one instant: `[@<seconds>s:] <field.path> <op> <value>`, e.g. `"lost == 0"`,
/// `"latency_us.p99 < 500"`, `"@10s: dropped > 0"`, `"gave_up == true"`, `"config.overload == \"drop\""`.
///
/// A caption's check is judged over the caption's time on screen, at every snapshot from its settle time (the
/// caption's time plus `after <s>s:`, 1 s by default: the figures' window) until the next caption replaces it
/// (docs/lessons.md, "A caption is a claim"):
/// - `recent.processed_per_s > 950`: holds at every snapshot of that stretch;
/// - `recent.processed_per_s ~ 400 ± 15%`: every snapshot within 15% of 400 (`± 50` for an absolute band);
/// - `mean(x) ...`, `min(x) ...`, `max(x) ...`: the mean, lowest or highest over the stretch;
///   `growth(x) ...`: the last value minus the first since the caption appeared; `slope(x) ...`: per second,
///   least squares over the stretch;
/// - `x rising`, `x falling`, `x steady`: the trend over the stretch against its own noise;
/// - `mean(x) < 0.5 * previous`: against the same figure over the previous caption's stretch;
/// - `@<s>s: x > 1`: at that instant only, as in `expect`.
struct Assertion {
    enum class Op { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, About, Rising, Falling, Steady };
    /// What the comparison is made on.
    enum class Over {
        Instant, ///< the report at one time (an `expect` line, or a check with "@<s>s:")
        Every, ///< every snapshot of the stretch
        Mean, ///< the mean over the stretch
        Min, ///< the lowest over the stretch
        Max, ///< the highest over the stretch
        Growth, ///< last minus first, from the caption's appearance to its end
        Slope, ///< least-squares slope per second over the stretch
    };
    QString text; ///< as written
    std::optional<double> atS; ///< evaluated at this time into the run; nullopt: at the end. A check: its stretch's end
    std::optional<double> settleS; ///< a check's "after <s>s:" as written
    double fromS = 0; ///< a check judged over a stretch: its start
    double captionS = 0; ///< a check: when its caption appeared (growth counts from here)
    QString path; ///< dotted path into the report
    Over over = Over::Instant;
    Op op = Op::Equal;
    QJsonValue expected; ///< a number, a bool or a string
    double tolerance = 0; ///< About (and Steady, optional): the band, absolute or a share of the value
    bool tolerancePercent = false; ///< the band is tolerance % of the expected value
    /// The value is `previousFactor` x the same figure over the previous caption's stretch ("0.5 * previous").
    bool againstPrevious = false;
    double previousFactor = 1.0;

    /// Judged over a stretch of snapshots rather than at one instant.
    [[nodiscard]] bool overStretch() const { return over != Over::Instant; }
    /// The claim is about a trend (rising, falling, steady) rather than a comparison.
    [[nodiscard]] bool isTrend() const { return op == Op::Rising || op == Op::Falling || op == Op::Steady; }
};

/// One reading of a figure at a lesson time, for checks judged over a stretch.
struct Reading {
    double t = 0; ///< lesson time, seconds
    double value = 0;
};

/// How a series trends: the least-squares slope, the change it implies over the series' span, and the noise
/// that change is judged against (docs/lessons.md).
struct Trend {
    double slopePerS = 0;
    double change = 0; ///< slope x span
    double changeError = 0; ///< the standard error of `change`
    double mean = 0;
    /// rising: the change is above 3 standard errors and above `material` (5% of the mean level, or 1)
    [[nodiscard]] bool rising(double material) const;
    [[nodiscard]] bool falling(double material) const;
};
Trend trendOf(const std::vector<Reading> &series);

/// Parses one assertion. On error returns a sentence saying what was expected where. `stretch`: a caption's
/// check, which may be judged over a stretch (the default) and use aggregates and trends.
std::variant<Assertion, QString> parseAssertion(const QString &text, bool stretch = false);

/// The outcome of one assertion against a report.
struct AssertionResult {
    bool passed = false;
    QJsonValue actual; ///< undefined when the path does not exist
    QString message; ///< "lost == 0: got 3" / "passed: lost = 0"
};

/// The value at a dotted path ("latency_us.p99", "supervision.0.state"); undefined if there is none.
QJsonValue valueAt(const QJsonObject &report, const QString &path);

AssertionResult evaluate(const Assertion &assertion, const QJsonObject &report);

/// Judges a check over a stretch: `stretch` holds its readings (from its settle time to its end, time order),
/// `sinceCaption` those from its caption's appearance (for growth), `previous` the same figure over the previous
/// caption's stretch (for "* previous"). A failed verdict says what was read, where.
AssertionResult evaluateStretch(const Assertion &assertion, const std::vector<Reading> &stretch,
    const std::vector<Reading> &sinceCaption, const std::vector<Reading> &previous);

/// A sentence a student can read for a claim: "processed per second stays above 950".
QString describe(const Assertion &assertion);

QString toString(Assertion::Op op);

} // namespace beam
