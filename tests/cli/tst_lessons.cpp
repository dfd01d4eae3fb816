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
        // Fast enough for CI, slow enough that each phase still spans the one-second window the assertions
        // read (recent.*): phases are 8-15 s long at speed 1.
        QTest::newRow("steady-state") << QStringLiteral("steady-state") << QStringLiteral("4");
        QTest::newRow("slow-consumer") << QStringLiteral("slow-consumer") << QStringLiteral("3");
        QTest::newRow("overload-three-ways") << QStringLiteral("overload-three-ways") << QStringLiteral("4");
        QTest::newRow("let-it-crash") << QStringLiteral("let-it-crash") << QStringLiteral("3");
        QTest::newRow("crash-storm") << QStringLiteral("crash-storm") << QStringLiteral("2");
        QTest::newRow("scaling-out") << QStringLiteral("scaling-out") << QStringLiteral("3");
        QTest::newRow("littles-law") << QStringLiteral("littles-law") << QStringLiteral("3");
    }

    void testLessonRunsHeadless()
    {
        QFETCH(QString, lesson);
        QFETCH(QString, speed);
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
    }
};

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
