// SPDX-License-Identifier: MIT
#include "telemetryhistory.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace beam;

class TestTelemetryHistory : public QObject
{
    Q_OBJECT

    static Snapshot at(double t, double processedPerSec, std::uint64_t restarts = 0)
    {
        Snapshot s;
        s.elapsedS = t;
        s.processedPerSec = processedPerSec;
        s.restarts = restarts;
        s.window.p99 = 42;
        s.window.count = 100;
        s.restartsPerSec = static_cast<double>(restarts) * 2; // what the sampler would say over its window
        s.limit = 1000;
        return s;
    }

private slots:
    void testWindowSelectsRecentPoints()
    {
        TelemetryHistory history;
        for (int i = 1; i <= 100; ++i)
            history.add(at(i * 0.5, i));
        QCOMPARE(history.size(), std::size_t{100});
        const auto points = history.points(Series::Processed, 10.0);
        QCOMPARE(points.size(), 21); // t in [40, 50]
        QCOMPARE(points.front().x(), 40.0);
        QCOMPARE(points.back().y(), 100.0);
        QCOMPARE(history.maxOf(Series::Processed, 10.0), 100.0);
        QCOMPARE(history.points(Series::LatencyP99, 1.0).back().y(), 42.0);
        QVERIFY(std::isnan(history.points(Series::PacingLagP99, 1.0).back().y())); // nothing paced: no lag line
        Snapshot paced = at(50.25, 100);
        paced.pacingLag.count = 900;
        paced.pacingLag.p99 = 951.5;
        history.add(paced);
        QCOMPARE(history.points(Series::PacingLagP99, 1.0).back().y(), 951.5);
        // Nothing finished in a window (a paused engine): no latency, not a latency of 0.
        Snapshot paused = at(51, 100);
        paused.window.count = 0;
        history.add(paused);
        QVERIFY(std::isnan(history.points(Series::LatencyP99, 1.0).back().y()));
        QVERIFY(std::isnan(history.points(Series::LatencyP50, 1.0).back().y()));
    }

    void testRatesAreTheSnapshots()
    {
        // The charts draw the sampler's own rates over its window, the numbers every other view shows.
        TelemetryHistory history;
        history.add(at(1.0, 0, 0));
        history.add(at(1.5, 0, 5));
        QCOMPARE(history.points(Series::RestartsPerSec, 60).back().y(), 10.0);
        QCOMPARE(history.points(Series::RestartsPerSec, 60).front().y(), 0.0);
    }

    void testIgnoresDuplicatesAndIsBounded()
    {
        TelemetryHistory history;
        history.add(at(1.0, 1));
        history.add(at(1.0, 2));
        history.add(at(0.5, 3));
        QCOMPARE(history.size(), std::size_t{1});
        for (std::size_t i = 0; i < TelemetryHistory::kCapacity + 10; ++i)
            history.add(at(2.0 + static_cast<double>(i), 1));
        QCOMPARE(history.size(), TelemetryHistory::kCapacity);
    }

    void testCsvAndJson()
    {
        TelemetryHistory history;
        history.add(at(1.0, 10));
        history.add(at(2.0, 20));
        const auto csv = history.toCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(csv.size(), 3);
        QCOMPARE(csv[0].split(QLatin1Char(',')).size(), 1 + static_cast<int>(Series::Count));
        QVERIFY(csv[2].startsWith(QLatin1String("2.000,")));
        const auto rows = history.toJson().object()[QStringLiteral("rows")].toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].toObject()[QStringLiteral("processed_per_s")].toDouble(), 20.0);
    }
};

QTEST_GUILESS_MAIN(TestTelemetryHistory)
#include "tst_telemetryhistory.moc"
