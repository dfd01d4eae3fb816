// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>
#include <variant>

namespace beam {

/// One `expect` line of a scenario: `[@<seconds>s:] <field.path> <op> <value>`, e.g. `"lost == 0"`,
/// `"latency_us.p99 < 500"`, `"@10s: dropped > 0"`, `"gave_up == true"`, `"config.overload == \"drop\""`.
struct Assertion {
    enum class Op { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };
    QString text; ///< as written
    std::optional<double> atS; ///< evaluated at this time into the run; nullopt: at the end
    QString path; ///< dotted path into the report
    Op op = Op::Equal;
    QJsonValue expected; ///< a number, a bool or a string
};

/// Parses one assertion. On error returns a sentence saying what was expected where.
std::variant<Assertion, QString> parseAssertion(const QString &text);

/// The outcome of one assertion against a report.
struct AssertionResult {
    bool passed = false;
    QJsonValue actual; ///< undefined when the path does not exist
    QString message; ///< "lost == 0: got 3" / "passed: lost = 0"
};

/// The value at a dotted path ("latency_us.p99", "supervision.0.state"); undefined if there is none.
QJsonValue valueAt(const QJsonObject &report, const QString &path);

AssertionResult evaluate(const Assertion &assertion, const QJsonObject &report);

QString toString(Assertion::Op op);

} // namespace beam
