// SPDX-License-Identifier: MIT
// The scenario format: parsing good and bad files (each message checked), assertions over a report,
// timeline ordering and speed-up, the JUnit writer against the format, and every built-in lesson parses.
#include "scenario/assertion.h"
#include "scenario/configjson.h"
#include "scenario/jsonkeys.h"
#include "scenario/junit.h"
#include "scenario/report.h"
#include "scenario/scenario.h"

#include <QDir>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <cmath>

using namespace beam;

namespace {

Scenario parsed(const QByteArray &json)
{
    auto result = parseScenario(json, QStringLiteral("s.json"));
    if (const auto *errors = std::get_if<QStringList>(&result))
        qFatal("unexpected errors: %s", qPrintable(errors->join(QLatin1Char('\n'))));
    return std::get<Scenario>(result);
}

QStringList errorsOf(const QByteArray &json)
{
    auto result = parseScenario(json, QStringLiteral("s.json"));
    if (const auto *errors = std::get_if<QStringList>(&result))
        return *errors;
    return {};
}

} // namespace

class TestScenario : public QObject
{
    Q_OBJECT

private slots:
    void testGoodScenario()
    {
        const auto s = parsed(
            "{ \"name\": \"demo\", \"description\": \"d\", \"duration_s\": 20, \"config\": { \"consumers\": 4, "
            "\"rate\": \"max\", \"overload\": \"drop\", \"slow_consumer\": \"1:5\", \"seed\": \"42\" }, \"timeline\": "
            "[ { \"at_s\": 10, \"set\": { \"consumers\": 6 } }, { \"at_s\": 2, \"caption\": \"hello\" }, { \"at_s\": "
            "5, \"action\": \"kill_consumer\", \"target\": 3 }, { \"at_s\": 6, \"action\": \"add_producer\" }, { "
            "\"at_s\": 12, \"set\": { \"slow_consumer\": null, \"rate\": 500 } } ], \"expect\": [ \"lost == 0\", "
            "\"@10s: dropped > 0\", \"gave_up == false\", \"config.overload == \\\"drop\\\"\" ] }");
        QCOMPARE(s.name, QStringLiteral("demo"));
        QCOMPARE(s.durationS, 20.0);
        QCOMPARE(s.config.consumers, 4);
        QVERIFY(!s.config.rate);
        QVERIFY(s.config.overload == OverloadPolicy::Drop);
        QCOMPARE(s.config.slowConsumer->factor, 5);
        QCOMPARE(s.config.seed, std::uint64_t{42});
        // Time order, and each step knows the whole configuration after it.
        QCOMPARE(s.timeline.size(), 5);
        QVERIFY(s.timeline[0].kind == ScenarioStep::Kind::Caption);
        QCOMPARE(s.timeline[1].target, 3);
        QCOMPARE(s.timeline[2].configAfter.producers, 2);
        QCOMPARE(s.timeline[3].configAfter.consumers, 6);
        QCOMPARE(s.timeline[3].configAfter.producers, 2);
        QVERIFY(!s.timeline[4].configAfter.slowConsumer);
        QCOMPARE(*s.timeline[4].configAfter.rate, std::uint64_t{500});
        QCOMPARE(s.timeline[4].configAfter.consumers, 6);
        QCOMPARE(s.timeline[1].describe(), QStringLiteral("kill consumer 3"));

        const auto hang = parsed("{ \"name\": \"h\", \"duration_s\": 5, \"timeline\": [ { \"at_s\": 1, "
                                 "\"action\": \"hang_consumer\", \"target\": 7 } ] }");
        QVERIFY(hang.timeline[0].action == ScenarioStep::Action::HangConsumer);
        QCOMPARE(hang.timeline[0].target, 7);
        QCOMPARE(hang.timeline[0].describe(), QStringLiteral("hang consumer 7"));
        QCOMPARE(s.expect.size(), 4);
        QCOMPARE(*s.expect[1].atS, 10.0);

        const auto fast = s.fasterBy(4);
        QCOMPARE(fast.durationS, 5.0);
        QCOMPARE(fast.timeline[3].atS, 2.5);
        QCOMPARE(*fast.expect[1].atS, 2.5);
    }

    void testBadScenarios_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax") << QByteArray("{\n  \"name\": \"x\",\n  \"duration_s\": 5,,\n}")
                                << QStringLiteral("s.json: $: not valid JSON at line 3, column");
        QTest::newRow("not an object") << QByteArray("[1]")
                                       << QStringLiteral("s.json: $: expected an object at the top level");
        QTest::newRow("no name") << QByteArray("{\"duration_s\": 5}")
                                 << QStringLiteral("s.json: $.name: expected a non-empty string, got nothing");
        QTest::newRow("recording not a name")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"recording\": 3}")
            << QStringLiteral("s.json: $.recording: expected a recording's file name, beside the scenario, got 3");
        QTest::newRow("recording empty") << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"recording\": \" \"}")
                                         << QStringLiteral("s.json: $.recording: expected a recording's file name");
        QTest::newRow("unknown key") << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"durations\": 3}")
                                     << QStringLiteral("s.json: $.durations: unknown key (allowed: name,");
        QTest::newRow("duration type")
            << QByteArray("{\"name\": \"x\", \"duration_s\": \"ten\"}")
            << QStringLiteral("s.json: $.duration_s: expected a number of seconds 0.1..86400, got \"ten\"");
        QTest::newRow("config range") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"consumers\": 0}}")
                                      << QStringLiteral(
                                             "s.json: $.config.consumers: consumers = 0 is out of range 1..256");
        QTest::newRow("config type") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"rate\": \"fast\"}}")
                                     << QStringLiteral("s.json: $.config.rate: expected a whole number of events/s or "
                                                       "\"max\", got \"fast\"");
        QTest::newRow("config unknown") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"consumer\": 2}}")
                                        << QStringLiteral("s.json: $.config.consumer: unknown configuration field");
        QTest::newRow("config enum")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"overload\": \"block\"}}")
            << QStringLiteral("s.json: $.config.overload: expected \"backpressure\", \"drop\" or \"unbounded\", got "
                              "\"block\"");
        QTest::newRow("step after end") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 6, \"caption\": \"late\"}]}")
                                        << QStringLiteral(
                                               "s.json: $.timeline[0].at_s: expected a number of seconds 0..5, got 6");
        QTest::newRow("step two kinds") << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": "
                                                      "1, \"caption\": \"a\", \"action\": \"pause\"}]}")
                                        << QStringLiteral("s.json: $.timeline[0]: expected exactly one of");
        QTest::newRow("step set range")
            << QByteArray(
                   "{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, \"set\": {\"fault_rate\": 2}}]}")
            << QStringLiteral("s.json: $.timeline[0].set.fault_rate: fault_rate = 2 is out of range 0..1");
        QTest::newRow("step set seed") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, \"set\": {\"seed\": 3}}]}")
                                       << QStringLiteral(
                                              "s.json: $.timeline[0].set.seed: the seed cannot change during a run");
        QTest::newRow("action unknown") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, \"action\": \"explode\"}]}")
                                        << QStringLiteral(
                                               "s.json: $.timeline[0].action: expected one of \"kill_consumer\"");
        QTest::newRow("kill target") << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, "
                                                   "\"action\": \"kill_consumer\", \"target\": 8}]}")
                                     << QStringLiteral("s.json: $.timeline[0].target: expected a consumer index 0..7 "
                                                       "(there are 8 consumers at 1 s), got 8");
        QTest::newRow("hang target") << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, "
                                                   "\"action\": \"hang_consumer\", \"target\": -1}]}")
                                     << QStringLiteral("s.json: $.timeline[0].target: expected a consumer index 0..7 "
                                                       "(there are 8 consumers at 1 s), got -1");
        QTest::newRow("hang without target")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"timeline\": "
                          "[{\"at_s\": 1, \"action\": \"hang_consumer\"}]}")
            << QStringLiteral("s.json: $.timeline[0].target: expected a consumer index");
        QTest::newRow("kill target after shrink")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, \"set\": {\"consumers\": "
                          "2}}, {\"at_s\": 2, \"action\": \"kill_consumer\", \"target\": 3}]}")
            << QStringLiteral("s.json: $.timeline[1].target: expected a consumer index 0..1");
        QTest::newRow("remove last producer")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, \"action\": "
                          "\"remove_producer\"}]}")
            << QStringLiteral("s.json: $.timeline[0].action: remove_producer would leave 0 producers; allowed 1..64");
        QTest::newRow("assertion grammar")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"lost is zero\"]}")
            << QStringLiteral("s.json: $.expect[0]: expected \"[@<seconds>s:] <field> <op> <value>\"");
        QTest::newRow("assertion field") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"latncy_us.p99 < 5\"]}")
                                         << QStringLiteral(
                                                "s.json: $.expect[0]: the report has no field \"latncy_us.p99\"");
        QTest::newRow("assertion late") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"@9s: lost == 0\"]}")
                                        << QStringLiteral(
                                               "s.json: $.expect[0]: @9s is after the end of the run (duration_s = 5)");
        QTest::newRow("assertion bool as number")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"gave_up > 0\"]}")
            << QStringLiteral("s.json: $.expect[0]: gave_up is true or false, so compare it with true or false");
        QTest::newRow("assertion string as number")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"config.seed == 1\"]}")
            << QStringLiteral("s.json: $.expect[0]: config.seed is a string, so compare it with a string");
        QTest::newRow("assertion nan") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"lost == nan\"]}")
                                       << QStringLiteral("s.json: $.expect[0]: expected a finite number after ==");
        QTest::newRow("assertion array element")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"supervision.0.banana == 1\"]}")
            << QStringLiteral("s.json: $.expect[0]: the report has no field \"supervision.0.banana\"");
        QTest::newRow("assertion object")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"crashes == 0\"]}")
            << QStringLiteral("s.json: $.expect[0]: \"crashes\" is not a single value");
        QTest::newRow("target on a caption")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, \"caption\": \"a\", "
                          "\"target\": 2}]}")
            << QStringLiteral("s.json: $.timeline[0].target: only kill_consumer and hang_consumer take a target");
        QTest::newRow("slow consumer spaces")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"slow_consumer\": \" 1:10\"}}")
            << QStringLiteral("s.json: $.config.slow_consumer: expected \"INDEX:FACTOR\"");
        QTest::newRow("schema key type") << QByteArray("{\"$schema\": 5, \"name\": \"x\", \"duration_s\": 5}")
                                         << QStringLiteral("s.json: $.$schema: expected a string");
        QTest::newRow("assertion ordered string")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"state < \\\"running\\\"\"]}")
            << QStringLiteral("s.json: $.expect[0]: < compares numbers only");
        // QJsonDocument keeps the last of two equal keys without a word: the first "rate" would be lost.
        QTest::newRow("duplicate key") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"rate\": 500,\n \"rate\": 5000}}")
                                       << QStringLiteral("s.json: $.config.rate: the key \"rate\" is written twice in "
                                                         "one object (line 1, column 43 and line 2, column 2)");
        QTest::newRow("duplicate top-level key") << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"name\": \"y\"}")
                                                 << QStringLiteral("s.json: $.name: the key \"name\" is written twice");
        QTest::newRow("duplicate key in a step")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"timeline\": [{\"at_s\": 1, \"caption\": \"a\"}, "
                          "{\"at_s\": 2, \"set\": {\"consumers\": 2, \"consumers\": 3}}]}")
            << QStringLiteral("s.json: $.timeline[1].set.consumers: the key \"consumers\" is written twice");
        QTest::newRow("duplicate key, escaped")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"\\u0072ate\": 1, \"rate\": 2}}")
            << QStringLiteral("s.json: $.config.rate: the key \"rate\" is written twice");
        // An integer past its type was clamped, and the message named the clamped number, not the one written.
        QTest::newRow("integer past its type")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"consumers\": 1e15}}")
            << QStringLiteral("s.json: $.config.consumers: consumers = 1000000000000000 is out of range 1..256");
        QTest::newRow("integer 2^63") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"max_in_flight\": 9223372036854775807}}")
                                      << QStringLiteral("s.json: $.config.max_in_flight: max_in_flight = "
                                                        "9223372036854775807 is out of range 1..1000000");
        QTest::newRow("rate past 2^53") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"rate\": 1e17}}")
                                        << QStringLiteral(
                                               "s.json: $.config.rate: rate = 100000000000000000 events/s is "
                                               "out of range 1..50000000 events/s");
        QTest::newRow("seed past 2^53") << QByteArray(
            "{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"seed\": 18446744073709551615}}")
                                        << QStringLiteral(
                                               "s.json: $.config.seed: expected a seed up to 2^53 as a number "
                                               "(JSON numbers lose digits past it");
        QTest::newRow("seed with a sign")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"config\": {\"seed\": \"+7\"}}")
            << QStringLiteral("s.json: $.config.seed: expected a seed "
                              "0..18446744073709551615, as a number or a string of "
                              "digits, got \"+7\"");
        QTest::newRow("empty file") << QByteArray()
                                    << QStringLiteral("s.json: $: expected a JSON object with \"name\" and "
                                                      "\"duration_s\", got an empty file");
        QTest::newRow("number past a double")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 1e400}")
            << QStringLiteral("s.json: $: not valid JSON at line 1, column 34: illegal number (near "
                              "'\"x\", \"duration_s\": 1e400}')");
        QTest::newRow("not UTF-8") << QByteArray("{\"name\": \"\xff\", \"duration_s\": 5}")
                                   << QStringLiteral("s.json: $: not valid JSON at line 1, column 11: invalid UTF8 "
                                                     "string (near '{\"name\": \"\\xff\", \"dur')");
        QTest::newRow("control characters stay on one line")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"na\\nme\": 1}")
            << QStringLiteral("s.json: $.na\\nme: unknown key");
        QTest::newRow("assertion time past a double")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"@") + QByteArray(400, '9')
                + QByteArray("s: lost == 0\"]}")
            << QStringLiteral("s.json: $.expect[0]: expected a time in seconds after @, got 999");
        QTest::newRow("long string value")
            << QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"view\": \"") + QByteArray(5000, 'v')
                + QByteArray("\"}")
            << QStringLiteral("s.json: $.view: expected \"topology\", \"schedulers\" or \"theory\", got \"vvvv");
    }

    void testBadScenarios()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const auto errors = errorsOf(json);
        QVERIFY2(!errors.isEmpty(), "a bad scenario was accepted");
        QVERIFY2(errors.constFirst().startsWith(message), qPrintable(errors.join(QLatin1Char('\n'))));
    }

    /// A lesson's recording is named beside its file and found from anywhere once loaded.
    void testRecordingIsFoundBesideTheScenario()
    {
        QTemporaryDir folder;
        QFile file(folder.filePath(QStringLiteral("lesson.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"name\": \"x\", \"duration_s\": 5, \"recording\": \"lesson.db\"}");
        file.close();
        const auto loaded = loadScenario(file.fileName());
        QVERIFY(std::holds_alternative<Scenario>(loaded));
        QCOMPARE(std::get<Scenario>(loaded).recording, folder.filePath(QStringLiteral("lesson.db")));
        const auto parsed = parseScenario("{\"name\": \"x\", \"duration_s\": 5}", QStringLiteral("s.json"));
        QVERIFY(std::get<Scenario>(parsed).recording.isEmpty()); // none: the lesson runs live
    }

    void testErrorsAreOneLineAndShort()
    {
        const auto errors = errorsOf(QByteArray("{\"name\": \"x\", \"duration_s\": 5, \"view\": \"")
            + QByteArray(5000, 'v') + QByteArray("\\n\"}"));
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors[0].endsWith(QLatin1String("...\" (5001 characters)")), qPrintable(errors[0]));
        QVERIFY(errors[0].size() < 300);
        QVERIFY(!errors[0].contains(QLatin1Char('\n')));
    }

    void testDuplicateKeysFound()
    {
        qsizetype keys = 0;
        const auto found = findDuplicateKeys("{\"a\": {\"b\": 1, \"c\": [{\"b\": 2, \"b\": 3}], \"b\": 4}, \"s\": "
                                             "\"{\\\"a\\\": 1, \\\"a\\\": 2}\", \"a\": []}",
            &keys);
        QCOMPARE(keys, qsizetype{8});
        QCOMPARE(found.size(), 3);
        QCOMPARE(found[0].path, QStringLiteral("$.a.c[0].b"));
        QCOMPARE(found[0].firstColumn, 23);
        QCOMPARE(found[0].column, 31);
        QCOMPARE(found[1].path, QStringLiteral("$.a.b")); // a key in a string is text, not a key
        QCOMPARE(found[2].path, QStringLiteral("$.a")); // moc reads this file: no raw strings here
        QCOMPARE(found[2].firstLine, 1);
        QVERIFY(findDuplicateKeys("{\"a\": 1, \"b\": {\"a\": 2}, \"c\": [{\"a\": 3}, {\"a\": 4}]}").isEmpty());
    }

    void testReadScenarioFile()
    {
        QTemporaryDir dir;
        const QString small = dir.filePath(QStringLiteral("small.json"));
        const QString large = dir.filePath(QStringLiteral("large.json"));
        for (const auto &[path, size] :
            {std::pair{small, kMaxScenarioBytes}, std::pair{large, kMaxScenarioBytes + 1}}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QVERIFY(file.resize(size));
        }
        QCOMPARE(std::get<QByteArray>(readScenarioFile(small)).size(), kMaxScenarioBytes);
        QCOMPARE(std::get<QString>(readScenarioFile(large)),
            QStringLiteral("'%1' is 1048577 bytes; a scenario file may have at most 1048576 bytes (1 MiB)").arg(large));
        QCOMPARE(std::get<QString>(readScenarioFile(dir.path())),
            QStringLiteral("'%1' is a directory, not a scenario file").arg(dir.path()));
        QCOMPARE(std::get<QString>(readScenarioFile(dir.filePath(QStringLiteral("none.json")))),
            QStringLiteral("'%1' does not exist").arg(dir.filePath(QStringLiteral("none.json"))));
        QCOMPARE(std::get<QString>(readScenarioFile(QString())), QStringLiteral("'' is not a file name"));
        // A device has no size: it is read one byte past the limit, no further.
        QCOMPARE(std::get<QString>(readScenarioFile(QStringLiteral("/dev/zero"))),
            QStringLiteral("'/dev/zero' is more than 1048576 bytes; a scenario file may have at most 1048576 bytes "
                           "(1 MiB)"));
        QCOMPARE(std::get<QStringList>(loadScenario(dir.path())),
            QStringList{QStringLiteral("'%1' is a directory, not a scenario file").arg(dir.path())});
    }

    void testEveryErrorIsReported()
    {
        const auto errors = errorsOf("{\"name\": \"\", \"duration_s\": 5, \"config\": {\"consumers\": 0, \"work_us\": "
                                     "-1}, \"expect\": [\"nonsense\", \"lost == 0\"]}");
        QCOMPARE(errors.size(), 4); // name, consumers, work_us, expect[0]
    }

    void testAssertions()
    {
        QJsonObject report;
        report[QStringLiteral("lost")] = 0;
        report[QStringLiteral("gave_up")] = false;
        QJsonObject latency;
        latency[QStringLiteral("p99")] = 420.5;
        report[QStringLiteral("latency_us")] = latency;
        report[QStringLiteral("state")] = QStringLiteral("stopped");
        const auto check = [&](const char *text) {
            auto a = parseAssertion(QString::fromLatin1(text));
            if (auto *error = std::get_if<QString>(&a))
                qFatal("%s", qPrintable(*error));
            return evaluate(std::get<Assertion>(a), report);
        };
        QVERIFY(check("lost == 0").passed);
        QVERIFY(!check("lost > 0").passed);
        QVERIFY(check("latency_us.p99 < 500").passed);
        QVERIFY(!check("latency_us.p99 <= 420").passed);
        QVERIFY(check("latency_us.p99 >= 420.5").passed);
        QVERIFY(check("gave_up == false").passed);
        QVERIFY(!check("gave_up == true").passed);
        QVERIFY(check("state == \"stopped\"").passed);
        QVERIFY(check("state != \"running\"").passed);
        QVERIFY(check("  @2.5s :  lost  ==  0 ").passed);
        const auto failed = check("latency_us.p99 < 100");
        QCOMPARE(failed.message, QStringLiteral("latency_us.p99 < 100: latency_us.p99 = 420.5"));
        const auto missing = check("latency_us.p42 < 1");
        QVERIFY(!missing.passed);
        QVERIFY(missing.message.contains(QLatin1String("no field \"latency_us.p42\"")));
        const auto typed = check("state == 3");
        QVERIFY(!typed.passed);
    }

    void testStretchGrammar_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("stretch");
        QTest::addColumn<QString>("error"); // empty: parses
        QTest::newRow("every") << QStringLiteral("recent.processed_per_s > 950") << true << QString();
        QTest::newRow("about") << QStringLiteral("recent.processed_per_s ~ 400 ± 15%") << true << QString();
        QTest::newRow("about, plus-minus") << QStringLiteral("x.y ~ 400 +- 50") << true << QString();
        QTest::newRow("settle") << QStringLiteral("after 2.5s: recent.in_flight_now < 50") << true << QString();
        QTest::newRow("mean") << QStringLiteral("mean(recent.processed_per_s) < 0.5 * previous") << true << QString();
        QTest::newRow("trend") << QStringLiteral("recent.in_flight_now rising") << true << QString();
        QTest::newRow("steady band") << QStringLiteral("recent.rss_mb steady ± 5%") << true << QString();
        QTest::newRow("about without band")
            << QStringLiteral("x ~ 400") << true << QStringLiteral("~ needs the band it allows");
        QTest::newRow("band without about")
            << QStringLiteral("x > 400 ± 5%") << true << QStringLiteral("a band (±) goes with ~ only");
        QTest::newRow("previous without aggregate")
            << QStringLiteral("x < previous") << true << QStringLiteral("previous compares a figure over two");
        QTest::newRow("aggregate at an instant")
            << QStringLiteral("@3s: mean(x) > 1") << true << QStringLiteral("mean(...) needs a stretch of time");
        QTest::newRow("aggregate in expect")
            << QStringLiteral("mean(x) > 1") << false << QStringLiteral("mean(...) needs a stretch of time");
        QTest::newRow("after in expect") << QStringLiteral("after 2s: x > 1") << false
                                         << QStringLiteral("is for a caption's checks");
        QTest::newRow("rising with a band")
            << QStringLiteral("x rising ± 5%") << true << QStringLiteral("only steady takes a band");
    }

    void testStretchGrammar()
    {
        QFETCH(QString, text);
        QFETCH(bool, stretch);
        QFETCH(QString, error);
        const auto parsed = parseAssertion(text, stretch);
        if (error.isEmpty()) {
            const auto *message = std::get_if<QString>(&parsed);
            QVERIFY2(!message, message ? qPrintable(*message) : "");
        } else {
            const auto *message = std::get_if<QString>(&parsed);
            QVERIFY(message);
            QVERIFY2(message->contains(error), qPrintable(*message));
        }
    }

    void testTrendAgainstNoise()
    {
        // L about 40 with Poisson-sized noise (±6) and no trend: neither rising nor falling.
        std::vector<Reading> noise;
        for (int i = 0; i < 50; ++i)
            noise.push_back({i * 0.1, 40.0 + ((i * 7919) % 13 - 6)});
        const Trend flat = trendOf(noise);
        QVERIFY(!flat.rising(0.1 * flat.mean));
        QVERIFY(!flat.falling(0.1 * flat.mean));
        // The same noise on a climb of 16,000 a second.
        std::vector<Reading> climb = noise;
        for (auto &r : climb)
            r.value += 16000 * r.t;
        const Trend up = trendOf(climb);
        QVERIFY(up.rising(0.1 * up.mean));
        QVERIFY(up.slopePerS > 15000 && up.slopePerS < 17000);
        // A drift smaller than the noise is not a trend.
        std::vector<Reading> drift = noise;
        for (auto &r : drift)
            r.value += 0.5 * r.t;
        QVERIFY(!trendOf(drift).rising(0.1 * trendOf(drift).mean));
    }

    void testReportHasTheDocumentedFields()
    {
        Snapshot s;
        s.produced = 10;
        s.processed = 7;
        s.deadLettered = 2;
        s.inFlight = 1;
        ReportInputs in;
        in.durationS = 2;
        in.recent.processedPerSec = 1000;
        in.recent.latencyMeanUs = 2000;
        in.recent.inFlightMean = 2;
        // Little's law as the tile shows it: 1000/s x 2 ms = 2 = the mean in flight, with L's trend and noise.
        std::vector<LittlesInterval> intervals;
        for (int i = 1; i <= 30; ++i)
            intervals.push_back(
                {.endS = 0.1 * i, .lengthS = 0.1, .inFlightMean = 2, .finished = 100, .latencyMeanS = 2e-3});
        in.littles = judgeLittlesLaw(intervals);
        const auto report = reportJson(s, in);
        for (const char *path :
            {"lost", "produced", "processed", "dead_lettered", "dropped", "restarts", "escalations", "gave_up",
                "max_in_flight_observed", "latency_us.p99", "latency_us.mean", "recent.processed_per_s",
                "recent.backpressure_pct", "littles_law.ratio", "littles_law.in_flight",
                "littles_law.throughput_x_latency", "littles_law.throughput_per_s", "littles_law.latency_mean_us",
                "littles_law.known", "littles_law.steady", "littles_law.agrees", "littles_law.noise",
                "littles_law.trend_per_s", "littles_law.trend_error_per_s", "littles_law.trend_s", "littles_law.change",
                "littles_law.change_limit", "utilisation.limiter", "config.consumers", "crashes.total", "warnings"})
            QVERIFY2(!valueAt(report, QString::fromLatin1(path)).isUndefined(), path);
        QCOMPARE(valueAt(report, QStringLiteral("throughput_eps")).toDouble(), 3.5);
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.in_flight")).toDouble(), 2.0);
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.throughput_per_s")).toDouble(), 1000.0);
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.latency_mean_us")).toDouble(), 2000.0);
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.throughput_x_latency")).toDouble(), 2.0);
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.ratio")).toDouble(), 1.0);
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.noise")).toDouble(), std::sqrt(2.0));
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.trend_s")).toDouble(), 3.0);
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.steady")).toBool(), true);
        QCOMPARE(valueAt(report, QStringLiteral("littles_law.agrees")).toBool(), true);
    }

    void testReportListsTheSchedulers()
    {
        // Two snapshots of the last second: executor 0 was busy 0.2 then 0.6 of its intervals (0.1 s, 0.3 s).
        const auto snapshot = [](double elapsedS, double intervalS, double executorBusy) {
            auto s = std::make_shared<Snapshot>();
            s->elapsedS = elapsedS;
            s->intervalS = intervalS;
            ThreadSample executor;
            executor.name = "executor 0";
            executor.utilisation = executorBusy;
            executor.utilisationRun = 0.25;
            ThreadSample producer;
            producer.name = "producer 0";
            producer.kind = ThreadSample::Kind::Producer;
            producer.utilisation = 0.05;
            producer.utilisationRun = 0.04;
            s->threads = {executor, producer};
            return s;
        };
        const std::vector<std::shared_ptr<const Snapshot>> history{snapshot(1.1, 0.1, 0.2), snapshot(1.4, 0.3, 0.6)};
        ReportInputs in;
        in.recent = recentFigures(history);
        QCOMPARE(in.recent.threadUtilisation.at("executor 0"), (0.2 * 0.1 + 0.6 * 0.3) / 0.4);
        const auto report = reportJson(*history.back(), in);
        QCOMPARE(valueAt(report, QStringLiteral("schedulers.0.name")).toString(), QStringLiteral("executor 0"));
        QCOMPARE(valueAt(report, QStringLiteral("schedulers.0.kind")).toString(), QStringLiteral("executor"));
        QCOMPARE(valueAt(report, QStringLiteral("schedulers.0.utilisation")).toDouble(), 0.25);
        QCOMPARE(valueAt(report, QStringLiteral("schedulers.0.utilisation_recent")).toDouble(), 0.5);
        QCOMPARE(valueAt(report, QStringLiteral("schedulers.1.kind")).toString(), QStringLiteral("producer"));
        QCOMPARE(valueAt(report, QStringLiteral("schedulers.1.utilisation_recent")).toDouble(), 0.05);
        // Without recent figures, the last interval stands in.
        QCOMPARE(
            valueAt(reportJson(*history.front(), ReportInputs{}), QStringLiteral("schedulers.0.utilisation_recent"))
                .toDouble(),
            0.2);
        // A scenario may assert on a thread.
        QVERIFY(errorsOf("{\"name\": \"x\", \"duration_s\": 5, \"expect\": [\"schedulers.0.utilisation_recent < 0.3\", "
                         "\"schedulers.1.kind == \\\"producer\\\"\"]}")
                    .isEmpty());
    }

    void testConfigRoundTrip()
    {
        PipelineConfig c;
        c.rate.reset();
        c.consumers = 12;
        c.poisonKey = 7;
        c.slowConsumer = SlowConsumer{2, 9};
        c.strategy = RestartStrategy::RestForOne;
        c.seed = 18446744073709551615ULL;
        PipelineConfig back;
        QVERIFY(applyConfigJson(configToJson(c), back, QStringLiteral("$")).isEmpty());
        QVERIFY(back == c);
        // A bad field leaves the configuration as it was.
        PipelineConfig untouched;
        QJsonObject bad;
        bad[QStringLiteral("consumers")] = 3;
        bad[QStringLiteral("io_us")] = -5;
        QVERIFY(!applyConfigJson(bad, untouched, QStringLiteral("$")).isEmpty());
        QVERIFY(untouched == PipelineConfig{});
    }

    void testJUnitCountsErrorsAndSkips()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.xml"));
        JUnitCase broken{QStringLiteral("no event lost"), false, QStringLiteral("lost 3"), 9.0};
        broken.error = true;
        JUnitCase skipped{QStringLiteral("@3s: lost == 0"), true, QStringLiteral("not judged"), 4.0};
        skipped.skipped = true;
        const QList<JUnitCase> cases{
            {QStringLiteral("lost == 0"), false, QStringLiteral("lost = 3"), 9.0}, broken, skipped};
        QVERIFY(writeJUnit(path, QStringLiteral("Demo"), QStringLiteral("beam.demo"), 9.0, cases).isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString xml = QString::fromUtf8(file.readAll());
        QCOMPARE(xml.count(QLatin1String("failures=\"1\"")), 2); // <testsuites> and <testsuite>
        QCOMPARE(xml.count(QLatin1String("errors=\"1\"")), 2);
        // Only on <testsuite>: junit-10.xsd refuses a skipped attribute on <testsuites>.
        QCOMPARE(xml.count(QLatin1String("skipped=\"1\"")), 1);
        QVERIFY2(!xml.section(QLatin1String("<testsuite "), 0, 0).contains(QLatin1String("skipped=")), qPrintable(xml));
        QVERIFY(xml.contains(QLatin1String("<error message=\"lost 3\" type=\"RunBroken\"")));
        QVERIFY(xml.contains(QLatin1String("<skipped message=\"not judged\"")));
    }

    void testJUnitFollowsTheFormat()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.xml"));
        const QList<JUnitCase> cases{{QStringLiteral("lost == 0"), true, QStringLiteral("lost = 0"), 3.0},
            {QStringLiteral("latency_us.p99 < 1 & \"more\""), false, QStringLiteral("latency_us.p99 = 12 <oops>"),
                3.0}};
        QVERIFY(writeJUnit(path, QStringLiteral("Demo"), QStringLiteral("beam.demo"), 3.0, cases).isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&file);
        QStringList path_;
        int testcases = 0;
        int failures = 0;
        QString failureMessage;
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement()) {
                const auto name = xml.name().toString();
                const auto attributes = xml.attributes();
                if (name == QLatin1String("testsuites")) {
                    QVERIFY(path_.isEmpty());
                    QCOMPARE(attributes.value(QLatin1String("tests")).toString(), QStringLiteral("2"));
                    QCOMPARE(attributes.value(QLatin1String("failures")).toString(), QStringLiteral("1"));
                } else if (name == QLatin1String("testsuite")) {
                    QCOMPARE(path_, QStringList{QStringLiteral("testsuites")});
                    QCOMPARE(attributes.value(QLatin1String("name")).toString(), QStringLiteral("Demo"));
                    QCOMPARE(attributes.value(QLatin1String("failures")).toString(), QStringLiteral("1"));
                    QCOMPARE(attributes.value(QLatin1String("errors")).toString(), QStringLiteral("0"));
                    QVERIFY(attributes.hasAttribute(QLatin1String("time")));
                } else if (name == QLatin1String("testcase")) {
                    QCOMPARE(path_.constLast(), QStringLiteral("testsuite"));
                    QCOMPARE(attributes.value(QLatin1String("classname")).toString(), QStringLiteral("beam.demo"));
                    QVERIFY(attributes.hasAttribute(QLatin1String("name")));
                    ++testcases;
                } else if (name == QLatin1String("failure")) {
                    QCOMPARE(path_.constLast(), QStringLiteral("testcase"));
                    failureMessage = attributes.value(QLatin1String("message")).toString();
                    ++failures;
                }
                path_ << name;
            } else if (xml.isEndElement()) {
                path_.removeLast();
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(testcases, 2);
        QCOMPARE(failures, 1);
        QCOMPARE(failureMessage, QStringLiteral("latency_us.p99 = 12 <oops>")); // escaped and read back intact
    }

    // Every element and attribute the writer can produce (a pass, a failure, an error, a skip, text that needs
    // escaping) against the Jenkins xUnit plugin's schema, by xmllint (libxml2-utils, from install-deps.sh).
    void testJUnitValidatesAgainstTheSchema()
    {
        if (QStringLiteral(BEAM_XMLLINT).isEmpty())
            QFAIL("xmllint not found when configuring: install libxml2-utils (packaging/install-deps.sh)");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.xml"));
        JUnitCase broken{QStringLiteral("no event lost"), false, QStringLiteral("lost 3"), 9.0};
        broken.error = true;
        JUnitCase skipped{QStringLiteral("@3s: lost == 0"), true, QStringLiteral("not judged"), 4.0};
        skipped.skipped = true;
        const QList<JUnitCase> cases{{QStringLiteral("lost == 0"), true, QStringLiteral("lost = 0"), 3.0},
            {QStringLiteral("latency_us.p99 < 1 & \"more\""), false, QStringLiteral("latency_us.p99 = 12 <oops>"), 3.0},
            broken, skipped};
        QVERIFY(writeJUnit(path, QStringLiteral("Demo"), QStringLiteral("beam.demo"), 1234.5678, cases).isEmpty());
        QProcess xmllint;
        xmllint.start(QStringLiteral(BEAM_XMLLINT),
            {QStringLiteral("--noout"), QStringLiteral("--schema"),
                QStringLiteral(BEAM_SOURCE_DIR "/tests/junit-10.xsd"), path});
        QVERIFY(xmllint.waitForFinished(60000));
        const QString said = QString::fromUtf8(xmllint.readAllStandardError());
        QVERIFY2(xmllint.exitStatus() == QProcess::NormalExit && xmllint.exitCode() == 0, qPrintable(said));
        QVERIFY2(said.contains(QLatin1String("validates")), qPrintable(said));
    }

    void testEveryBuiltInLessonParses_data()
    {
        QTest::addColumn<QString>("file");
        const QDir lessons(QStringLiteral(BEAM_SOURCE_DIR "/resources/lessons"));
        const auto files = lessons.entryList({QStringLiteral("*.json")}, QDir::Files);
        QCOMPARE(files.size(), 10);
        for (const auto &f : files)
            QTest::newRow(qPrintable(f)) << lessons.filePath(f);
    }

    void testEveryBuiltInLessonParses()
    {
        QFETCH(QString, file);
        auto result = loadScenario(file);
        if (const auto *errors = std::get_if<QStringList>(&result))
            QFAIL(qPrintable(errors->join(QLatin1Char('\n'))));
        const auto &s = std::get<Scenario>(result);
        QVERIFY(!s.description.isEmpty());
        QVERIFY(!s.expect.isEmpty());
        const auto captions = std::count_if(s.timeline.begin(), s.timeline.end(),
            [](const ScenarioStep &step) { return step.kind == ScenarioStep::Kind::Caption; });
        QVERIFY2(captions >= 3, "a lesson tells its story in captions");
        QVERIFY(std::any_of(
            s.expect.begin(), s.expect.end(), [](const Assertion &a) { return a.text == QLatin1String("lost == 0"); }));
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
