// SPDX-License-Identifier: MIT
#pragma once

#include <QIODevice>
#include <QList>
#include <QString>

namespace beam {

/// One JUnit test case: an assertion of a scenario.
struct JUnitCase {
    QString name; ///< the assertion as written
    bool passed = false;
    QString message; ///< what was found
    double timeS = 0; ///< when it was judged, seconds into the run (written in the text, not as a duration)
    bool error = false; ///< not an assertion that failed but a run that broke (events lost, supervision gave up)
    bool skipped = false; ///< not judged (the lesson jumped past it)
};

/// Writes a JUnit XML report (one <testsuite> named after the scenario, one <testcase> per assertion, a
/// <failure> for each failed one, an <error> for a broken run, <skipped> for one not judged), the format CI servers
/// read: valid against the Jenkins xUnit plugin's junit-10.xsd (a copy in tests/). Returns an error message, or
/// empty on success.
QString writeJUnit(const QString &path, const QString &suite, const QString &className, double durationS,
    const QList<JUnitCase> &cases);

/// The same, to `device`, open for writing (a file, or stdout); `path` names it in an error message.
QString writeJUnit(QIODevice &device, const QString &path, const QString &suite, const QString &className,
    double durationS, const QList<JUnitCase> &cases);

} // namespace beam
