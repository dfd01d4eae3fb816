// SPDX-License-Identifier: MIT
#include "core/histogram.h"
#include "core/random.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <numeric>

using beam::Histogram;
using beam::HistogramLayout;

class TestHistogram : public QObject
{
    Q_OBJECT

private slots:
    void testLayoutIsContiguous()
    {
        // Every value maps into a bucket that contains it, and buckets tile the range without gaps.
        for (int i = 1; i < HistogramLayout::kBucketCount; ++i)
            QCOMPARE(
                HistogramLayout::lowerBound(i), HistogramLayout::lowerBound(i - 1) + HistogramLayout::width(i - 1));
        beam::Random random(7);
        for (int n = 0; n < 100000; ++n) {
            const std::uint64_t value = random.next() >> (random.next() % 64);
            const int index = HistogramLayout::indexOf(value);
            if (index == HistogramLayout::kBucketCount - 1 && value >= HistogramLayout::lowerBound(index))
                continue; // the overflow bucket
            QVERIFY(value >= HistogramLayout::lowerBound(index));
            QVERIFY(value < HistogramLayout::lowerBound(index) + HistogramLayout::width(index));
        }
    }

    void testPercentilesMatchExact_data()
    {
        QTest::addColumn<int>("distribution");
        QTest::newRow("uniform 0..1ms") << 0;
        QTest::newRow("log-uniform 100ns..10s") << 1;
        QTest::newRow("small exact values") << 2;
    }

    void testPercentilesMatchExact()
    {
        QFETCH(int, distribution);
        beam::Random random(42 + static_cast<std::uint64_t>(distribution));
        std::vector<std::uint64_t> values;
        Histogram histogram;
        for (int n = 0; n < 200000; ++n) {
            std::uint64_t v = 0;
            if (distribution == 0)
                v = random.next() % 1'000'000;
            else if (distribution == 1)
                v = static_cast<std::uint64_t>(std::pow(10.0, 2.0 + 8.0 * random.uniform()));
            else
                v = random.next() % 100;
            values.push_back(v);
            histogram.record(v);
        }
        std::sort(values.begin(), values.end());
        QCOMPARE(histogram.count(), std::uint64_t{values.size()});
        QCOMPARE(histogram.max(), values.back());
        for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
            const auto rank
                = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()))));
            const double exact = static_cast<double>(values[rank - 1]);
            const double approx = static_cast<double>(histogram.quantile(q));
            const double error = exact == 0 ? approx : std::abs(approx - exact) / exact;
            QVERIFY2(
                error <= 0.01, qPrintable(QStringLiteral("q=%1 exact=%2 approx=%3").arg(q).arg(exact).arg(approx)));
        }
        const double exactMean
            = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
        QVERIFY2(std::abs(histogram.mean() - exactMean) <= 0.01 * exactMean,
            qPrintable(QStringLiteral("mean exact=%1 approx=%2").arg(exactMean).arg(histogram.mean())));
    }

    void testIntervalsAndMerging()
    {
        Histogram a;
        Histogram b;
        for (std::uint64_t v = 1; v <= 1000; ++v)
            a.record(v * 1000);
        Histogram later = a;
        for (std::uint64_t v = 1; v <= 10; ++v)
            later.record(5'000'000);
        const Histogram interval = later.since(a);
        QCOMPARE(interval.count(), std::uint64_t{10});
        QVERIFY(std::abs(static_cast<double>(interval.quantile(0.5)) - 5e6) / 5e6 < 0.01);

        b.record(42);
        b.merge(a);
        QCOMPARE(b.count(), std::uint64_t{1001});
        QCOMPARE(b.quantile(0.0), std::uint64_t{42});
        QCOMPARE(Histogram().quantile(0.5), std::uint64_t{0});
    }

    void testRecorderMatchesPlainHistogram()
    {
        beam::LatencyRecorder recorder;
        Histogram plain;
        beam::Random random(3);
        for (int n = 0; n < 50000; ++n) {
            const auto v = random.next() % 10'000'000;
            recorder.record(v);
            plain.record(v);
        }
        // addTo() reads up to the maximum's bucket: the maximum itself, and one past the layout's end, are merged.
        for (const std::uint64_t v : {std::uint64_t{10'000'000}, std::uint64_t{1} << 50}) {
            recorder.record(v, 3);
            plain.record(v, 3);
        }
        Histogram read;
        recorder.addTo(read);
        QCOMPARE(read.count(), plain.count());
        QCOMPARE(read.max(), plain.max());
        QCOMPARE(read.counts(), plain.counts());
    }
};

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
