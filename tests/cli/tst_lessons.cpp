// SPDX-License-Identifier: MIT
// Every built-in lesson runs headless with its assertions and its captions' checks, at normal speed: the
// screen plays a lesson at normal speed, and a sped-up run changes the counts a caption talks about. A lesson
// that stops telling the truth (an assertion or a caption's check fails) fails here with its report.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestLessons : public QObject
{
    Q_OBJECT

private slots:
    void testLessonRunsHeadless_data()
    {
        QTest::addColumn<QString>("lesson");
        QTest::addColumn<QString>("warning"); // a warning the lesson must raise on stderr, if any
        QTest::newRow("steady-state") << QStringLiteral("steady-state") << QString();
        QTest::newRow("slow-consumer") << QStringLiteral("slow-consumer")
                                       << QStringLiteral("starved consumers: 3 of 4 idle");
        QTest::newRow("overload-three-ways") << QStringLiteral("overload-three-ways") << QString();
        QTest::newRow("let-it-crash") << QStringLiteral("let-it-crash") << QString();
        QTest::newRow("crash-storm") << QStringLiteral("crash-storm") << QString();
        QTest::newRow("scaling-out") << QStringLiteral("scaling-out") << QString();
        QTest::newRow("littles-law") << QStringLiteral("littles-law") << QString();
        QTest::newRow("schedulers") << QStringLiteral("schedulers") << QString();
    }

    void testLessonRunsHeadless()
    {
        QFETCH(QString, lesson);
        QFETCH(QString, warning);
        QTemporaryDir dir;
        const QString junit = dir.filePath(QStringLiteral("junit.xml"));
        QProcess process;
        process.start(QStringLiteral(BEAM_BINARY),
            {QStringLiteral("--headless"), QStringLiteral("--lesson"), lesson, QStringLiteral("--quiet"),
                QStringLiteral("--junit"), junit});
        QVERIFY(process.waitForFinished(120000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        const QString err = QString::fromUtf8(process.readAllStandardError());
        // QTest cuts long messages: name the failed checks first, then what else the run said.
        QStringList failed;
        for (const QString &line : out.split(QLatin1Char('\n'))) {
            if (line.contains(QLatin1String("FAIL")) && !line.startsWith(QLatin1String("[")))
                failed << line.trimmed();
        }
        QVERIFY2(process.exitCode() == 0,
            qPrintable(QStringLiteral("exit %1; %2 | %3")
                           .arg(process.exitCode())
                           .arg(failed.join(QStringLiteral(" | ")), err.right(600))));
        QVERIFY(out.contains(QLatin1String("assertions: ")));
        QVERIFY(!out.contains(QLatin1String("FAIL")));
        QVERIFY2(out.contains(QLatin1String("PASS caption ")), qPrintable(out)); // its captions are checked
        QVERIFY(QFile::exists(junit));
        if (!warning.isEmpty())
            QVERIFY2(err.contains(QLatin1String("warning at ")) && err.contains(warning), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
