// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

namespace beam {

/// One JUnit test case: an assertion of a scenario.
struct JUnitCase {
    QString name; ///< the assertion as written
    bool passed = false;
    QString message; ///< what was found
    double timeS = 0; ///< when it was judged, seconds into the run (written in the text, not as a duration)
};

/// Writes a JUnit XML report (one <testsuite> named after the scenario, one <testcase> per assertion, a
/// <failure> for each failed one), the format CI servers read. Returns an error message, or empty on success.
QString writeJUnit(const QString &path, const QString &suite, const QString &className, double durationS,
    const QList<JUnitCase> &cases);

} // namespace beam
