// SPDX-License-Identifier: MIT
// Every built-in lesson runs headless with its assertions, sped up so CI spends seconds, not minutes, on
// each. A lesson that stops telling the truth (an assertion fails) fails here with its report.
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
        QTest::addColumn<QString>("speed");
        QTest::addColumn<QString>("warning"); // a warning the lesson must raise on stderr, if any
        // Fast enough for CI, slow enough that each phase still spans the one-second window the assertions
        // read (recent.*): phases are 8-15 s long at speed 1.
        QTest::newRow("steady-state") << QStringLiteral("steady-state") << QStringLiteral("4") << QString();
        QTest::newRow("slow-consumer") << QStringLiteral("slow-consumer") << QStringLiteral("3")
                                       << QStringLiteral("starved consumers: 3 of 4 idle");
        QTest::newRow("overload-three-ways")
            << QStringLiteral("overload-three-ways") << QStringLiteral("4") << QString();
        QTest::newRow("let-it-crash") << QStringLiteral("let-it-crash") << QStringLiteral("3") << QString();
        QTest::newRow("crash-storm") << QStringLiteral("crash-storm") << QStringLiteral("2") << QString();
        QTest::newRow("scaling-out") << QStringLiteral("scaling-out") << QStringLiteral("3") << QString();
        QTest::newRow("littles-law") << QStringLiteral("littles-law") << QStringLiteral("3") << QString();
    }

    void testLessonRunsHeadless()
    {
        QFETCH(QString, lesson);
        QFETCH(QString, speed);
        QFETCH(QString, warning);
        QTemporaryDir dir;
        const QString junit = dir.filePath(QStringLiteral("junit.xml"));
        QProcess process;
        process.start(QStringLiteral(BEAM_BINARY),
            {QStringLiteral("--headless"), QStringLiteral("--lesson"), lesson, QStringLiteral("--speed"), speed,
                QStringLiteral("--quiet"), QStringLiteral("--junit"), junit});
        QVERIFY(process.waitForFinished(120000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(process.exitCode() == 0, qPrintable(out + err));
        QVERIFY(out.contains(QLatin1String("assertions: ")));
        QVERIFY(!out.contains(QLatin1String("FAIL")));
        QVERIFY(QFile::exists(junit));
        if (!warning.isEmpty())
            QVERIFY2(err.contains(QLatin1String("warning at ")) && err.contains(warning), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
