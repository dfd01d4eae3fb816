// SPDX-License-Identifier: MIT
// The what-if sweep (core/sweep.h): its spec, its values and configurations, the range checks, the model between
// the measured points, a tiny sweep run on the engine, and the CSV and SVG written from points.
#include "core/sweep.h"
#include "core/sweepcsv.h"
#include "core/sweepsvg.h"

#include <QTest>
#include <QXmlStreamReader>

#include <algorithm>
#include <cmath>

using namespace beam;

Q_DECLARE_METATYPE(std::vector<std::int64_t>)

namespace {

/// A point as runSweep() would make it, without running anything: `runs` runs of the same figures.
SweepPoint madePoint(const PipelineConfig &base, SweepParam param, std::int64_t value, double wUs,
    std::optional<double> overheadUs, std::vector<std::uint64_t> counts = {})
{
    SweepPoint p;
    p.param = param;
    p.value = value;
    p.config = sweepConfig(base, param, value);
    SweepRun run;
    run.throughputPerSec = static_cast<double>(value);
    run.wMeanUs = wUs;
    run.wP99Us = wUs * 3;
    run.overheadUs = overheadUs;
    run.processedByConsumer = std::move(counts);
    run.cores = 2;
    p.runs = {run, run};
    p.throughputMeanPerSec = p.throughputMinPerSec = p.throughputMaxPerSec = run.throughputPerSec;
    p.wMeanUs = p.wMinUs = p.wMaxUs = wUs;
    p.wP99Us = run.wP99Us;
    p.overheadUs = overheadUs;
    p.modelInputs = sweepModelInputs(base, param, static_cast<double>(value), {});
    p.modelInputs.cores = 2;
    p.model = predictQueueing(p.modelInputs);
    return p;
}

PipelineConfig ioBound()
{
    PipelineConfig c;
    c.consumers = 4;
    c.ioUs = 1000;
    return c;
}

} // namespace

class TestSweep : public QObject
{
    Q_OBJECT

private slots:
    void testParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("param");
        QTest::addColumn<qint64>("lo");
        QTest::addColumn<qint64>("hi");
        QTest::addColumn<int>("steps");
        QTest::newRow("rate") << "rate=1000..3500:6" << int(SweepParam::Rate) << qint64{1000} << qint64{3500} << 6;
        QTest::newRow("default steps") << "consumers=1..8" << int(SweepParam::Consumers) << qint64{1} << qint64{8}
                                       << SweepSpec::kDefaultSteps;
        QTest::newRow("blanks around") << " io-us=0..2000:3 " << int(SweepParam::IoUs) << qint64{0} << qint64{2000}
                                       << 3;
        QTest::newRow("fewer whole values than 6")
            << "consumers=1..4" << int(SweepParam::Consumers) << qint64{1} << qint64{4} << 4;
        QTest::newRow("100 steps") << "max-in-flight=1..100:100" << int(SweepParam::MaxInFlight) << qint64{1}
                                   << qint64{100} << 100;
    }

    void testParse()
    {
        QFETCH(QString, text);
        QFETCH(int, param);
        QFETCH(qint64, lo);
        QFETCH(qint64, hi);
        QFETCH(int, steps);
        std::string error;
        const auto spec = parseSweepSpec(text.toStdString(), error);
        QVERIFY2(spec.has_value(), error.c_str());
        QVERIFY(error.empty());
        QVERIFY(spec->param == static_cast<SweepParam>(param));
        QCOMPARE(spec->lo, lo);
        QCOMPARE(spec->hi, hi);
        QCOMPARE(spec->steps, steps);
        // Written back as it reads.
        std::string again;
        const auto reread = parseSweepSpec(toString(*spec), again);
        QVERIFY(reread && reread->lo == spec->lo && reread->hi == spec->hi && reread->steps == spec->steps);
    }

    void testParseRefuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown parameter") << "speed=1..2"
                                           << "sweeps 'speed', which is not one of rate, consumers";
        QTest::newRow("capitals") << "Rate=1..2"
                                  << "sweeps 'Rate'";
        QTest::newRow("no range") << "rate"
                                  << "is not PARAM=LO..HI[:STEPS]";
        QTest::newRow("a dash for dots") << "rate=1000-3000"
                                         << "is not PARAM=LO..HI[:STEPS]";
        QTest::newRow("negative") << "rate=-5..10"
                                  << "is not PARAM=LO..HI[:STEPS]";
        QTest::newRow("fraction") << "rate=1.5..10"
                                  << "is not PARAM=LO..HI[:STEPS]";
        QTest::newRow("empty steps") << "rate=1..2:"
                                     << "is not PARAM=LO..HI[:STEPS]";
        QTest::newRow("empty") << ""
                               << "is not PARAM=LO..HI[:STEPS]";
        QTest::newRow("reversed") << "rate=3000..1000"
                                  << "goes down: LO 3000 is above HI 1000";
        QTest::newRow("empty range") << "rate=1000..1000"
                                     << "is an empty range: LO and HI are both 1000";
        QTest::newRow("one step") << "rate=1000..2000:1"
                                  << "has STEPS 1, out of range 2..100";
        QTest::newRow("101 steps") << "rate=1000..2000:101"
                                   << "has STEPS 101, out of range 2..100";
        QTest::newRow("huge steps") << "rate=1000..2000:99999999999"
                                    << "has STEPS 99999999999, out of range";
        QTest::newRow("more steps than values") << "consumers=1..4:10"
                                                << "has STEPS 10 but only 4 whole values from 1 to 4 (give STEPS 2..4)";
        QTest::newRow("past any range") << "rate=1..99999999999999999999"
                                        << "past any setting's range";
    }

    void testParseRefuses()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        std::string error;
        QVERIFY(!parseSweepSpec(text.toStdString(), error).has_value());
        QVERIFY2(QString::fromStdString(error).contains(says), error.c_str());
    }

    void testValues_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<std::vector<std::int64_t>>("values");
        QTest::newRow("rate") << "rate=1000..3500:6" << std::vector<std::int64_t>{1000, 1500, 2000, 2500, 3000, 3500};
        QTest::newRow("rounded") << "consumers=1..8:3" << std::vector<std::int64_t>{1, 5, 8};
        QTest::newRow("two ends") << "io-us=0..999:2" << std::vector<std::int64_t>{0, 999};
        QTest::newRow("thirds") << "max-in-flight=10..20:4" << std::vector<std::int64_t>{10, 13, 17, 20};
    }

    void testValues()
    {
        QFETCH(QString, text);
        QFETCH(std::vector<std::int64_t>, values);
        std::string error;
        const auto spec = parseSweepSpec(text.toStdString(), error);
        QVERIFY(spec);
        QVERIFY(sweepValues(*spec) == values);
    }

    void testEveryWholeValueOnce()
    {
        std::string error;
        const auto spec = parseSweepSpec("consumers=1..100:100", error);
        QVERIFY(spec);
        const auto values = sweepValues(*spec);
        QCOMPARE(values.size(), std::size_t{100});
        for (std::size_t i = 0; i < values.size(); ++i)
            QCOMPARE(values[i], static_cast<std::int64_t>(i + 1));
    }

    void testConfigOfAPoint()
    {
        PipelineConfig base;
        base.producers = 4;
        base.rate.reset();
        // The rate is the total, split over the producers.
        QCOMPARE(*sweepConfig(base, SweepParam::Rate, 1000).rate, std::uint64_t{250});
        QCOMPARE(*sweepConfig(base, SweepParam::Rate, 1002).rate, std::uint64_t{251}); // 250.5, rounded
        QCOMPARE(sweepConfig(base, SweepParam::Consumers, 3).consumers, 3);
        QCOMPARE(sweepConfig(base, SweepParam::IoUs, 700).ioUs, 700);
        QCOMPARE(sweepConfig(base, SweepParam::MaxInFlight, 64).maxInFlight, std::int64_t{64});
        // Nothing else moves; an unlimited rate stays unlimited when something else is swept.
        PipelineConfig back = sweepConfig(base, SweepParam::Consumers, 3);
        back.consumers = base.consumers;
        QVERIFY(back == base);
    }

    void testCheckSweep()
    {
        const auto check = [](const PipelineConfig &base, const char *text) {
            std::string error;
            const auto spec = parseSweepSpec(text, error);
            return spec ? checkSweep(base, *spec) : std::vector<std::string>{"unparsed: " + error};
        };
        const auto has = [](const std::vector<std::string> &errors, const std::string &text) {
            return std::any_of(errors.begin(), errors.end(), [&](const auto &e) { return e.find(text) == 0; });
        };
        PipelineConfig base;
        QVERIFY(check(base, "rate=1000..3500").empty());
        QVERIFY(check(base, "consumers=1..256:4").empty());
        auto errors = check(base, "consumers=0..300");
        QCOMPARE(errors.size(), std::size_t{2}); // both ends, each once
        QVERIFY(has(errors, "consumers = 0 is out of range 1..256"));
        QVERIFY(has(errors, "consumers = 300 is out of range 1..256"));
        QVERIFY(has(check(base, "rate=0..100"), "rate = 0 events/s is out of range 1..50000000 events/s"));
        QVERIFY(has(check(base, "io-us=0..2000000:3"), "io_us = 2000000 us is out of range 0..1000000 us"));
        QVERIFY(has(check(base, "max-in-flight=0..100"), "max_in_flight = 0 is out of range 1..1000000"));
        base.producers = 4;
        QVERIFY(has(check(base, "rate=2..100"),
            "rate = 2 events/s is out of range 4..200000000 events/s (the total over 4 producers, 1..50000000 each)"));
        // Another field's rule, at the point that breaks it.
        base.producers = 1;
        base.slowConsumer = SlowConsumer{5, 2};
        errors = check(base, "consumers=2..8:4");
        QVERIFY(has(errors, "at consumers = 2: slow_consumer = 5 (consumer index) is out of range 0..1"));
        QVERIFY(has(errors, "at consumers = 4: slow_consumer = 5 (consumer index) is out of range 0..3"));
        // The base's own faults are its flags' to report, not the sweep's.
        base.slowConsumer.reset();
        base.faultRate = 2;
        QVERIFY(check(base, "rate=1000..2000").empty());
    }

    void testModelBetweenThePoints()
    {
        const PipelineConfig base = ioBound();
        // 4 consumers' events at the two measured points: shares 0.4, 0.2, 0.2, 0.2 together.
        const std::vector<SweepPoint> points{madePoint(base, SweepParam::Rate, 1000, 1100, 40.0, {800, 400, 400, 400}),
            madePoint(base, SweepParam::Rate, 2000, 1300, 60.0, {1200, 600, 600, 600})};
        const ModelInputs mid = sweepModelInputs(base, SweepParam::Rate, 1500, points);
        QVERIFY(std::abs(mid.overheadUs - 50.0) < 1e-9); // interpolated
        QCOMPARE(mid.offeredPerSec, 1500.0); // the value itself, not rounded per producer
        QCOMPARE(mid.cores, 2);
        QCOMPARE(mid.keyShares.size(), std::size_t{4});
        QVERIFY(std::abs(mid.keyShares[0] - 0.4) < 1e-12);
        QCOMPARE(sweepModelInputs(base, SweepParam::Rate, 500, points).overheadUs, 40.0); // the nearest end's
        QCOMPARE(sweepModelInputs(base, SweepParam::Rate, 9000, points).overheadUs, 60.0);
        QCOMPARE(sweepModelInputs(base, SweepParam::Rate, 1500, {}).overheadUs, 0.0); // nothing measured
        // Another number of consumers than the points ran: the router's expected shares (empty: the model's default).
        QVERIFY(sweepModelInputs(base, SweepParam::Consumers, 5, points).keyShares.empty());
    }

    void testCurveAlongTheSweep()
    {
        const PipelineConfig base = ioBound();
        std::string error;
        // Whole values for consumers: each once.
        const auto consumers = sweepModelCurve(base, *parseSweepSpec("consumers=1..8", error), {});
        QCOMPARE(consumers.size(), std::size_t{8});
        QCOMPARE(consumers.front().value, 1.0);
        QCOMPARE(consumers.back().value, 8.0);
        // 4 consumers of 1 ms: about 4,000 events/s at most, so the model draws W below it and none above.
        const auto rate = sweepModelCurve(base, *parseSweepSpec("rate=500..6000", error), {}, 100);
        QCOMPARE(rate.size(), std::size_t{100});
        QVERIFY(rate.front().model.drawsW());
        QVERIFY(rate.front().model.wMeanUs >= 1000);
        QVERIFY(!rate.back().model.drawsW());
        QVERIFY(rate.back().model.fit == ModelFit::Saturated);
        for (std::size_t i = 1; i < rate.size(); ++i) {
            QVERIFY(rate[i].value > rate[i - 1].value);
            if (rate[i].model.drawsW() && rate[i - 1].model.drawsW())
                QVERIFY(rate[i].model.wMeanUs >= rate[i - 1].model.wMeanUs - 1e-6); // W grows with the load
        }
    }

    // A sweep on the engine: two points, one short run each. Only what cannot be flaky is asserted: the shape of
    // the result, throughput near what was offered, W at least the I/O, the model filled in.
    void testTinySweepOnTheEngine()
    {
        PipelineConfig base = ioBound();
        base.rate = 1; // replaced at each point
        std::string error;
        const auto spec = parseSweepSpec("rate=200..400:2", error);
        QVERIFY(spec);
        SweepOptions options;
        options.warmupS = 0.2;
        options.measureS = 0.5;
        options.repeats = 1;
        int runs = 0;
        std::vector<std::int64_t> finished;
        SweepCallbacks callbacks;
        callbacks.onRun = [&runs](const SweepRunProgress &p) {
            ++runs;
            QVERIFY(p.param == SweepParam::Rate);
            QCOMPARE(p.points, 2);
            QCOMPARE(p.repeats, 1);
        };
        callbacks.onPoint = [&finished](const SweepPoint &p) { finished.push_back(p.value); };
        const SweepResult result = runSweep(base, *spec, options, callbacks);
        QVERIFY2(result.error.empty(), result.error.c_str());
        QVERIFY(!result.cancelled);
        QCOMPARE(result.points.size(), std::size_t{2});
        QCOMPARE(runs, 2);
        QVERIFY((finished == std::vector<std::int64_t>{200, 400})); // once per point, in order
        for (const SweepPoint &p : result.points) {
            const auto offered = static_cast<double>(p.value);
            QCOMPARE(p.runs.size(), std::size_t{1});
            QCOMPARE(*p.config.rate, static_cast<std::uint64_t>(p.value));
            QVERIFY2(std::abs(p.throughputMeanPerSec - offered) <= 0.25 * offered,
                qPrintable(QString::number(p.throughputMeanPerSec)));
            // Each event waits its I/O at least; the histogram's mean is good to 1%.
            QVERIFY2(p.wMeanUs >= 0.99 * base.ioUs, qPrintable(QString::number(p.wMeanUs)));
            QVERIFY(p.wP99Us >= p.wMeanUs * 0.99);
            QVERIFY(p.wMinUs <= p.wMeanUs && p.wMeanUs <= p.wMaxUs);
            QVERIFY(p.runs.front().cores >= 1);
            QCOMPARE(p.modelInputs.cores, p.runs.front().cores);
            QVERIFY(p.modelInputs.config == p.config);
            QCOMPARE(p.model.offeredPerSec, offered);
            QVERIFY(p.model.drawsW()); // 400 events/s is a tenth of what 4 consumers of 1 ms can do
            QVERIFY(std::isfinite(p.model.wMeanUs) && p.model.wMeanUs >= base.ioUs);
            QVERIFY(p.model.capacityPerSec > offered);
        }
    }

    void testCancel()
    {
        PipelineConfig base = ioBound();
        std::string error;
        const auto spec = parseSweepSpec("rate=200..400:2", error);
        SweepOptions options;
        options.warmupS = 0;
        options.measureS = 0.2;
        options.repeats = 1;
        std::atomic<bool> cancel{true};
        const SweepResult none = runSweep(base, *spec, options, {}, &cancel);
        QVERIFY(none.cancelled);
        QVERIFY(none.points.empty());
        // Cancelled once the first point is done: the second is not run.
        cancel = false;
        SweepCallbacks callbacks;
        callbacks.onPoint = [&cancel](const SweepPoint &) { cancel = true; };
        const SweepResult one = runSweep(base, *spec, options, callbacks, &cancel);
        QVERIFY(one.cancelled);
        QVERIFY(one.error.empty());
        QCOMPARE(one.points.size(), std::size_t{1});
        QCOMPARE(one.points.front().value, std::int64_t{200});
    }

    void testCsvLeavesWhatTheModelDoesNotSayEmpty()
    {
        const PipelineConfig base = ioBound();
        // 1,000 events/s is within what 4 consumers of 1 ms do; 9,000 is far beyond: saturated.
        const std::vector<SweepPoint> points{
            madePoint(base, SweepParam::Rate, 1000, 1100, 50.0), madePoint(base, SweepParam::Rate, 9000, 90000, {})};
        QVERIFY(points[0].model.drawsW());
        QVERIFY(points[1].model.fit == ModelFit::Saturated);
        const QStringList lines = QString::fromStdString(sweepCsv(points)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        const QStringList header = lines[0].split(QLatin1Char(','));
        for (const char *column : {"param", "value", "rho_model", "throughput_model", "throughput_measured",
                 "w_model_us", "w_measured_us", "p99_measured_us", "w_model_p99_us", "fit", "capacity_model",
                 "capacity_stage", "overhead_us", "repeats", "throughput_measured_min", "throughput_measured_max",
                 "w_measured_min_us", "w_measured_max_us"})
            QVERIFY2(header.contains(QLatin1String(column)), column);
        const auto cell = [&](int row, const char *column) {
            return lines[row].split(QLatin1Char(','))[header.indexOf(QLatin1String(column))];
        };
        QCOMPARE(cell(1, "param"), QStringLiteral("rate"));
        QCOMPARE(cell(1, "value"), QStringLiteral("1000"));
        QCOMPARE(cell(1, "fit"), QStringLiteral("holds"));
        QVERIFY(cell(1, "w_model_us").toDouble() > 1000);
        QCOMPARE(cell(1, "overhead_us"), QStringLiteral("50.0"));
        QCOMPARE(cell(1, "repeats"), QStringLiteral("2"));
        QCOMPARE(cell(2, "fit"), QStringLiteral("saturated"));
        QCOMPARE(cell(2, "w_model_us"), QString());
        QCOMPARE(cell(2, "w_model_p99_us"), QString());
        QCOMPARE(cell(2, "overhead_us"), QString());
        QCOMPARE(cell(2, "w_measured_us"), QStringLiteral("90000.0"));
        for (const QString &line : lines) {
            QCOMPARE(line.split(QLatin1Char(',')).size(), header.size());
            QVERIFY(!line.contains(QLatin1String("inf")) && !line.contains(QLatin1String("nan")));
        }
    }

    void testSvgIsXmlWithEveryPoint()
    {
        const PipelineConfig base = ioBound();
        std::string error;
        const SweepChartSource source{base, *parseSweepSpec("rate=1000..9000:2", error), SweepOptions{}};
        const std::vector<SweepPoint> points{
            madePoint(base, SweepParam::Rate, 1000, 1100, 50.0), madePoint(base, SweepParam::Rate, 9000, 90000, {})};
        QXmlStreamReader xml(QString::fromStdString(sweepSvg(source, points)));
        QStringList measured;
        int curves = 0;
        int texts = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            const auto attributes = xml.attributes();
            if (attributes.value(QLatin1String("class")) == QLatin1String("measured-w"))
                measured << attributes.value(QLatin1String("data-value")).toString();
            if (attributes.value(QLatin1String("class")) == QLatin1String("model-w"))
                ++curves;
            if (xml.name() == QLatin1String("text")) {
                ++texts;
                QVERIFY(attributes.value(QLatin1String("font-size")).toInt() >= 14); // readable
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(measured, (QStringList{QStringLiteral("1000"), QStringLiteral("9000")}));
        QVERIFY(curves >= 1);
        QVERIFY(texts > 10);
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
