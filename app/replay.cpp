// SPDX-License-Identifier: MIT
#include "replay.h"

#include "headless.h"
#include "runrecord.h"

#include "recording/recordingfile.h"
#include "scenario/report.h"
#include "scenario/scenarioplayer.h"

#include <QFile>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace beam {

std::optional<Scenario> scenarioOfRecording(const RecordingInfo &info, QString &error)
{
    if (info.lesson.empty() && info.scenarioJson.empty())
        return std::nullopt;
    const QString lesson = QString::fromStdString(info.lesson);
    const QString resource = QStringLiteral(":/lessons/%1.json").arg(lesson);
    if (!lesson.isEmpty() && QFile::exists(resource)) {
        auto loaded = loadScenario(resource);
        if (auto *scenario = std::get_if<Scenario>(&loaded))
            return *scenario;
    }
    if (!info.scenarioJson.empty()) {
        auto parsed = parseScenario(QByteArray::fromStdString(info.scenarioJson), lesson + QStringLiteral(".json"));
        if (auto *scenario = std::get_if<Scenario>(&parsed))
            return *scenario;
        error = QStringLiteral("the recorded scenario '%1' does not parse any more").arg(lesson);
        return std::nullopt;
    }
    error = QStringLiteral("a recording of an unknown lesson '%1'").arg(lesson);
    return std::nullopt;
}

namespace {

/// A lesson played on a recording: its steps already happened (they are printed, not carried out), and the
/// report at any moment is the one of the recorded snapshot the replay has reached.
class RecordedStage : public ScenarioStage
{
public:
    /// Takes the snapshots over (a long recording of a large pipeline is hundreds of megabytes: not copied).
    explicit RecordedStage(std::vector<Snapshot> &&snapshots)
    {
        m_snapshots.reserve(snapshots.size());
        for (auto &s : snapshots)
            m_snapshots.push_back(std::make_shared<const Snapshot>(std::move(s)));
        snapshots.clear();
    }
    [[nodiscard]] std::size_t size() const { return m_snapshots.size(); }
    [[nodiscard]] const Snapshot &at(std::size_t index) const { return *m_snapshots[index]; }
    void moveTo(std::size_t index) { m_index = index; }

    void apply(const ScenarioStep &step, int /*index*/) override
    {
        const char *what = step.kind == ScenarioStep::Kind::Caption ? ">> " : "";
        std::printf("[%6.1f s] %s%s\n", at(m_index).elapsedS, what,
            qPrintable(step.kind == ScenarioStep::Kind::Caption ? step.caption : step.describe()));
    }
    QJsonObject report() override { return reportJson(at(m_index), inputs()); }
    std::uint64_t latestSequence() override { return at(m_index).sequence; }

private:
    /// What a live run's RunRecord gathers, from the recorded snapshots up to the one reached.
    [[nodiscard]] ReportInputs inputs() const
    {
        ReportInputs in;
        const Snapshot &s = at(m_index);
        in.durationS = s.elapsedS;
        double cpu = 0;
        for (std::size_t i = 0; i <= m_index; ++i) {
            in.peakRssBytes = std::max(in.peakRssBytes, m_snapshots[i]->rssBytes);
            cpu += m_snapshots[i]->cpuPercent * m_snapshots[i]->intervalS;
        }
        in.cpuPercentAvg = cpu / std::max(1e-9, s.elapsedS);
        std::size_t first = m_index;
        while (first > 0 && m_snapshots[first - 1]->elapsedS > s.elapsedS - 5.0)
            --first;
        const std::vector<std::shared_ptr<const Snapshot>> history(
            m_snapshots.begin() + static_cast<std::ptrdiff_t>(first),
            m_snapshots.begin() + static_cast<std::ptrdiff_t>(m_index) + 1);
        in.recent = recentFigures(history);
        in.littles = littlesLaw(history);
        return in;
    }

    std::vector<std::shared_ptr<const Snapshot>> m_snapshots;
    std::size_t m_index = 0;
};

/// When the lesson began on the engine's clock: its Start mark, or the run's start.
double lessonStart(const Recording &recording)
{
    for (const auto &mark : recording.marks) {
        if (mark.kind == LessonMark::Kind::Start)
            return mark.atS;
    }
    return 0.0;
}

/// Why the recorded lesson ended early, if it did: the End mark's words, or giving up.
QString endedEarly(const Recording &recording)
{
    if (recording.snapshots.back().gaveUp)
        return QStringLiteral("the top-level supervisor gave up");
    for (const auto &mark : recording.marks) {
        if (mark.kind == LessonMark::Kind::End && !mark.detail.empty())
            return QString::fromStdString(mark.detail);
    }
    return {};
}

std::string threadFailure(const Recording &recording)
{
    for (const auto &s : recording.snapshots) {
        for (const auto &e : s.events) {
            if (e.kind == EngineEvent::Kind::ThreadFailed)
                return e.what;
        }
    }
    return {};
}

} // namespace

std::optional<Recording> readReplay(const QString &path)
{
    std::string error;
    auto recording = readRecording(path.toStdString(), error);
    if (!recording)
        std::fprintf(stderr, "beam-me-up: error: %s\n", error.c_str());
    return recording;
}

int replayHeadless(const CommandLine &options)
{
    auto recording = readReplay(options.replayPath);
    return recording ? replayHeadless(std::move(*recording), options.replayPath) : ExitUsage;
}

int replayHeadless(Recording recording, const QString &path)
{
    QString error;
    const auto scenario = scenarioOfRecording(recording.info, error);
    if (!error.isEmpty() || recording.snapshots.empty()) {
        std::fprintf(stderr, "beam-me-up: error: %s: %s\n", qPrintable(path),
            recording.snapshots.empty() ? "the recording holds no snapshot" : qPrintable(error));
        return ExitUsage;
    }
    std::printf("replay: %s (%zu snapshots, %.1f s%s)\n", qPrintable(path), recording.snapshots.size(),
        recording.snapshots.back().elapsedS, scenario ? qPrintable(QStringLiteral(", lesson ") + scenario->name) : "");
    const double start = lessonStart(recording);
    const QString why = endedEarly(recording);
    const std::string failure = threadFailure(recording);
    RecordedStage stage(std::move(recording.snapshots));
    double clock = start;
    std::optional<ScenarioPlayer> player;
    if (scenario) {
        player.emplace(
            *scenario, stage, [&clock] { return clock; }, recording.info.lessonSpeed);
        player->start();
    }
    for (std::size_t i = 0; i < stage.size(); ++i) {
        stage.moveTo(i);
        clock = std::max(clock, stage.at(i).elapsedS);
        if (player)
            player->advance();
    }
    const Snapshot &final = stage.at(stage.size() - 1);
    std::printf("summary: produced %llu, processed %llu, dead-lettered %llu, dropped %llu, in flight %lld, lost %lld\n",
        static_cast<unsigned long long>(final.produced), static_cast<unsigned long long>(final.processed),
        static_cast<unsigned long long>(final.deadLettered), static_cast<unsigned long long>(final.dropped),
        static_cast<long long>(final.inFlight), static_cast<long long>(final.lost));
    if (player) {
        player->finish(stage.report(), why);
        printVerdicts(*player);
    }
    return exitCode(judgeRun(final, player ? &*player : nullptr, failure));
}

} // namespace beam
