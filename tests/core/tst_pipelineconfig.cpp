// SPDX-License-Identifier: MIT
#include "core/pipelineconfig.h"

#include <QTest>

using beam::PipelineConfig;

class TestPipelineConfig : public QObject
{
    Q_OBJECT

private slots:
    void testDefaultsAreValid()
    {
        const PipelineConfig config;
        QVERIFY(config.validate().empty());
        QCOMPARE(config.producers, 1);
        QCOMPARE(config.consumers, 8);
        QCOMPARE(config.rate.value(), std::uint64_t{1000});
        QCOMPARE(config.maxInFlight, std::int64_t{1000});
        QCOMPARE(config.intervalMs, 100);
    }

    void testBounds_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("valid");
        const auto both = [](const char *field, double low, double high, double step) {
            QTest::addRow("%s low-1", field) << QString::fromLatin1(field) << low - step << false;
            QTest::addRow("%s low", field) << QString::fromLatin1(field) << low << true;
            QTest::addRow("%s high", field) << QString::fromLatin1(field) << high << true;
            QTest::addRow("%s high+1", field) << QString::fromLatin1(field) << high + step << false;
        };
        both("producers", 1, 64, 1);
        both("consumers", 1, 256, 1);
        both("rate", 1, 50'000'000, 1);
        both("max_in_flight", 1, 1'000'000, 1);
        both("work_us", 0, 100'000, 1);
        both("io_us", 0, 1'000'000, 1);
        both("fault_rate", 0, 1, 0.001);
        both("max_attempts", 1, 100, 1);
        both("safety_cap", 1000, 100'000'000, 1);
        both("interval_ms", 10, 5000, 1);
    }

    void testBounds()
    {
        QFETCH(QString, field);
        QFETCH(double, value);
        QFETCH(bool, valid);

        PipelineConfig config;
        const auto asInt = static_cast<std::int64_t>(value);
        if (field == QLatin1String("producers"))
            config.producers = static_cast<int>(asInt);
        else if (field == QLatin1String("consumers"))
            config.consumers = static_cast<int>(asInt);
        else if (field == QLatin1String("rate"))
            config.rate = static_cast<std::uint64_t>(std::max<std::int64_t>(asInt, 0));
        else if (field == QLatin1String("max_in_flight"))
            config.maxInFlight = asInt;
        else if (field == QLatin1String("work_us"))
            config.workUs = static_cast<int>(asInt);
        else if (field == QLatin1String("io_us"))
            config.ioUs = static_cast<int>(asInt);
        else if (field == QLatin1String("fault_rate"))
            config.faultRate = value;
        else if (field == QLatin1String("max_attempts"))
            config.maxAttempts = static_cast<int>(asInt);
        else if (field == QLatin1String("safety_cap"))
            config.safetyCap = asInt;
        else if (field == QLatin1String("interval_ms"))
            config.intervalMs = static_cast<int>(asInt);

        const auto errors = config.validate();
        QCOMPARE(errors.empty(), valid);
        if (!valid) {
            QCOMPARE(errors.size(), std::size_t{1});
            QCOMPARE(QString::fromStdString(errors.front().field), field);
            const auto message = QString::fromStdString(errors.front().message);
            QVERIFY2(message.startsWith(field + QLatin1String(" = ")), qPrintable(message));
            QVERIFY2(message.contains(QLatin1String("out of range")), qPrintable(message));
        }
    }

    void testEveryViolationIsReported()
    {
        PipelineConfig config;
        config.producers = 0;
        config.consumers = 1000;
        config.faultRate = std::numeric_limits<double>::quiet_NaN();
        config.intervalMs = 1;
        const auto errors = config.validate();
        QCOMPARE(errors.size(), std::size_t{4});
        QCOMPARE(QString::fromStdString(errors[0].message), QStringLiteral("producers = 0 is out of range 1..64"));
        QCOMPARE(QString::fromStdString(errors[1].message), QStringLiteral("consumers = 1000 is out of range 1..256"));
        QCOMPARE(QString::fromStdString(errors[2].field), QStringLiteral("fault_rate"));
        QCOMPARE(QString::fromStdString(errors[3].message),
            QStringLiteral("interval_ms = 1 ms is out of range 10..5000 ms"));
    }

    void testMessagesNameTheValueExactly()
    {
        // Six significant digits printed 1.0000001 as 1: "fault_rate = 1 is out of range 0..1".
        PipelineConfig config;
        config.faultRate = 1.0000001;
        config.maxSeconds = -0.0;
        config.backoffJitter = 1e300;
        const auto errors = config.validate();
        QCOMPARE(errors.size(), std::size_t{3});
        QCOMPARE(
            QString::fromStdString(errors[0].message), QStringLiteral("fault_rate = 1.0000001 is out of range 0..1"));
        QCOMPARE(QString::fromStdString(errors[1].message),
            QStringLiteral("max_seconds = -0 s is out of range 0.001..3600 s"));
        QCOMPARE(
            QString::fromStdString(errors[2].message), QStringLiteral("backoff_jitter = 1e+300 is out of range 0..1"));
    }

    void testUnlimitedRate()
    {
        PipelineConfig config;
        config.rate.reset();
        QVERIFY(config.validate().empty());
        QCOMPARE(QString::fromStdString(config.rateText()), QStringLiteral("max"));
    }

    void testPolicyNames()
    {
        for (auto policy :
            {beam::OverloadPolicy::Backpressure, beam::OverloadPolicy::Drop, beam::OverloadPolicy::Unbounded})
            QCOMPARE(beam::overloadPolicyFromString(beam::toString(policy)), std::optional(policy));
        QVERIFY(!beam::overloadPolicyFromString("Backpressure"));
        QVERIFY(!beam::overloadPolicyFromString(""));
    }
};

QTEST_GUILESS_MAIN(TestPipelineConfig)
#include "tst_pipelineconfig.moc"
