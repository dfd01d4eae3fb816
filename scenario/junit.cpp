// SPDX-License-Identifier: MIT
#include "junit.h"

#include <QDateTime>
#include <QFile>
#include <QXmlStreamWriter>

#include <algorithm>

namespace beam {

QString writeJUnit(const QString &path, const QString &suite, const QString &className, double durationS,
    const QList<JUnitCase> &cases)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return QStringLiteral("cannot write '%1': %2").arg(path, file.errorString());
    QString error = writeJUnit(file, path, suite, className, durationS, cases);
    file.close();
    if (error.isEmpty() && file.error() != QFileDevice::NoError)
        error = QStringLiteral("cannot write '%1': %2").arg(path, file.errorString());
    return error;
}

QString writeJUnit(QIODevice &device, const QString &path, const QString &suite, const QString &className,
    double durationS, const QList<JUnitCase> &cases)
{
    const auto failures
        = std::count_if(cases.begin(), cases.end(), [](const JUnitCase &c) { return !c.passed && !c.error; });
    const auto errors = std::count_if(cases.begin(), cases.end(), [](const JUnitCase &c) { return c.error; });
    const auto skipped = std::count_if(cases.begin(), cases.end(), [](const JUnitCase &c) { return c.skipped; });
    QXmlStreamWriter xml(&device);
    xml.setAutoFormatting(true);
    xml.writeStartDocument();
    // Only what the Jenkins xUnit plugin's schema (tests/junit-10.xsd) allows: <testsuites> takes name, time,
    // tests, failures and errors (no skipped: the count of skipped cases is on <testsuite>); times are plain
    // decimals ("12.345").
    xml.writeStartElement(QStringLiteral("testsuites"));
    xml.writeAttribute(QStringLiteral("name"), QStringLiteral("beam-me-up scenarios"));
    xml.writeAttribute(QStringLiteral("tests"), QString::number(cases.size()));
    xml.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    xml.writeAttribute(QStringLiteral("errors"), QString::number(errors));
    xml.writeAttribute(QStringLiteral("time"), QString::number(durationS, 'f', 3));
    xml.writeStartElement(QStringLiteral("testsuite"));
    xml.writeAttribute(QStringLiteral("name"), suite);
    xml.writeAttribute(QStringLiteral("tests"), QString::number(cases.size()));
    xml.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    xml.writeAttribute(QStringLiteral("errors"), QString::number(errors));
    xml.writeAttribute(QStringLiteral("skipped"), QString::number(skipped));
    xml.writeAttribute(QStringLiteral("time"), QString::number(durationS, 'f', 3));
    xml.writeAttribute(QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    for (const auto &c : cases) {
        xml.writeStartElement(QStringLiteral("testcase"));
        xml.writeAttribute(QStringLiteral("classname"), className);
        xml.writeAttribute(QStringLiteral("name"), c.name);
        xml.writeAttribute(QStringLiteral("time"), QStringLiteral("0")); // a duration: judging takes no time
        if (c.error || !c.passed) {
            xml.writeStartElement(c.error ? QStringLiteral("error") : QStringLiteral("failure"));
            xml.writeAttribute(QStringLiteral("message"), c.message);
            xml.writeAttribute(
                QStringLiteral("type"), c.error ? QStringLiteral("RunBroken") : QStringLiteral("AssertionFailed"));
            xml.writeCharacters(c.message);
            xml.writeEndElement();
        } else if (c.skipped) {
            xml.writeStartElement(QStringLiteral("skipped"));
            xml.writeAttribute(QStringLiteral("message"), c.message);
            xml.writeEndElement();
        } else {
            xml.writeTextElement(QStringLiteral("system-out"),
                QStringLiteral("%1 (judged at %2 s)").arg(c.message).arg(c.timeS, 0, 'f', 1));
        }
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndElement();
    xml.writeEndDocument();
    if (auto *f = qobject_cast<QFileDevice *>(&device); f && !f->flush())
        return QStringLiteral("cannot write '%1': %2").arg(path, device.errorString());
    if (xml.hasError())
        return QStringLiteral("cannot write '%1': %2").arg(path, device.errorString());
    return {};
}

} // namespace beam
