// SPDX-License-Identifier: MIT
// The Prometheus endpoint as a scraper meets it: real HTTP GETs to /metrics on a running headless engine.
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

#include <map>
#include <optional>

class TestMetrics : public QObject
{
    Q_OBJECT

    /// A port nobody listens on right now (the kernel's pick; closed again before use).
    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    /// GET url; the body, or nullopt when the request fails (e.g. nothing listens yet).
    static std::optional<QString> get(const QString &url)
    {
        QNetworkAccessManager manager;
        manager.setProxy(QNetworkProxy::NoProxy); // a proxy from the environment must not see localhost
        QNetworkRequest request{QUrl(url)};
        request.setTransferTimeout(5000);
        QNetworkReply *reply = manager.get(request);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError)
            return std::nullopt;
        return QString::fromUtf8(reply->readAll());
    }

    static std::optional<QString> getWhenUp(const QString &url, QProcess &process)
    {
        for (int attempt = 0; attempt < 100 && process.state() == QProcess::Running; ++attempt) {
            // The endpoint listens before the engine starts; until the first snapshot it serves no beam_ metrics.
            if (auto body = get(url); body && body->contains(QLatin1String("beam_events_produced_total")))
                return body;
            QTest::qWait(100);
        }
        return std::nullopt;
    }

    /// Sample lines without labels: name -> value.
    static std::map<QString, double> values(const QString &text)
    {
        std::map<QString, double> result;
        static const QRegularExpression line(QStringLiteral("^([a-z_]+) ([-+0-9.eE]+|[+-]Inf|NaN)$"));
        for (const QString &l : text.split(QLatin1Char('\n'))) {
            const auto match = line.match(l);
            if (match.hasMatch())
                result[match.captured(1)] = match.captured(2).toDouble();
        }
        return result;
    }

    static QStringList headlessArguments(quint16 port)
    {
        return {QStringLiteral("--headless"), QStringLiteral("--quiet"), QStringLiteral("--duration"),
            QStringLiteral("60"), QStringLiteral("--rate"), QStringLiteral("5000"), QStringLiteral("--fault-rate"),
            QStringLiteral("0.1"), QStringLiteral("--metrics-port"), QString::number(port)};
    }

private slots:
    void testEndpointServesMovingCounters()
    {
        const quint16 port = freePort();
        QVERIFY(port != 0);
        QProcess process;
        process.start(QStringLiteral(BEAM_BINARY), headlessArguments(port));
        QVERIFY(process.waitForStarted());
        const auto stopOnFailure = qScopeGuard([&process] {
            if (process.state() != QProcess::NotRunning) {
                process.kill();
                process.waitForFinished();
            }
        });
        const QString url = QStringLiteral("http://127.0.0.1:%1/metrics").arg(port);

        const auto first = getWhenUp(url, process);
        QVERIFY2(first, qPrintable(QString::fromUtf8(process.readAllStandardError())));
        for (const char *name :
            {"beam_events_produced_total", "beam_events_processed_total", "beam_events_failed_total",
                "beam_events_retried_total", "beam_events_dead_lettered_total", "beam_events_dropped_total",
                "beam_consumer_restarts_total", "beam_supervisor_escalations_total", "beam_events_in_flight",
                "beam_events_in_flight_limit", "beam_producers", "beam_consumers", "beam_backpressure_ratio",
                "beam_cpu_percent", "beam_resident_memory_bytes", "beam_event_latency_seconds",
                "beam_limiter_threshold", "beam_limiter_count", "beam_limiter_count_max", "beam_limiter_refused_total"})
            QVERIFY2(first->contains(QStringLiteral("\n# TYPE %1 ").arg(QLatin1String(name))), name);
        QVERIFY(first->contains(QLatin1String("# TYPE beam_events_produced_total counter")));
        QVERIFY(first->contains(QLatin1String("# TYPE beam_events_in_flight gauge")));
        QVERIFY(first->contains(QLatin1String("# TYPE beam_event_latency_seconds histogram")));
        QVERIFY(first->contains(QLatin1String("beam_event_latency_seconds_bucket{le=\"+Inf\"}")));
        QVERIFY(first->contains(QLatin1String("beam_consumer_crashes_total{cause=\"killed\"}")));
        // One utilisation gauge per engine thread.
        QVERIFY(first->contains(QLatin1String("# TYPE beam_scheduler_utilisation gauge")));
        QVERIFY(first->contains(QLatin1String("thread=\"executor 0\"")));
        QVERIFY(first->contains(QLatin1String("kind=\"producer\",thread=\"producer 0\"}"))
            || first->contains(QLatin1String("thread=\"producer 0\",kind=\"producer\"}")));

        // The counters move between two scrapes a second apart (5000 events/s are produced).
        QTest::qWait(1200);
        const auto second = get(url);
        QVERIFY(second);
        const auto a = values(*first);
        const auto b = values(*second);
        for (const char *name : {"beam_events_produced_total", "beam_events_processed_total",
                 "beam_events_failed_total", "beam_event_latency_seconds_count", "beam_uptime_seconds"}) {
            const QString key = QLatin1String(name);
            QVERIFY2(a.count(key) && b.count(key), name);
            QVERIFY2(b.at(key) > a.at(key),
                qPrintable(QStringLiteral("%1: %2 then %3").arg(key).arg(a.at(key)).arg(b.at(key))));
        }
        QCOMPARE(b.at(QStringLiteral("beam_consumers")), 8.0);
        QCOMPARE(b.at(QStringLiteral("beam_producers")), 1.0);
        QCOMPARE(b.at(QStringLiteral("beam_events_in_flight_limit")), 1000.0);
        QCOMPARE(b.at(QStringLiteral("beam_events_lost")), 0.0);
        QVERIFY(b.at(QStringLiteral("beam_resident_memory_bytes")) > 1e6);
        QVERIFY(b.at(QStringLiteral("beam_event_latency_seconds_sum")) > 0);

        // SIGTERM drains and stops the endpoint; `docker stop` on the default container is this. civetweb's
        // listener used to hold the exit up to 2 s more (it polls 2 s at a time); the issue allows 2 s in all.
        QElapsedTimer clock;
        clock.start();
        process.terminate();
        QVERIFY(process.waitForFinished(20000));
        const qint64 tookMs = clock.elapsed();
        qInfo("exit %lld ms after SIGTERM", static_cast<long long>(tookMs));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(tookMs < 2000, qPrintable(QStringLiteral("%1 ms").arg(tookMs)));
    }

    /// Every family of one scrape comes from one snapshot: the latency histogram's count (events processed, as
    /// its latencies were recorded) never exceeds the events produced. Before the fix the counters came from a
    /// snapshot up to one interval old and the histogram was read live at publication, so at a high rate the
    /// count ran ahead of produced in nearly every scrape.
    void testOneSnapshotPerScrape()
    {
        const quint16 port = freePort();
        QVERIFY(port != 0);
        QProcess process;
        process.start(QStringLiteral(BEAM_BINARY),
            {QStringLiteral("--headless"), QStringLiteral("--quiet"), QStringLiteral("--duration"),
                QStringLiteral("60"), QStringLiteral("--rate"), QStringLiteral("200000"), QStringLiteral("--producers"),
                QStringLiteral("2"), QStringLiteral("--interval"), QStringLiteral("50"),
                QStringLiteral("--metrics-port"), QString::number(port)});
        QVERIFY(process.waitForStarted());
        const auto stop = qScopeGuard([&process] {
            process.kill();
            process.waitForFinished();
        });
        const QString url = QStringLiteral("http://127.0.0.1:%1/metrics").arg(port);
        QVERIFY(getWhenUp(url, process));
        int compared = 0;
        double lastProduced = 0;
        for (int scrape = 0; scrape < 150; ++scrape) {
            const auto body = get(url);
            QVERIFY(body);
            const auto v = values(*body);
            const QString produced = QStringLiteral("beam_events_produced_total");
            const QString count = QStringLiteral("beam_event_latency_seconds_count");
            QVERIFY(v.count(produced) && v.count(count));
            QVERIFY2(v.at(count) <= v.at(produced),
                qPrintable(QStringLiteral("scrape %1: latency count %2 > produced %3")
                               .arg(scrape)
                               .arg(v.at(count), 0, 'f', 0)
                               .arg(v.at(produced), 0, 'f', 0)));
            compared += v.at(produced) > lastProduced;
            lastProduced = v.at(produced);
            QTest::qWait(10);
        }
        QVERIFY2(compared > 10, "the counters hardly moved: the run was not under load");
    }

    void testPortInUseExitsTwo()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        QProcess process;
        process.start(QStringLiteral(BEAM_BINARY), headlessArguments(taken.serverPort()));
        QVERIFY(process.waitForFinished(20000));
        QCOMPARE(process.exitCode(), 2);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(
            err.contains(QStringLiteral("--metrics-port: cannot serve metrics on 127.0.0.1:%1: Address already in use")
                             .arg(taken.serverPort())),
            qPrintable(err));
        QVERIFY2(!err.contains(QLatin1String("terminate")), qPrintable(err)); // a message, not a crash
    }

    void testBadFlags_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        const QString headless = QStringLiteral("--headless");
        const QString port = QStringLiteral("--metrics-port");
        const QString bind = QStringLiteral("--metrics-bind");
        QTest::newRow("port 0") << QStringList{headless, port, QStringLiteral("0")}
                                << QStringLiteral("--metrics-port: 0 is out of range 1..65535");
        QTest::newRow("port 65536") << QStringList{headless, port, QStringLiteral("65536")}
                                    << QStringLiteral("--metrics-port: 65536 is out of range 1..65535");
        QTest::newRow("port text") << QStringList{headless, port, QStringLiteral("http")}
                                   << QStringLiteral("--metrics-port: 'http' is not a whole number in 1..65535");
        QTest::newRow("bind name") << QStringList{headless, port, QStringLiteral("4000"), bind,
            QStringLiteral("localhost")}
                                   << QStringLiteral("--metrics-bind: 'localhost' is not a numeric IPv4 address");
        QTest::newRow("bind ipv6") << QStringList{headless, port, QStringLiteral("4000"), bind, QStringLiteral("::1")}
                                   << QStringLiteral("--metrics-bind: '::1' is not a numeric IPv4 address");
        QTest::newRow("bind bad ip") << QStringList{headless, port, QStringLiteral("4000"), bind,
            QStringLiteral("300.1.1.1")}
                                     << QStringLiteral("--metrics-bind: '300.1.1.1'");
        QTest::newRow("bind without port") << QStringList{headless, bind, QStringLiteral("0.0.0.0")}
                                           << QStringLiteral("--metrics-bind: needs --metrics-port");
        QTest::newRow("window") << QStringList{port, QStringLiteral("4000")}
                                << QStringLiteral("--metrics-port: the metrics endpoint runs in headless mode");
        QTest::newRow("address not here") << QStringList{headless, port, QString::number(freePort()), bind,
            QStringLiteral("192.0.2.1")} << QStringLiteral("Cannot assign requested address");
    }

    void testBadFlags()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        QProcess process;
        process.start(QStringLiteral(BEAM_BINARY), arguments);
        QVERIFY(process.waitForFinished(20000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 2);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains(mentions), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
