// SPDX-License-Identifier: MIT
// The event log as a person reads it: a kill, its restart and a change of settings each one row; a crash
// storm within one snapshot one row with its count; bounded; checked by QAbstractItemModelTester.
#include "eventlogmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace beam;

class TestEventLogModel : public QObject
{
    Q_OBJECT

    static EngineEvent event(double atS, EngineEvent::Kind kind, int consumer, const char *what = "")
    {
        return {0, atS, kind, consumer, what};
    }

private slots:
    void testRowsSayWhenWhoAndWhat()
    {
        EventLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Snapshot s;
        s.events = {event(1.25, EngineEvent::Kind::Crash, 3, "killed"), event(1.2501, EngineEvent::Kind::Restart, 3),
            event(2.0, EngineEvent::Kind::Configuration, -1, "consumers 4 → 8")};
        model.add(s);
        QCOMPARE(model.rowCount(), 3);
        const auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(text(0, EventLogModel::Time), QStringLiteral("1.25 s"));
        QCOMPARE(text(0, EventLogModel::Who), QStringLiteral("consumer 3"));
        QCOMPARE(text(0, EventLogModel::What), QStringLiteral("crashed (killed)"));
        QCOMPARE(text(1, EventLogModel::What), QStringLiteral("restarted by its supervisor"));
        QCOMPARE(text(2, EventLogModel::Who), QStringLiteral("settings"));
        QCOMPARE(text(2, EventLogModel::What), QStringLiteral("set consumers 4 → 8"));
        QCOMPARE(model.timeAt(2), 2.0);
    }

    void testABurstIsOneRowWithItsCount()
    {
        EventLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Snapshot s;
        for (int i = 0; i < 40; ++i)
            s.events.push_back(event(3.0 + i * 0.001, EngineEvent::Kind::Crash, i % 4, "random"));
        s.events.push_back(event(3.05, EngineEvent::Kind::Escalation, 2, "the consumers supervisor exceeded 3"));
        model.add(s);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, EventLogModel::Who).data().toString(), QStringLiteral("consumers 0, 1, 2, 3"));
        QVERIFY2(
            model.index(0, EventLogModel::What).data().toString().startsWith(QStringLiteral("40 × crashed (random)")),
            qPrintable(model.index(0, EventLogModel::What).data().toString()));
        QVERIFY(model.index(1, EventLogModel::What).data().toString().startsWith(QStringLiteral("escalation")));
    }

    void testBounded()
    {
        EventLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < EventLogModel::kMaxRows + 50; ++i) {
            Snapshot s;
            s.events = {event(i, EngineEvent::Kind::Restart, 1)};
            model.add(s);
        }
        QCOMPARE(model.rowCount(), EventLogModel::kMaxRows);
        QCOMPARE(model.timeAt(0), 50.0); // the oldest went first
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestEventLogModel)
#include "tst_eventlogmodel.moc"
