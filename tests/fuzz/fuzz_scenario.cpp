// SPDX-License-Identifier: MIT
// libFuzzer target: the bytes of a scenario file -> JSON -> Scenario -> configuration validation, and what the
// headless runner does with a parsed scenario before the engine starts (--speed's fasterBy(), the player's
// claims), then the ScenarioPlayer itself on a fake clock against a fixed report. Nothing here starts an engine,
// a thread or a timer, or touches a file.
//
// Input: a scenario file's bytes, as readScenarioFile() hands them to parseScenario().
//
// Besides crashes, leaks, undefined behaviour and hangs, it aborts on a broken promise of the parser:
//  - every error is one non-empty line that names the file;
//  - findDuplicateKeys() agrees with QJsonDocument: with no duplicate found, every key written was kept;
//  - a scenario that parses has a valid configuration at the start and after every step, a duration in
//    0.1..86400 s, a timeline in time order within it, kill targets that exist, claims timed within the run;
//  - its configuration survives configToJson() and applyConfigJson();
//  - fasterBy() keeps the order and the bounds, and the player fires every step and decides every claim.
#include "scenario/configjson.h"
#include "scenario/jsonkeys.h"
#include "scenario/report.h"
#include "scenario/scenario.h"
#include "scenario/scenarioplayer.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

using namespace beam;

void check(bool ok, const char *what, const QString &detail = {})
{
    if (ok)
        return;
    std::fprintf(stderr, "fuzz_scenario: broken promise: %s %s\n", what, qPrintable(detail));
    std::abort();
}

/// Keys QJsonDocument kept, in every object of the value.
qsizetype keysKept(const QJsonValue &value)
{
    qsizetype keys = 0;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        keys += object.size();
        for (auto it = object.begin(); it != object.end(); ++it)
            keys += keysKept(it.value());
    } else if (value.isArray()) {
        for (const auto &element : value.toArray())
            keys += keysKept(element);
    }
    return keys;
}

void checkDuplicateScan(const QByteArray &data)
{
    QJsonParseError syntax{};
    const auto document = QJsonDocument::fromJson(data, &syntax);
    if (syntax.error != QJsonParseError::NoError)
        return;
    qsizetype written = 0;
    const auto duplicates = findDuplicateKeys(data, &written);
    const qsizetype kept = document.isObject() ? keysKept(document.object()) : keysKept(QJsonValue(document.array()));
    // Without duplicates every key written is kept; with them QJsonDocument drops at least one (and the keys
    // inside any object value it dropped).
    check(duplicates.isEmpty() ? written == kept : written > kept, "findDuplicateKeys disagrees with QJsonDocument",
        QStringLiteral("written %1, kept %2, duplicates %3").arg(written).arg(kept).arg(duplicates.size()));
}

/// The report the player judges against: every field a run reports, with one supervisor, thread and dead letter.
const QJsonObject &sampleReport()
{
    static const QJsonObject report = [] {
        Snapshot snapshot;
        snapshot.supervisors.emplace_back();
        snapshot.threads.emplace_back();
        ReportInputs inputs;
        inputs.deadLetters.emplace_back();
        return reportJson(snapshot, inputs);
    }();
    return report;
}

class Stage : public ScenarioStage
{
public:
    void apply(const ScenarioStep &step, int index) override
    {
        check(index == applied, "steps fired out of order");
        check(!step.describe().contains(QLatin1Char('\n')) || step.kind == ScenarioStep::Kind::Caption,
            "a step's description spans lines");
        ++applied;
    }
    QJsonObject report() override { return sampleReport(); }
    int applied = 0;
};

void checkScenario(const Scenario &s)
{
    check(s.durationS >= 0.1 && s.durationS <= 86400, "duration_s out of range", QString::number(s.durationS));
    check(s.config.validate().empty(), "the start configuration does not validate");
    PipelineConfig back;
    check(applyConfigJson(configToJson(s.config), back, QStringLiteral("$")).isEmpty() && back == s.config,
        "the configuration does not round-trip through JSON");
    double previous = 0;
    for (const auto &step : s.timeline) {
        check(step.atS >= previous && step.atS <= s.durationS, "timeline out of order or past the end");
        previous = step.atS;
        check(step.configAfter.validate().empty(), "a step leaves an invalid configuration");
        if (step.kind == ScenarioStep::Kind::Action
            && (step.action == ScenarioStep::Action::KillConsumer || step.action == ScenarioStep::Action::HangConsumer))
            check(step.target >= 0 && step.target < step.configAfter.consumers, "kill target does not exist");
        for (const auto &a : step.checks)
            check(a.atS && *a.atS >= step.atS && *a.atS <= s.durationS, "a caption's check is timed off screen");
    }
    for (const auto &claim : s.claims())
        check(!claim.assertion.atS || (*claim.assertion.atS >= 0 && *claim.assertion.atS <= s.durationS),
            "a claim is timed outside the run");

    // --speed, as far as the command line allows it (the run stays at least 0.1 s).
    const double fastest = std::min(100.0, std::floor(s.durationS / 0.1));
    if (fastest >= 1) {
        const Scenario faster = s.fasterBy(fastest);
        check(faster.timeline.size() == s.timeline.size(), "fasterBy() lost steps");
        double last = 0;
        for (const auto &step : faster.timeline) {
            check(step.atS >= last && step.atS <= faster.durationS * (1 + 1e-12), "fasterBy() broke the order");
            last = step.atS;
        }
    }

    // The player, on a fake clock, over the whole run in 16 ticks.
    Stage stage;
    double now = 0;
    ScenarioPlayer player(s, stage, [&now] { return now; });
    check(player.verdicts().size() == static_cast<std::size_t>(s.claims().size()), "a claim has no verdict");
    player.start();
    for (int tick = 1; tick <= 16; ++tick) {
        now = s.durationS * tick / 16.0;
        player.advance();
    }
    check(player.reachedEnd(), "the player did not reach the end");
    player.finish(sampleReport());
    check(stage.applied == s.timeline.size(), "the player did not fire every step");
    for (const auto &v : player.verdicts())
        check(v.decided(), "a claim was left undecided");
    check(player.junitCases().size() == s.claims().size(), "JUnit cases and claims differ");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    checkDuplicateScan(bytes);
    const QString file = QStringLiteral("fuzz.json");
    auto parsed = parseScenario(bytes, file);
    if (const auto *errors = std::get_if<QStringList>(&parsed)) {
        check(!errors->isEmpty(), "refused without a reason");
        for (const auto &e : *errors) {
            check(e.startsWith(file + QStringLiteral(": $")), "an error that names no file and JSON path", e);
            check(!e.contains(QLatin1Char('\n')) && !e.contains(QLatin1Char('\r')), "an error spans lines", e);
        }
        return 0;
    }
    checkScenario(std::get<Scenario>(parsed));
    return 0;
}
