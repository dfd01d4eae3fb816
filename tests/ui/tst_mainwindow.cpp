// SPDX-License-Identifier: MIT
// The window as a user drives it (offscreen): it starts, the charts fill, every control reaches the running
// engine, a click on a consumer kills it and its supervisor restarts it, extreme values lose nothing.
#include "chartpanel.h"
#include "controlpanel.h"
#include "lessonpanel.h"
#include "mainwindow.h"
#include "topologyview.h"

#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

using namespace beam;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

    static int waitMs() { return EngineBridge::kApplyDelayMs + 400; } // quiet period + one sampling interval + slack

private slots:
    void initTestCase()
    {
        // Settings of a developer's own session never leak into the tests, nor the tests' into theirs.
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
    }

    void testWindowStartsAndChartsFill()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        QTRY_VERIFY_WITH_TIMEOUT(window.charts()->pointCount(Series::Processed) > 3, 2000);
        QVERIFY(window.charts()->pointCount(Series::LatencyP99) > 3);
        QCOMPARE(window.conservationText(), QStringLiteral("lost 0"));
        QCOMPARE(window.topology()->consumerCount(), 8);
        const auto config = window.bridge()->engine()->config();
        QCOMPARE(config.rate.value_or(0), std::uint64_t{1000});
        QCOMPARE(config.consumers, 8);
    }

    void testLessonDrivesTheControlsAndMarksTheCharts()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto parsed = parseScenario("{\"name\": \"t\", \"duration_s\": 4, \"config\": {\"consumers\": 3, "
                                    "\"safety_cap\": 5000, \"crash_rate\": 0.00004},"
                                    " \"timeline\": [{\"at_s\": 0, \"caption\": \"first\"},"
                                    " {\"at_s\": 0.5, \"set\": {\"consumers\": 5}},"
                                    " {\"at_s\": 0.5, \"action\": \"kill_consumer\", \"target\": 4},"
                                    " {\"at_s\": 3, \"caption\": \"last\"}],"
                                    " \"expect\": [\"@1s: lost == 0\", \"lost == 0\", \"lost > 0\"]}",
            QStringLiteral("t.json"));
        QVERIFY(std::holds_alternative<Scenario>(parsed));
        window.playScenario(std::get<Scenario>(parsed));
        LessonPanel *lesson = window.lessons();
        lesson->pause(); // the test drives the timeline with Next step: no race with the lesson's clock
        QVERIFY(lesson->isVisible());
        QCOMPARE(lesson->caption(), QStringLiteral("first"));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        QCOMPARE(window.bridge()->engine()->config().consumers, 3);
        // Fields without a control, and values finer than a spin box shows, reach the engine exactly.
        QCOMPARE(window.bridge()->engine()->config().safetyCap, std::int64_t{5000});
        QCOMPARE(window.bridge()->engine()->config().crashRate, 0.00004);
        const double held = lesson->position();
        QTest::qWait(300);
        QCOMPARE(lesson->position(), held);

        // The set step moves the control and reaches the engine before the kill at the same time, so the
        // new consumer 4 exists to be killed; each step leaves a marker on the charts.
        lesson->step();
        QCOMPARE(lesson->stepsDone(), 3);
        QCOMPARE(window.controls()->config().consumers, 5);
        QCOMPARE(window.bridge()->engine()->config().consumers, 5);
        QCOMPARE(window.charts()->markerCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() && window.bridge()->latest()->crashesKilled == 1, 3000);

        // Next step jumps over the @1s assertion: it is not judged, neither passed nor failed.
        lesson->step();
        QCOMPARE(lesson->caption(), QStringLiteral("last"));
        QCOMPARE(lesson->stepsDone(), 4);
        QCOMPARE(lesson->verdicts(), std::make_pair(0, 0));
        lesson->resume();
        // At the end the two end assertions are judged: one holds, the false one fails, and the caption says so.
        QTRY_VERIFY_WITH_TIMEOUT(lesson->verdicts().first + lesson->verdicts().second == 2, 5000);
        QCOMPARE(lesson->verdicts(), std::make_pair(1, 1));
        QVERIFY(lesson->caption().contains(QLatin1String("1 of 2 expectations held")));
        // Restart after the end: the engine is reset and the lesson plays from the beginning.
        lesson->restart();
        QCOMPARE(lesson->caption(), QStringLiteral("first"));
        QCOMPARE(lesson->verdicts(), std::make_pair(0, 0));
        QCOMPARE(window.charts()->markerCount(), 0);
        QCOMPARE(window.controls()->config().consumers, 3);
        QVERIFY(lesson->playing());
    }

    void testStopThenLessonKeepsTheLessonsEngine()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        PipelineConfig slow;
        slow.ioUs = 20000; // the drain below takes a few hundred milliseconds: 100 events, 400 a second
        slow.maxInFlight = 100;
        slow.rate = 1000;
        window.bridge()->applyNow(slow);
        QTest::qWait(300);
        window.bridge()->stop(); // drains on a helper thread
        auto parsed = parseScenario(
            "{\"name\": \"t\", \"duration_s\": 30, \"config\": {\"consumers\": 6}}", QStringLiteral("t.json"));
        window.playScenario(std::get<Scenario>(parsed));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        QTest::qWait(1500); // the old drain finishes meanwhile
        QCOMPARE(window.bridge()->engine()->config().consumers, 6);
        QVERIFY(window.bridge()->state() == EngineState::Running);
    }

    void testResetDoesNotWaitForTheEngine()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        PipelineConfig heavy;
        heavy.workUs = 100000;
        heavy.slowConsumer = SlowConsumer{0, 20}; // consumer 0 spends 2 s of CPU on each event
        heavy.rate = 200;
        window.bridge()->applyNow(heavy);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.bridge()->latest() && window.bridge()->latest()->consumers[0].queueDepth > 0, 3000);
        QElapsedTimer clock;
        clock.start();
        window.bridge()->reset();
        // Stopping inline would wait for consumer 0's event in progress (up to 2 s); on the helper thread,
        // reset() returns at once. The bound is loose on purpose: half the event.
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    }

    void testEveryControlReachesTheEngine_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<double>("value");
        QTest::newRow("rate") << QStringLiteral("rate") << 5000.0;
        QTest::newRow("producers") << QStringLiteral("producers") << 3.0;
        QTest::newRow("consumers") << QStringLiteral("consumers") << 5.0;
        QTest::newRow("max_in_flight") << QStringLiteral("max_in_flight") << 64.0;
        QTest::newRow("work_us") << QStringLiteral("work_us") << 7.0;
        QTest::newRow("io_us") << QStringLiteral("io_us") << 150.0;
        QTest::newRow("fault_rate") << QStringLiteral("fault_rate") << 0.125;
        QTest::newRow("crash_rate") << QStringLiteral("crash_rate") << 0.0005;
        QTest::newRow("max_restarts") << QStringLiteral("max_restarts") << 40.0;
        QTest::newRow("max_seconds") << QStringLiteral("max_seconds") << 2.5;
    }

    void testEveryControlReachesTheEngine()
    {
        QFETCH(QString, field);
        QFETCH(double, value);
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        QDoubleSpinBox *spin = window.controls()->spinBox(field);
        QVERIFY(spin);
        spin->setValue(value);
        const auto applied = [&] {
            const PipelineConfig c = window.bridge()->engine()->config();
            const std::map<QString, double> actual{
                {QStringLiteral("rate"), static_cast<double>(c.rate.value_or(0))},
                {QStringLiteral("producers"), c.producers},
                {QStringLiteral("consumers"), c.consumers},
                {QStringLiteral("max_in_flight"), static_cast<double>(c.maxInFlight)},
                {QStringLiteral("work_us"), c.workUs},
                {QStringLiteral("io_us"), c.ioUs},
                {QStringLiteral("fault_rate"), c.faultRate},
                {QStringLiteral("crash_rate"), c.crashRate},
                {QStringLiteral("max_restarts"), c.maxRestarts},
                {QStringLiteral("max_seconds"), c.maxSeconds},
            };
            return qFuzzyCompare(actual.at(field) + 1, value + 1);
        };
        QTRY_VERIFY_WITH_TIMEOUT(applied(), waitMs());
        // The slider moved with the spin box, and moving the slider changes the value back.
        QSlider *slider = window.controls()->slider(field);
        const double before = spin->value();
        slider->setValue(slider->value() == 0 ? 500 : 0);
        QVERIFY(spin->value() != before);
    }

    void testClickingAConsumerKillsIt()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() != nullptr, 2000);
        TopologyView *view = window.topology();
        const QPoint at = view->consumerCentre(2);
        QCOMPARE(view->consumerAt(view->mapToScene(at)), 2);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest()->crashesKilled == 1, 3000);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest()->restarts == 1, 3000);
        const auto s = window.bridge()->latest();
        const auto c2
            = std::find_if(s->consumers.begin(), s->consumers.end(), [](const auto &c) { return c.index == 2; });
        QCOMPARE(c2->restarts, std::uint64_t{1});
        QCOMPARE(window.conservationText(), QStringLiteral("lost 0"));
    }

    void testExtremeValuesNeitherCrashNorLose()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        const QStringList fields{QStringLiteral("rate"), QStringLiteral("producers"), QStringLiteral("consumers"),
            QStringLiteral("max_in_flight"), QStringLiteral("fault_rate"), QStringLiteral("work_us")};
        for (int end : {1000, 0, 1000}) {
            for (const QString &field : fields)
                window.controls()->slider(field)->setValue(end);
            QTest::qWait(waitMs());
            QVERIFY(window.bridge()->state() == EngineState::Running);
        }
        window.controls()->slider(QStringLiteral("work_us"))->setValue(0);
        window.controls()->slider(QStringLiteral("fault_rate"))->setValue(0);
        QTest::qWait(waitMs());
        QSignalSpy stopped(window.bridge(), &EngineBridge::stopped);
        window.bridge()->stop();
        QVERIFY(stopped.wait(30000));
        const auto s = window.bridge()->latest();
        QVERIFY(s->state == EngineState::Stopped);
        QCOMPARE(s->lost, std::int64_t{0});
        QCOMPARE(s->inFlight, std::int64_t{0});
        QCOMPARE(s->produced, s->processed + s->deadLettered + s->dropped + s->abandoned);
        QCOMPARE(window.conservationText(), QStringLiteral("lost 0"));
    }

    void testPauseFreezesProducersAndChartsFreeze()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.charts()->pointCount(Series::Processed) > 2, 2000);
        window.bridge()->pause();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Paused, 1000);
        window.charts()->setFrozen(true);
        const int frozen = window.charts()->pointCount(Series::Processed);
        const auto history = window.history().size();
        QTest::qWait(500);
        QCOMPARE(window.charts()->pointCount(Series::Processed), frozen); // the picture stays
        QVERIFY(window.history().size() > history); // the history keeps growing
        window.bridge()->resume();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 1000);
    }

    void testExportsWriteTheHistory()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.history().size() > 3, 2000);
        QTemporaryDir dir;
        QVERIFY(window.exportCsv(dir.filePath(QStringLiteral("t.csv"))));
        QVERIFY(window.exportJson(dir.filePath(QStringLiteral("t.json"))));
        QVERIFY(window.saveChartsPng(dir.filePath(QStringLiteral("c.png"))));
        QFile csv(dir.filePath(QStringLiteral("t.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const auto lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= 4);
        QVERIFY(lines.front().startsWith(QLatin1String("elapsed_s,produced_per_s,processed_per_s")));
        QImage png(dir.filePath(QStringLiteral("c.png")));
        QVERIFY(!png.isNull());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
