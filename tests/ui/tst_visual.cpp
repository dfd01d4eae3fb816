// SPDX-License-Identifier: MIT
// The visual language as numbers: every state's text is readable on its fill, every chart ink stands out from
// its background, ticks are round and speak in units, and Little's law is only judged in a steady state.
#include "axisticks.h"
#include "decimate.h"
#include "markerlabels.h"
#include "scenario/report.h"
#include "visualstyle.h"

#include <QTest>

using namespace beam;

class TestVisual : public QObject
{
    Q_OBJECT

private slots:
    void testDecimationKeepsSpikesAndEnds()
    {
        QList<QPointF> flat;
        for (int i = 0; i < 600; ++i)
            flat.append(QPointF(i * 0.1, 1.0 + (i % 3) * 0.01));
        flat[300].setY(50); // a crash's latency spike
        flat[401].setY(-5); // and a trough
        const auto thin = decimateMinMax(flat, 50);
        QVERIFY2(thin.size() <= 2 * 50 + 2, qPrintable(QString::number(thin.size())));
        QVERIFY(thin.size() >= 50);
        QCOMPARE(thin.front(), flat.front());
        QCOMPARE(thin.back(), flat.back());
        QVERIFY(thin.contains(flat[300]));
        QVERIFY(thin.contains(flat[401]));
        for (qsizetype i = 0; i < thin.size(); ++i) {
            QVERIFY(flat.contains(thin[i])); // only points that were measured
            if (i > 0)
                QVERIFY(thin[i].x() > thin[i - 1].x());
        }
        // Few enough points already: drawn as they are.
        const QList<QPointF> few(flat.begin(), flat.begin() + 80);
        QCOMPARE(decimateMinMax(few, 50), few);
        // A gap in time leaves empty buckets, and nothing is invented for them.
        QList<QPointF> gap(flat.begin(), flat.begin() + 200);
        for (int i = 0; i < 200; ++i)
            gap.append(QPointF(100 + i * 0.1, 2.0));
        const auto thinGap = decimateMinMax(gap, 40);
        for (const QPointF &p : thinGap)
            QVERIFY(gap.contains(p));
    }

    void testContrastFormula()
    {
        // WCAG's own reference points: black on white is 21:1, a colour on itself 1:1.
        QCOMPARE(qRound(visual::contrast(Qt::black, Qt::white) * 100), 2100);
        QCOMPARE(visual::contrast(QColor(0x77, 0x77, 0x77), QColor(0x77, 0x77, 0x77)), 1.0);
        // #767676 on white is the classic "just passes AA" grey (4.54:1).
        QVERIFY(visual::contrast(QColor(0x76, 0x76, 0x76), Qt::white) >= 4.5);
        QVERIFY(visual::contrast(QColor(0x77, 0x77, 0x77), Qt::white) < 4.5);
    }

    void testStateTextContrast_data()
    {
        QTest::addColumn<int>("state");
        for (visual::State s : visual::allStates())
            QTest::newRow(qPrintable(visual::name(s))) << static_cast<int>(s);
    }

    void testStateTextContrast()
    {
        QFETCH(int, state);
        const auto s = static_cast<visual::State>(state);
        // The fills do not change with the theme, so this holds in light and dark mode alike.
        QVERIFY2(visual::contrast(visual::fill(s), visual::textOn(s)) >= 4.5,
            qPrintable(QStringLiteral("%1: %2")
                           .arg(visual::name(s))
                           .arg(visual::contrast(visual::fill(s), visual::textOn(s)))));
    }

    void testStatesAreDistinct()
    {
        const auto states = visual::allStates();
        for (qsizetype i = 0; i < states.size(); ++i)
            for (qsizetype j = i + 1; j < states.size(); ++j)
                QVERIFY(visual::fill(states[i]) != visual::fill(states[j]));
    }

    void testInksStandOut_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void testInksStandOut()
    {
        QFETCH(bool, dark);
        using visual::Ink;
        for (Ink ink : {Ink::Primary, Ink::Secondary, Ink::Tertiary, Ink::Threshold, Ink::Marker}) {
            // WCAG 1.4.11: graphics need 3:1 against what is next to them.
            QVERIFY2(visual::contrast(visual::ink(ink, dark), visual::chartBackground(dark)) >= 3.0,
                qPrintable(visual::ink(ink, dark).name()));
        }
    }

    void testNiceStep_data()
    {
        QTest::addColumn<double>("raw");
        QTest::addColumn<double>("step");
        QTest::newRow("1") << 1.0 << 1.0;
        QTest::newRow("1.2") << 1.2 << 2.0;
        QTest::newRow("3") << 3.0 << 5.0;
        QTest::newRow("0.3/0.1 rounding") << 0.3 / 0.1 << 5.0;
        QTest::newRow("7") << 7.0 << 10.0;
        QTest::newRow("11876") << 11876.5 << 20000.0;
        QTest::newRow("0.04") << 0.04 << 0.05;
        QTest::newRow("zero") << 0.0 << 1.0;
    }

    void testNiceStep()
    {
        QFETCH(double, raw);
        QFETCH(double, step);
        QCOMPARE(ticks::niceStep(raw), step);
    }

    void testLinearTicks_data()
    {
        QTest::addColumn<double>("high");
        QTest::addColumn<int>("target");
        QTest::addColumn<QList<double>>("values");
        // The issue's own bad examples: 47506 and 4505 as the top of an axis become round ticks.
        QTest::newRow("47506") << 47506.0 << 4 << QList<double>{0, 20000, 40000, 60000};
        QTest::newRow("4505") << 4505.0 << 4 << QList<double>{0, 2000, 4000, 6000};
        QTest::newRow("100 percent") << 100.0 << 5 << QList<double>{0, 20, 40, 60, 80, 100};
        QTest::newRow("exactly a tick") << 2000.0 << 2 << QList<double>{0, 1000, 2000};
        QTest::newRow("small") << 0.7 << 3 << QList<double>{0, 0.5, 1.0};
        QTest::newRow("nothing yet") << 0.0 << 4 << QList<double>{0, 0.5, 1.0};
    }

    void testLinearTicks()
    {
        QFETCH(double, high);
        QFETCH(int, target);
        QFETCH(QList<double>, values);
        const auto t = ticks::linear(high, target);
        QCOMPARE(t.values(), values);
        QVERIFY(t.top >= high);
    }

    void testNiceBounds()
    {
        QCOMPARE(ticks::niceFloor(8.3), 5.0);
        QCOMPARE(ticks::niceFloor(10.0), 10.0);
        QCOMPARE(ticks::niceFloor(0.19), 0.1);
        QCOMPARE(ticks::niceFloor(450.0), 200.0);
        QCOMPARE(ticks::niceCeil(240.0), 500.0);
        QCOMPARE(ticks::niceCeil(1000.0), 1000.0);
    }

    void testLogAxisFollowsItsData_data()
    {
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        QTest::addColumn<int>("intervals");
        QTest::newRow("10-200 us") << 10.0 << 200.0 << 5;
        QTest::newRow("10-200 us, short plot") << 10.0 << 200.0 << 2;
        QTest::newRow("one value") << 50.0 << 50.0 << 5;
        QTest::newRow("2 us to 3 s") << 2.0 << 3e6 << 5;
        QTest::newRow("2 us to 3 s, short plot") << 2.0 << 3e6 << 2;
        QTest::newRow("one interval") << 30.0 << 4000.0 << 1;
        QTest::newRow("below a microsecond") << 0.3 << 0.9 << 4;
    }

    void testLogAxisFollowsItsData()
    {
        QFETCH(double, low);
        QFETCH(double, high);
        QFETCH(int, intervals);
        const ticks::LogAxis axis = ticks::logAxis(low, high, intervals);
        // The data inside with its margin, the bounds round, and no more than a 1-2-5 step beyond the margin.
        QVERIFY2(axis.low <= low / 1.25 && axis.high >= high * 1.25,
            qPrintable(QStringLiteral("%1 .. %2").arg(axis.low).arg(axis.high)));
        QCOMPARE(ticks::niceFloor(axis.low), axis.low);
        QCOMPARE(ticks::niceCeil(axis.high), axis.high);
        QVERIFY(axis.low > low / 1.25 / 2.5 - 1e-12);
        QVERIFY(axis.high < high * 1.25 * 2.5 + 1e-12);
        // Labelled: round values inside the axis, rising, at most `intervals` intervals, none crowding another.
        QVERIFY(axis.ticks.size() >= 2);
        QVERIFY(axis.ticks.size() - 1 <= intervals);
        const double span = std::log10(axis.high / axis.low);
        for (qsizetype i = 0; i < axis.ticks.size(); ++i) {
            QVERIFY(axis.ticks[i] >= axis.low * (1 - 1e-9) && axis.ticks[i] <= axis.high * (1 + 1e-9));
            QCOMPARE(ticks::niceFloor(axis.ticks[i]), axis.ticks[i]);
            if (i > 0)
                QVERIFY2(std::log10(axis.ticks[i] / axis.ticks[i - 1]) >= 0.5 * span / intervals - 1e-9,
                    qPrintable(QStringLiteral("%1 then %2").arg(axis.ticks[i - 1]).arg(axis.ticks[i])));
        }
    }

    void testLogAxisExamples()
    {
        // The case: latencies of 10-200 µs get an axis of 5-500 µs, not 1 ns to 1 s.
        const auto fitted = ticks::logAxis(10, 200, 5);
        QCOMPARE(fitted.low, 5.0);
        QCOMPARE(fitted.high, 500.0);
        QCOMPARE(fitted.ticks, (QList<double>{5, 10, 100, 500}));
        // A shorter plot: a bound that would crowd its decade goes unlabelled.
        QCOMPARE(ticks::logAxis(10, 200, 2).ticks, (QList<double>{10, 100, 500}));
        // Room for every 1-2-5 value: all of them.
        QCOMPARE(ticks::logAxis(30, 70, 4).ticks, (QList<double>{20, 50, 100}));
        // Seven decades on a short plot: every second decade, anchored at even powers so they stay put.
        QCOMPARE(ticks::logAxis(2, 3e6, 3).ticks, (QList<double>{1, 100, 1e4, 1e6}));
        // In a narrow chart in large type only labels of four characters fit: the ticks are those, apart.
        const auto narrow = [](double v) { return ticks::format(v, ticks::Unit::Microseconds).size() <= 5; };
        const auto fitted2 = ticks::logAxis(10, 200, 2, 1.25, narrow);
        QCOMPARE(fitted2.low, 5.0);
        QCOMPARE(fitted2.high, 500.0);
        QCOMPARE(fitted2.ticks, (QList<double>{5, 20}));
        QVERIFY(std::all_of(fitted2.ticks.begin(), fitted2.ticks.end(), narrow));
        // Nothing to fit: a plain default rather than nonsense.
        QVERIFY(ticks::logAxis(0, 10).ticks.size() >= 2);
    }

    void testLogAxisHysteresis()
    {
        const auto shown = ticks::logAxis(10, 200, 5);
        // Data moving inside the axis keeps it: no jump on every redraw.
        QVERIFY(ticks::logAxisHolds(shown, 12, 150));
        QVERIFY(ticks::logAxisHolds(shown, 8, 390));
        // Data leaving it, above or below: a new axis at once.
        QVERIFY(!ticks::logAxisHolds(shown, 10, 600));
        QVERIFY(!ticks::logAxisHolds(shown, 3, 200));
        // An axis far too wide for the data now (a spike has left the window): a new, narrower one.
        const auto spiked = ticks::logAxis(10, 3e6, 5);
        QVERIFY(ticks::logAxisHolds(spiked, 10, 1e6));
        QVERIFY(!ticks::logAxisHolds(spiked, 10, 200));
    }

    void testMarkerLabelsNeverOverlap()
    {
        const auto width = [](const QString &text) { return 10.0 * text.size(); };
        // Far apart: one label each, over its line.
        auto labels = layoutMarkerLabels({100, 200}, {QStringLiteral("3"), QStringLiteral("4")}, width, 5, 0, 400);
        QCOMPARE(labels.size(), 2);
        QCOMPARE(labels[0].text, QStringLiteral("3"));
        QCOMPARE(labels[0].centre, 100.0);
        QCOMPARE(labels[1].text, QStringLiteral("4"));
        // Closer than their labels: one label, both numbers, between the lines (today's "35").
        labels = layoutMarkerLabels({100, 108}, {QStringLiteral("3"), QStringLiteral("4")}, width, 5, 0, 400);
        QCOMPARE(labels.size(), 1);
        QCOMPARE(labels[0].text, QStringLiteral("3·4"));
        QCOMPARE(labels[0].centre, 104.0);
        QCOMPARE(labels[0].markers, (QList<int>{0, 1}));
        // Two steps under one caption read its number once; the input's order does not matter, time does.
        labels = layoutMarkerLabels(
            {300, 100, 102}, {QStringLiteral("5"), QStringLiteral("3"), QStringLiteral("3")}, width, 5, 0, 400);
        QCOMPARE(labels.size(), 2);
        QCOMPARE(labels[0].text, QStringLiteral("3"));
        QCOMPARE(labels[1].text, QStringLiteral("5"));
        // A joined label grows, and may then reach the one before it: that joins too.
        labels = layoutMarkerLabels(
            {100, 118, 126}, {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")}, width, 5, 0, 400);
        QCOMPARE(labels.size(), 1);
        QCOMPARE(labels[0].text, QStringLiteral("1·2·3"));
        // At the plot's edge a label moves in rather than hang out.
        labels = layoutMarkerLabels({2, 398}, {QStringLiteral("12"), QStringLiteral("13")}, width, 5, 0, 400);
        QCOMPARE(labels[0].left(), 0.0);
        QCOMPARE(labels[1].right(), 400.0);
        // Whatever the positions, no two labels overlap.
        QList<double> xs;
        QStringList texts;
        for (int i = 0; i < 40; ++i) {
            xs << (i * 37 % 101) * 4.0;
            texts << QString::number(i % 9 + 1);
        }
        labels = layoutMarkerLabels(xs, texts, width, 5, 0, 400);
        int markers = 0;
        for (qsizetype i = 0; i < labels.size(); ++i) {
            markers += static_cast<int>(labels[i].markers.size());
            if (i > 0)
                QVERIFY(labels[i - 1].right() + 5 <= labels[i].left() + 1e-9);
        }
        QCOMPARE(markers, 40);
    }

    void testFormat_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<int>("unit");
        QTest::addColumn<QString>("text");
        using U = ticks::Unit;
        QTest::newRow("plain") << 950.0 << int(U::Plain) << QStringLiteral("950");
        QTest::newRow("k") << 20000.0 << int(U::Plain) << QStringLiteral("20k");
        QTest::newRow("1.5k") << 1500.0 << int(U::Plain) << QStringLiteral("1.5k");
        QTest::newRow("M") << 2500000.0 << int(U::Plain) << QStringLiteral("2.5M");
        QTest::newRow("fraction") << 0.5 << int(U::Plain) << QStringLiteral("0.5");
        QTest::newRow("µs") << 100.0 << int(U::Microseconds) << QStringLiteral("100 µs");
        QTest::newRow("ms") << 1500.0 << int(U::Microseconds) << QStringLiteral("1.5 ms");
        QTest::newRow("s, not 1e+06") << 1e6 << int(U::Microseconds) << QStringLiteral("1 s");
        QTest::newRow("ns") << 0.1 << int(U::Microseconds) << QStringLiteral("100 ns");
        QTest::newRow("percent") << 40.0 << int(U::Percent) << QStringLiteral("40%");
        QTest::newRow("MB") << 64.0 << int(U::Megabytes) << QStringLiteral("64M");
        QTest::newRow("GB") << 1536.0 << int(U::Megabytes) << QStringLiteral("1.5G");
        QTest::newRow("no memory") << 0.0 << int(U::Megabytes) << QStringLiteral("0");
        QTest::newRow("seconds") << 30.0 << int(U::Seconds) << QStringLiteral("30 s");
        QTest::newRow("minutes") << 120.0 << int(U::Seconds) << QStringLiteral("2 min");
        QTest::newRow("zero") << 0.0 << int(U::Plain) << QStringLiteral("0");
        // What rounds to 1000 of a unit is 1 of the next: never the wider "1000k" or "1000 ms" in a tile.
        QTest::newRow("999.6 -> 1k") << 999.6 << int(U::Plain) << QStringLiteral("1k");
        QTest::newRow("999,600 -> 1M") << 999'600.0 << int(U::Plain) << QStringLiteral("1M");
        QTest::newRow("999.4 stays") << 999.4 << int(U::Plain) << QStringLiteral("999");
        QTest::newRow("999.6 µs -> 1 ms") << 999.6 << int(U::Microseconds) << QStringLiteral("1 ms");
        QTest::newRow("999.6 ms -> 1 s") << 999'600.0 << int(U::Microseconds) << QStringLiteral("1 s");
        QTest::newRow("0.9996 µs -> 1 µs") << 0.9996 << int(U::Microseconds) << QStringLiteral("1 µs");
    }

    void testFormat()
    {
        QFETCH(double, value);
        QFETCH(int, unit);
        QFETCH(QString, text);
        QCOMPARE(ticks::format(value, static_cast<ticks::Unit>(unit)), text);
    }

    void testLittlesLawJudgesSteadiness()
    {
        // 3 s of snapshots at 100 ms: in flight flat at 100, then the same with in flight climbing.
        const auto run = [](double growthPerS, double processedPerSec = 10000) {
            std::vector<std::shared_ptr<const Snapshot>> history;
            for (int i = 1; i <= 30; ++i) {
                auto s = std::make_shared<Snapshot>();
                s->elapsedS = i * 0.1;
                s->intervalS = 0.1;
                s->inFlight = static_cast<std::int64_t>(100 + growthPerS * s->elapsedS);
                s->inFlightMean = static_cast<double>(s->inFlight);
                s->windowS = std::min(1.0, s->elapsedS);
                s->inFlightMeanWindow = 100 + growthPerS * (s->elapsedS - s->windowS / 2);
                s->processedPerSec = processedPerSec;
                s->interval.mean = 10000; // 10 ms: lambda x W = 100
                s->interval.count = static_cast<std::uint64_t>(processedPerSec * s->intervalS);
                s->window.mean = 10000;
                history.push_back(s);
            }
            return littlesLaw(history);
        };
        const LittlesLaw flat = run(0);
        QVERIFY(flat.known);
        QVERIFY(flat.steady);
        QCOMPARE(qRound(flat.predicted), 100);
        QCOMPARE(qRound(flat.inFlightMean), 100);
        QVERIFY(flat.agrees);
        // Steady but stuck: 100 in flight and nothing leaving. The law does not hold, and says so.
        const LittlesLaw stuck = run(0, 0);
        QVERIFY(stuck.steady);
        QVERIFY(!stuck.agrees);
        const LittlesLaw growing = run(500);
        QVERIFY(growing.known);
        QVERIFY(!growing.steady);
        QVERIFY(growing.trendPerSec > 400);
        // Too short a history to judge: not known, and so never called steady.
        const LittlesLaw young = littlesLaw({});
        QVERIFY(!young.known);
        QVERIFY(!young.steady);
    }
};

QTEST_APPLESS_MAIN(TestVisual)
#include "tst_visual.moc"
