// SPDX-License-Identifier: MIT
// The scenario player on a fake clock and a recording stage: step order and timing, pause, step, restart,
// speed, timed and final assertions, caption checks, give-up handling. No engine, no waiting.
#include "scenario/scenarioplayer.h"

#include <QJsonObject>
#include <QTest>

using namespace beam;

namespace {

Scenario parse(const char *json)
{
    auto parsed = parseScenario(QByteArray(json), QStringLiteral("test.json"));
    if (auto *errors = std::get_if<QStringList>(&parsed))
        qFatal("%s", qPrintable(errors->join(QLatin1Char('\n'))));
    return std::get<Scenario>(parsed);
}

/// Records what the player asks of it; its report is whatever the test sets.
struct Stage : ScenarioStage {
    QStringList applied; // "<lesson time> <describe>"
    QList<int> judgedIndexes;
    QJsonObject current;
    double *clock = nullptr;
    void apply(const ScenarioStep &step, int index) override
    {
        applied << QStringLiteral("%1 %2:%3").arg(*clock).arg(index).arg(step.describe());
    }
    QJsonObject report() override { return current; }
    void judged(int index, const Verdict &) override { judgedIndexes << index; }
};

QJsonObject reportWith(double lost, double dropped, bool gaveUp = false)
{
    return {{QStringLiteral("lost"), lost}, {QStringLiteral("dropped"), dropped}, {QStringLiteral("gave_up"), gaveUp}};
}

const char *kLesson = R"({
  "name": "demo", "duration_s": 10,
  "timeline": [
    {"at_s": 0, "caption": "first", "check": ["dropped == 0"]},
    {"at_s": 2, "set": {"consumers": 2}},
    {"at_s": 4, "caption": "second", "check": ["@5s: dropped > 0", "dropped > 5"]},
    {"at_s": 8, "action": "pause"}
  ],
  "expect": ["@3s: lost == 0", "lost == 0"]
})";

} // namespace

class TestScenarioPlayer : public QObject
{
    Q_OBJECT

private slots:
    void testCaptionChecksDefaultToTheEndOfTheirScreenTime()
    {
        const Scenario s = parse(kLesson);
        const auto claims = s.claims();
        QCOMPARE(claims.size(), 5);
        QCOMPARE(claims[2].caption, 0);
        QCOMPARE(*claims[2].assertion.atS, 4.0); // until "second" replaces it
        QCOMPARE(*claims[3].assertion.atS, 5.0); // as written
        QCOMPARE(*claims[4].assertion.atS, 10.0); // the last caption stays to the end
    }

    void testStepsFireInOrderAtTheirTime()
    {
        double now = 100;
        Stage stage;
        stage.clock = &now;
        stage.current = reportWith(0, 0);
        ScenarioPlayer player(parse(kLesson), stage, [&] { return now; });
        player.start();
        QCOMPARE(stage.applied, QStringList{QStringLiteral("100 0:first")});
        QCOMPARE(player.caption(), QStringLiteral("first"));
        now = 101.9;
        player.advance();
        QCOMPARE(stage.applied.size(), 1);
        now = 102;
        player.advance();
        QCOMPARE(stage.applied.last(), QStringLiteral("102 1:set consumers = 2"));
        now = 109;
        player.advance();
        QCOMPARE(stage.applied.size(), 4);
        QCOMPARE(player.nextStep(), 4);
        QCOMPARE(player.caption(), QStringLiteral("second"));
        QVERIFY(!player.reachedEnd());
        now = 110;
        QVERIFY(player.reachedEnd());
    }

    void testTimedAssertionsAndCaptionChecksAreJudgedAtTheirTime()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        stage.current = reportWith(0, 0);
        ScenarioPlayer player(parse(kLesson), stage, [&] { return now; });
        player.start();
        QVERIFY(stage.judgedIndexes.isEmpty());
        now = 3.5;
        stage.current = reportWith(0, 7);
        player.advance();
        QCOMPARE(stage.judgedIndexes, QList<int>{0}); // "@3s: lost == 0"
        QCOMPARE(player.verdicts()[0].state, Verdict::State::Passed);
        now = 4;
        player.advance();
        // "first"'s check is judged as "second" replaces it, over every report from its settle time (1 s) until
        // then (the one read as "second" appears is the second's): the one at 3.5 s has dropped 7.
        QCOMPARE(player.verdicts()[2].state, Verdict::State::Failed);
        QVERIFY2(player.verdicts()[2].message.contains(QLatin1String("read 7 at 3.5 s")),
            qPrintable(player.verdicts()[2].message));
        now = 5;
        player.advance();
        QCOMPARE(player.verdicts()[3].state, Verdict::State::Passed);
        // A check at the very end waits for the final report.
        now = 12;
        player.advance();
        QCOMPARE(player.verdicts()[4].state, Verdict::State::Pending);
        player.finish(reportWith(0, 11));
        QCOMPARE(player.verdicts()[4].state, Verdict::State::Passed);
        QCOMPARE(player.verdicts()[1].state, Verdict::State::Passed);
        QCOMPARE(player.passed(), 4);
        QCOMPARE(player.failed(), 1);
        QVERIFY(player.finished());
    }

    void testNoReportYetMeansAskAgainLater()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        ScenarioPlayer player(parse(kLesson), stage, [&] { return now; });
        player.start();
        now = 3.5;
        player.advance();
        QCOMPARE(player.verdicts()[0].state, Verdict::State::Pending);
        stage.current = reportWith(0, 0);
        player.advance();
        QCOMPARE(player.verdicts()[0].state, Verdict::State::Passed);
    }

    void testPauseStopsTheLessonClock()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        stage.current = reportWith(0, 0);
        ScenarioPlayer player(parse(kLesson), stage, [&] { return now; });
        player.start();
        now = 1;
        player.pause();
        QVERIFY(!player.playing());
        now = 50;
        player.advance();
        QCOMPARE(player.position(), 1.0);
        QCOMPARE(stage.applied.size(), 1);
        player.resume();
        now = 51;
        player.advance();
        QCOMPARE(player.position(), 2.0);
        QCOMPARE(stage.applied.size(), 2);
    }

    void testStepJumpsAndSkipsWhatItJumpsOver()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        stage.current = reportWith(0, 0);
        ScenarioPlayer player(parse(kLesson), stage, [&] { return now; });
        player.start();
        player.step(); // to 2 s: the set
        QCOMPARE(player.position(), 2.0);
        QCOMPARE(player.nextStep(), 2);
        player.step(); // to 4 s: jumps over "@3s: lost == 0" and the first caption's check at 4 s
        QCOMPARE(player.position(), 4.0);
        QCOMPARE(player.verdicts()[0].state, Verdict::State::Skipped);
        QCOMPARE(player.verdicts()[2].state, Verdict::State::Skipped);
        QCOMPARE(player.failed(), 0);
        const auto cases = player.junitCases();
        QVERIFY(cases[0].skipped);
        QVERIFY(cases[2].name.startsWith(QLatin1String("caption 1: ")));
    }

    void testRestartStartsOver()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        stage.current = reportWith(0, 0);
        ScenarioPlayer player(parse(kLesson), stage, [&] { return now; });
        player.start();
        now = 6;
        player.advance();
        QVERIFY(player.verdicts()[0].decided());
        player.start();
        QCOMPARE(player.position(), 0.0);
        QCOMPARE(player.nextStep(), 1);
        QVERIFY(!player.verdicts()[0].decided());
        QCOMPARE(stage.applied.last(), QStringLiteral("6 0:first"));
    }

    void testSpeedDividesEveryTime()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        stage.current = reportWith(0, 0);
        ScenarioPlayer player(
            parse(kLesson), stage, [&] { return now; }, 2.0);
        QCOMPARE(player.scenario().durationS, 5.0);
        player.start();
        now = 1;
        player.advance();
        QCOMPARE(stage.applied.last(), QStringLiteral("1 1:set consumers = 2"));
        now = 1.6;
        player.advance();
        QCOMPARE(player.verdicts()[0].state, Verdict::State::Passed); // @3s -> 1.5 s
        QCOMPARE(*player.verdicts()[3].assertion.atS, 2.5);
    }

    void testAnEarlyEndFailsTimedAssertionsSayingWhy()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        stage.current = reportWith(0, 0);
        ScenarioPlayer player(parse(kLesson), stage, [&] { return now; });
        player.start();
        now = 2.5;
        player.advance();
        player.finish(reportWith(0, 0, true), QStringLiteral("the top-level supervisor gave up"));
        QCOMPARE(player.verdicts()[0].state, Verdict::State::Failed);
        QVERIFY(player.verdicts()[0].message.contains(QLatin1String("not reached, the run ended at 2.5 s (the "
                                                                    "top-level supervisor gave up)")));
        QCOMPARE(player.verdicts()[1].state, Verdict::State::Passed); // end-of-run: judged on the final report
        QVERIFY(!player.judgesGivingUp());
    }

    void testGivingUpCanBeTheExpectedOutcome()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        ScenarioPlayer player(
            parse(R"({"name": "x", "duration_s": 5, "expect": ["gave_up == true"]})"), stage, [&] { return now; });
        player.start();
        now = 1;
        player.finish(reportWith(0, 0, true), QStringLiteral("the top-level supervisor gave up"));
        QCOMPARE(player.passed(), 1);
        QVERIFY(player.judgesGivingUp());
    }

    void testAbandonLeavesTheRestUnjudged()
    {
        double now = 0;
        Stage stage;
        stage.clock = &now;
        stage.current = reportWith(0, 0);
        ScenarioPlayer player(parse(kLesson), stage, [&] { return now; });
        player.start();
        player.abandon();
        now = 20;
        player.advance();
        QVERIFY(player.finished());
        QCOMPARE(player.passed() + player.failed(), 0);
        QCOMPARE(stage.applied.size(), 1);
    }

    void testCaptionCheckErrors_data()
    {
        QTest::addColumn<QString>("timeline");
        QTest::addColumn<QString>("error");
        QTest::newRow("check on a set") << QStringLiteral(
            R"({"at_s": 1, "set": {"consumers": 2}, "check": ["lost == 0"]})")
                                        << QStringLiteral("only a caption takes checks");
        QTest::newRow("empty") << QStringLiteral(R"({"at_s": 1, "caption": "x", "check": []})")
                               << QStringLiteral("a non-empty array of assertion strings");
        QTest::newRow("not a string") << QStringLiteral(R"({"at_s": 1, "caption": "x", "check": [3]})")
                                      << QStringLiteral("check[0]: expected an assertion string");
        QTest::newRow("unknown field") << QStringLiteral(R"({"at_s": 1, "caption": "x", "check": ["nope > 1"]})")
                                       << QStringLiteral("the report has no field \"nope\"");
        QTest::newRow("before the caption")
            << QStringLiteral(R"({"at_s": 3, "caption": "x", "check": ["@2s: lost == 0"]})")
            << QStringLiteral("is before the caption appears");
        QTest::newRow("settle past the caption")
            << QStringLiteral(
                   R"({"at_s": 1, "caption": "x", "check": ["after 5s: lost == 0"]}, {"at_s": 5, "caption": "y"})")
            << QStringLiteral("is judged from 6 s, but the caption leaves the screen at 5 s");
        QTest::newRow("trend of a string")
            << QStringLiteral(R"({"at_s": 1, "caption": "x", "check": ["state rising"]})")
            << QStringLiteral("state is not a number");
        QTest::newRow("mean of a truth") << QStringLiteral(
            R"({"at_s": 1, "caption": "x", "check": ["mean(gave_up) == true"]})")
                                         << QStringLiteral("gave_up is not a number");
        QTest::newRow("a set that waits")
            << QStringLiteral(R"({"at_s": 1, "when": "lost == 0", "set": {"consumers": 2}})")
            << QStringLiteral("only a caption or pause_lesson can wait for a condition");
        QTest::newRow("a condition at a time")
            << QStringLiteral(R"({"at_s": 1, "when": "@2s: lost == 0", "caption": "x"})")
            << QStringLiteral("a condition has no");
        QTest::newRow("after it left") << QStringLiteral(
            R"({"at_s": 1, "caption": "x", "check": ["@6s: lost == 0"]}, {"at_s": 5, "caption": "y"})")
                                       << QStringLiteral("after the caption left the screen at 5 s");
    }

    void testChecksHoldOverTheCaptionsTimeOnScreen()
    {
        // One caption from 0 to 10 s; the figure is 100 except for a dip to 40 at 6 s.
        const char *lesson = R"({"name": "x", "duration_s": 12, "timeline": [
            {"at_s": 0, "caption": "steady at 100", "check": ["recent.processed_per_s > 90",
                "after 7s: recent.processed_per_s > 90", "min(recent.processed_per_s) < 50",
                "mean(recent.processed_per_s) ~ 100 ± 10%", "recent.processed_per_s ~ 100 ± 5%"]},
            {"at_s": 10, "caption": "after"}]})";
        double now = 0;
        Stage stage;
        stage.clock = &now;
        ScenarioPlayer player(parse(lesson), stage, [&] { return now; });
        const auto at = [&](double t, double value) {
            now = t;
            stage.current = {{QStringLiteral("recent"), QJsonObject{{QStringLiteral("processed_per_s"), value}}}};
            player.advance();
        };
        stage.current = {{QStringLiteral("recent"), QJsonObject{{QStringLiteral("processed_per_s"), 0.0}}}};
        player.start(); // the 0 at 0 s is before the settle time: not judged
        for (int i = 1; i <= 100; ++i)
            at(i * 0.1, i == 60 ? 40.0 : 100.0);
        const auto &v = player.verdicts();
        QCOMPARE(v[0].state, Verdict::State::Failed); // the dip, held against the caption at every snapshot
        QVERIFY2(v[0].message.contains(QLatin1String("read 40 at 6.0 s")), qPrintable(v[0].message));
        QVERIFY2(
            v[0].message.startsWith(QLatin1String("processed per second stays above 90")), qPrintable(v[0].message));
        QCOMPARE(v[1].state, Verdict::State::Passed); // from 7 s on, it held
        QCOMPARE(v[2].state, Verdict::State::Passed);
        QCOMPARE(v[3].state, Verdict::State::Passed); // the mean is 99.3
        QCOMPARE(v[4].state, Verdict::State::Failed); // one reading is 60% off
    }

    void testTrendsAndThePreviousCaption()
    {
        const char *lesson = R"({"name": "x", "duration_s": 20, "timeline": [
            {"at_s": 0, "caption": "flat", "check": ["recent.in_flight_now steady", "recent.rss_mb steady"]},
            {"at_s": 10, "caption": "climbs", "check": ["recent.in_flight_now rising", "growth(recent.in_flight_now) > 4000",
                "mean(recent.processed_per_s) < 0.5 * previous", "mean(recent.processed_per_s) > 0.5 * previous",
                "recent.rss_mb steady", "recent.rss_mb falling"]}]})";
        double now = 0;
        Stage stage;
        stage.clock = &now;
        ScenarioPlayer player(parse(lesson), stage, [&] { return now; });
        // In flight: noise of ±20 around 1000, then +1000 a second. Throughput: 1000, then 300.
        // Memory: flat, then a fall of 1% (inside the 10% a trend must reach to count).
        const auto at = [&](double t) {
            now = t;
            const double noise = (static_cast<int>(t * 10) % 2 == 0) ? 20.0 : -20.0;
            const double inFlight = t < 10 ? 1000 + noise : 1000 + (t - 10) * 1000 + noise;
            const double rss = t < 10 ? 50.0 : 50.0 - (t - 10) * 0.05;
            stage.current = {{QStringLiteral("recent"),
                QJsonObject{{QStringLiteral("in_flight_now"), inFlight},
                    {QStringLiteral("processed_per_s"), t < 10 ? 1000.0 : 300.0}, {QStringLiteral("rss_mb"), rss}}}};
            player.advance();
        };
        at(0);
        player.start();
        for (int i = 1; i <= 200; ++i)
            at(i * 0.1);
        player.finish(stage.current);
        const auto &v = player.verdicts();
        QCOMPARE(v[0].state, Verdict::State::Passed); // noise is not a trend
        QCOMPARE(v[1].state, Verdict::State::Passed);
        QCOMPARE(v[2].state, Verdict::State::Passed);
        QCOMPARE(v[3].state, Verdict::State::Passed); // 10,000 - 1,000 since the caption appeared
        QCOMPARE(v[4].state, Verdict::State::Passed); // 300 < 0.5 x 1000
        QCOMPARE(v[5].state, Verdict::State::Failed);
        QVERIFY2(v[5].message.contains(QLatin1String("against 1,000 then")), qPrintable(v[5].message));
        QCOMPARE(v[6].state, Verdict::State::Passed);
        QCOMPARE(v[7].state, Verdict::State::Failed);
    }

    void testStepsWaitForTheirCondition()
    {
        // The caption that explains an escalation appears when one happens, not at a guessed time; the lesson
        // clock stops there for the teacher; its checks run from then until the next caption.
        const char *lesson = R"({"name": "x", "duration_s": 20, "timeline": [
            {"at_s": 0, "caption": "calm", "check": ["escalations == 0"]},
            {"at_s": 1, "when": "escalations >= 1", "caption": "it escalated", "check": ["after 0.5s: escalations >= 1"]},
            {"at_s": 1, "when": "escalations >= 1", "action": "pause_lesson"},
            {"at_s": 2, "when": "escalations >= 99", "caption": "never", "check": ["escalations >= 99"]}]})";
        double now = 0;
        Stage stage;
        stage.clock = &now;
        ScenarioPlayer player(parse(lesson), stage, [&] { return now; });
        player.setHonourLessonPauses(true);
        const auto at = [&](double t, double escalations) {
            now = t;
            stage.current = {{QStringLiteral("escalations"), escalations}};
            player.advance();
        };
        stage.current = {{QStringLiteral("escalations"), 0.0}};
        player.start();
        for (int i = 1; i <= 40; ++i)
            at(i * 0.1, 0);
        QCOMPARE(player.caption(), QStringLiteral("calm"));
        at(4.1, 1); // it happens at 4.1 s
        QCOMPARE(player.caption(), QStringLiteral("it escalated"));
        QVERIFY(stage.applied.contains(QStringLiteral("4.1 1:it escalated")));
        // "calm" held until it left: the reading that brought "it escalated" is the new caption's.
        QCOMPARE(player.verdicts()[0].state, Verdict::State::Passed);
        QVERIFY(!player.playing()); // pause_lesson stopped the clock there
        const double held = player.position();
        at(9, 1);
        QCOMPARE(player.position(), held);
        player.resume();
        for (int i = 1; i <= 20; ++i)
            at(9 + i * 0.1, 1);
        player.finish(stage.current);
        QCOMPARE(player.verdicts()[1].state, Verdict::State::Passed);
        QCOMPARE(player.verdicts()[2].state, Verdict::State::Failed);
        QVERIFY2(player.verdicts()[2].message.contains(QLatin1String("its caption never appeared")),
            qPrintable(player.verdicts()[2].message));
    }

    void testCaptionCheckErrors()
    {
        QFETCH(QString, timeline);
        QFETCH(QString, error);
        const QString json = QStringLiteral(R"({"name": "x", "duration_s": 10, "timeline": [%1]})").arg(timeline);
        auto parsed = parseScenario(json.toUtf8(), QStringLiteral("t.json"));
        const auto *errors = std::get_if<QStringList>(&parsed);
        QVERIFY(errors);
        QVERIFY2(errors->join(QLatin1Char('\n')).contains(error), qPrintable(errors->join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestScenarioPlayer)
#include "tst_scenarioplayer.moc"
