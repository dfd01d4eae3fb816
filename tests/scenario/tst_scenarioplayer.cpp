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
    {"at_s": 4, "caption": "second", "check": ["@5s: dropped > 0", "dropped > 10"]},
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
        player.advance();
        QCOMPARE(stage.judgedIndexes, QList<int>{0}); // "@3s: lost == 0"
        QCOMPARE(player.verdicts()[0].state, Verdict::State::Passed);
        stage.current = reportWith(0, 7);
        now = 4;
        player.advance();
        // "first"'s check is judged as "second" replaces it, on the report of that moment: dropped is 7 now.
        QCOMPARE(player.verdicts()[2].state, Verdict::State::Failed);
        QVERIFY(player.verdicts()[2].message.contains(QLatin1String("dropped = 7")));
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
        QTest::newRow("after it left") << QStringLiteral(
            R"({"at_s": 1, "caption": "x", "check": ["@6s: lost == 0"]}, {"at_s": 5, "caption": "y"})")
                                       << QStringLiteral("after the caption left the screen at 5 s");
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
