// SPDX-License-Identifier: MIT
#include "assertion.h"

#include "configjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

namespace beam {

QString toString(Assertion::Op op)
{
    switch (op) {
    case Assertion::Op::Equal:
        return QStringLiteral("==");
    case Assertion::Op::NotEqual:
        return QStringLiteral("!=");
    case Assertion::Op::Less:
        return QStringLiteral("<");
    case Assertion::Op::LessEqual:
        return QStringLiteral("<=");
    case Assertion::Op::Greater:
        return QStringLiteral(">");
    case Assertion::Op::GreaterEqual:
        return QStringLiteral(">=");
    }
    return {};
}

std::variant<Assertion, QString> parseAssertion(const QString &text)
{
    static const QRegularExpression grammar(QStringLiteral(
        R"(^\s*(?:@\s*([0-9]+(?:\.[0-9]+)?)\s*s\s*:\s*)?([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$)"));
    const auto match = grammar.match(text);
    if (!match.hasMatch()) {
        return QStringLiteral("expected \"[@<seconds>s:] <field> <op> <value>\" with op one of == != < <= > >= "
                              "(e.g. \"lost == 0\", \"@10s: dropped > 0\"), got \"%1\"")
            .arg(escapeControl(text));
    }
    Assertion a;
    a.text = text.trimmed();
    if (match.hasCaptured(1)) {
        a.atS = match.captured(1).toDouble();
        if (!std::isfinite(*a.atS)) // hundreds of digits: past any run
            return QStringLiteral("expected a time in seconds after @, got %1 (in \"%2\")")
                .arg(match.captured(1), escapeControl(text));
    }
    a.path = match.captured(2);
    const QString op = match.captured(3);
    static const std::pair<const char *, Assertion::Op> ops[]
        = {{"==", Assertion::Op::Equal}, {"!=", Assertion::Op::NotEqual}, {"<=", Assertion::Op::LessEqual},
            {">=", Assertion::Op::GreaterEqual}, {"<", Assertion::Op::Less}, {">", Assertion::Op::Greater}};
    for (const auto &[symbol, value] : ops) {
        if (op == QLatin1String(symbol))
            a.op = value;
    }
    const QString value = match.captured(4);
    bool isNumber = false;
    const double number = value.toDouble(&isNumber);
    if (isNumber && !std::isfinite(number)) {
        return QStringLiteral("expected a finite number after %1, got %2 (in \"%3\")")
            .arg(op, escapeControl(value), escapeControl(text));
    } else if (isNumber) {
        a.expected = number;
    } else if (value == QLatin1String("true") || value == QLatin1String("false")) {
        a.expected = value == QLatin1String("true");
    } else if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"'))) {
        a.expected = value.mid(1, value.size() - 2);
    } else {
        return QStringLiteral("expected a number, true, false or a \"quoted string\" after %1, got %2 (in \"%3\")")
            .arg(op, escapeControl(value), escapeControl(text));
    }
    const bool ordered = a.op != Assertion::Op::Equal && a.op != Assertion::Op::NotEqual;
    if (ordered && !a.expected.isDouble())
        return QStringLiteral("%1 compares numbers only, got %2 (in \"%3\")")
            .arg(op, escapeControl(value), escapeControl(text));
    return a;
}

QJsonValue valueAt(const QJsonObject &report, const QString &path)
{
    QJsonValue current = report;
    for (const auto &part : path.split(QLatin1Char('.'))) {
        if (current.isObject()) {
            const auto object = current.toObject();
            if (!object.contains(part))
                return QJsonValue(QJsonValue::Undefined);
            current = object.value(part);
        } else if (current.isArray()) {
            bool ok = false;
            const int index = part.toInt(&ok);
            const auto array = current.toArray();
            if (!ok || index < 0 || index >= array.size())
                return QJsonValue(QJsonValue::Undefined);
            current = array.at(index);
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return current;
}

namespace {
QString show(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 10);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isString())
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    if (value.isNull())
        return QStringLiteral("null");
    if (value.isUndefined())
        return QStringLiteral("nothing");
    return QString::fromUtf8(QJsonDocument::fromVariant(value.toVariant()).toJson(QJsonDocument::Compact));
}
} // namespace

AssertionResult evaluate(const Assertion &a, const QJsonObject &report)
{
    AssertionResult r;
    r.actual = valueAt(report, a.path);
    if (r.actual.isUndefined()) {
        r.message = QStringLiteral("%1: the report has no field \"%2\"").arg(a.text, a.path);
        return r;
    }
    if (a.expected.isDouble() && r.actual.isDouble()) {
        const double x = r.actual.toDouble();
        const double y = a.expected.toDouble();
        switch (a.op) {
        case Assertion::Op::Equal:
            r.passed = x == y;
            break;
        case Assertion::Op::NotEqual:
            r.passed = x != y;
            break;
        case Assertion::Op::Less:
            r.passed = x < y;
            break;
        case Assertion::Op::LessEqual:
            r.passed = x <= y;
            break;
        case Assertion::Op::Greater:
            r.passed = x > y;
            break;
        case Assertion::Op::GreaterEqual:
            r.passed = x >= y;
            break;
        }
    } else if (a.op == Assertion::Op::Equal || a.op == Assertion::Op::NotEqual) {
        const bool same = r.actual == a.expected;
        r.passed = a.op == Assertion::Op::Equal ? same : !same;
    } else {
        r.message = QStringLiteral("%1: %2 is %3, not a number").arg(a.text, a.path, show(r.actual));
        return r;
    }
    r.message = r.passed ? QStringLiteral("%1 (%2 = %3)").arg(a.text, a.path, show(r.actual))
                         : QStringLiteral("%1: %2 = %3").arg(a.text, a.path, show(r.actual));
    return r;
}

} // namespace beam
