// SPDX-License-Identifier: MIT
// Every built-in lesson runs headless with its assertions and its captions' checks: at the speed the screen
// plays it, at 2x and 4x (a lesson that cannot be sped up says so with max_speed, and a faster run is refused
// with exit 2), and at normal speed with one core kept busy by a spinning thread, as a lecturer's laptop often
// is. A lesson that stops telling the truth (an assertion or a caption's check fails) fails here with its
// report; a caption made deliberately wrong fails too.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
    /// The FAIL lines of the verdict list, then the end of stderr: QTest cuts long messages.
    [[nodiscard]] QString why() const
    {
        QStringList failed;
        for (const QString &line : out.split(QLatin1Char('\n'))) {
            if (line.contains(QLatin1String("FAIL")) && !line.startsWith(QLatin1String("[")))
                failed << line.trimmed();
        }
        return QStringLiteral("exit %1; %2 | %3").arg(exitCode).arg(failed.join(QStringLiteral(" | ")), err.right(600));
    }
};

Run run(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(BEAM_BINARY), arguments);
    Run r;
    if (!process.waitForFinished(180000))
        return r;
    r.exitCode = process.exitCode();
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

QJsonObject lessonJson(const QString &name)
{
    QFile file(QStringLiteral(BEAM_SOURCE_DIR "/resources/lessons/%1.json").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read lesson %s", qPrintable(name));
    return QJsonDocument::fromJson(file.readAll()).object();
}

/// Keeps a caption in the window while the lesson runs: a thread that spins on one core until stopped.
class BusyCore
{
public:
    BusyCore()
        : m_thread([this] {
            volatile std::uint64_t n = 0;
            while (!m_stop.load(std::memory_order_relaxed))
                n = n + 1;
        })
    { }
    ~BusyCore()
    {
        m_stop = true;
        m_thread.join();
    }
    BusyCore(const BusyCore &) = delete;
    BusyCore &operator=(const BusyCore &) = delete;

private:
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

const QStringList kLessons{QStringLiteral("steady-state"), QStringLiteral("slow-consumer"),
    QStringLiteral("overload-three-ways"), QStringLiteral("let-it-crash"), QStringLiteral("crash-storm"),
    QStringLiteral("scaling-out"), QStringLiteral("littles-law"), QStringLiteral("schedulers"),
    QStringLiteral("queueing-theory"), QStringLiteral("batching")};

} // namespace

class TestLessons : public QObject
{
    Q_OBJECT

private slots:
    void testLessonRunsHeadless_data()
    {
        QTest::addColumn<QString>("lesson");
        QTest::addColumn<double>("speed");
        QTest::addColumn<bool>("busyCore");
        for (const auto &lesson : kLessons) {
            for (const double speed : {1.0, 2.0, 4.0})
                QTest::addRow("%s at %gx", qPrintable(lesson), speed) << lesson << speed << false;
            QTest::addRow("%s beside a busy core", qPrintable(lesson)) << lesson << 1.0 << true;
        }
    }

    void testLessonRunsHeadless()
    {
        QFETCH(QString, lesson);
        QFETCH(double, speed);
        QFETCH(bool, busyCore);
        QTemporaryDir dir;
        const QString junit = dir.filePath(QStringLiteral("junit.xml"));
        const QStringList arguments{QStringLiteral("--headless"), QStringLiteral("--lesson"), lesson,
            QStringLiteral("--quiet"), QStringLiteral("--junit"), junit, QStringLiteral("--speed"),
            QString::number(speed)};
        const double maxSpeed = lessonJson(lesson).value(QStringLiteral("max_speed")).toDouble(100);
        if (speed > maxSpeed) {
            // A lesson that cannot be played this fast says so, and a run that asks is refused.
            const Run r = run(arguments);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(QStringLiteral("at most %1 (its max_speed)").arg(maxSpeed)), qPrintable(r.err));
            return;
        }
        const QString needs = lessonJson(lesson).value(QStringLiteral("needs")).toString();
        if (busyCore && !needs.isEmpty())
            QSKIP(qPrintable(QStringLiteral("the lesson says what it needs: %1").arg(needs)));
        std::optional<BusyCore> busy;
        if (busyCore)
            busy.emplace();
        const Run r = run(arguments);
        busy.reset();
        QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
        QVERIFY(r.out.contains(QLatin1String("assertions: ")));
        QVERIFY(!r.out.contains(QLatin1String("FAIL")));
        QVERIFY2(r.out.contains(QLatin1String("PASS caption ")), qPrintable(r.out)); // its captions are checked
        QVERIFY(QFile::exists(junit));
        if (lesson == QLatin1String("slow-consumer") && speed == 1.0) {
            QVERIFY2(r.err.contains(QLatin1String("warning at "))
                    && r.err.contains(QLatin1String("starved consumers: 3 of 4 idle")),
                qPrintable(r.err));
        }
    }

    /// Each kind of disagreement a lecturer found between a caption and its screen, put back into a lesson:
    /// the lesson's checks must catch it.
    void testWrongCaptionsFail_data()
    {
        QTest::addColumn<QString>("lesson");
        QTest::addColumn<double>("cutAtS"); // the run stops here, to keep the test short
        QTest::addColumn<int>("caption"); // the caption (1-based) that gets the wrong claim
        QTest::addColumn<QString>("claim");
        // "about 400 a second" while the tile reads far less (or more): a number checked with its tolerance.
        QTest::newRow("slow-consumer: about 800 a second")
            << QStringLiteral("slow-consumer") << 14.0 << 3 << QStringLiteral("recent.processed_per_s ~ 800 ± 25%");
        // L and W said unchanged while the tile shows them five times higher: a number checked over the caption.
        QTest::newRow("littles-law: L still about 40 near full use") << QStringLiteral(
            "littles-law") << 20.0 << 2 << QStringLiteral("after 3s: littles_law.in_flight ~ 40 ± 20%");
        // "latency stays bounded" while it climbs: a trend, not a loose ceiling.
        QTest::newRow("overload: latency steady while it climbs") << QStringLiteral(
            "overload-three-ways") << 33.0 << 3 << QStringLiteral("after 2s: recent.latency_p50_us steady");
        // "the lanes fill" while they idle on I/O.
        QTest::newRow("schedulers: the lanes fill while they wait") << QStringLiteral(
            "schedulers") << 34.0 << 4 << QStringLiteral("after 2s: utilisation.executors_busy_cores > 0.9");
    }

    void testWrongCaptionsFail()
    {
        QFETCH(QString, lesson);
        QFETCH(double, cutAtS);
        QFETCH(int, caption);
        QFETCH(QString, claim);
        QJsonObject json = lessonJson(lesson);
        json.remove(QStringLiteral("$schema"));
        json[QStringLiteral("duration_s")] = cutAtS;
        QJsonArray timeline;
        int captions = 0;
        for (const auto &value : json.value(QStringLiteral("timeline")).toArray()) {
            QJsonObject step = value.toObject();
            if (step.value(QStringLiteral("at_s")).toDouble() >= cutAtS)
                continue;
            if (step.contains(QStringLiteral("caption")) && ++captions == caption) {
                QJsonArray checks = step.value(QStringLiteral("check")).toArray();
                checks.append(claim);
                step[QStringLiteral("check")] = checks;
            }
            timeline.append(step);
        }
        json[QStringLiteral("timeline")] = timeline;
        json[QStringLiteral("expect")] = QJsonArray{QStringLiteral("lost == 0")};
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("wrong.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(json).toJson());
        file.close();
        const Run r
            = run({QStringLiteral("--headless"), QStringLiteral("--scenario"), path, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 5, qPrintable(r.why()));
        // The wrong claim is the one that failed, named by its caption, as a sentence.
        QStringList failed;
        for (const QString &line : r.out.split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String("  FAIL")))
                failed << line;
        }
        QVERIFY2(failed.size() >= 1, qPrintable(r.out));
        QVERIFY2(failed.join(QLatin1Char('\n')).contains(QStringLiteral("caption %1: ").arg(caption)),
            qPrintable(failed.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
