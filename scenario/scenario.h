// SPDX-License-Identifier: MIT
#pragma once

#include "assertion.h"
#include "core/pipelineconfig.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <variant>

namespace beam {

/// A caption's checks are judged from this long after it appears: the window of the figures they read
/// (Snapshot::kWindowS), so that a change the caption announces has reached them.
inline constexpr double kDefaultSettleS = 1.0;

/// One step of a scenario's timeline. Exactly one of `set`, `action` or `caption`.
struct ScenarioStep {
    enum class Kind { Set, Action, Caption };
    /// PauseLesson stops the lesson's clock (the window waits for the teacher's Play; a headless run goes on).
    enum class Action { KillConsumer, HangConsumer, Pause, Resume, AddProducer, RemoveProducer, PauseLesson };
    double atS = 0; ///< when it fires; with `condition`, the earliest it may
    /// "when": the step fires at the first snapshot, at or after atS, where this holds (a caption, or
    /// pause_lesson); nullopt: at atS.
    std::optional<Assertion> condition;
    Kind kind = Kind::Caption;
    QJsonObject set; ///< configuration fields, as in the report's `config`
    PipelineConfig configAfter; ///< the whole configuration once this step (and those before it) applied
    Action action = Action::Pause;
    int target = 0; ///< kill_consumer, hang_consumer: the consumer index
    QString caption;
    /// caption: the claims it makes, judged while it is on screen: at every snapshot from its settle time (the
    /// caption's time plus "after <s>s:", kDefaultSettleS unless written) until the caption leaves the screen
    /// (the next caption's time, or the end of the run); with "@<s>s:" at that instant only.
    QList<Assertion> checks;

    [[nodiscard]] bool conditional() const { return condition.has_value(); }
    /// "12 s", or "when escalations is at least 1".
    [[nodiscard]] QString whenText() const;
    /// "set consumers = 4, work_us = 100" / "kill consumer 3" / "hang consumer 3" / the caption.
    [[nodiscard]] QString describe() const;
};

QString toString(ScenarioStep::Action action);

/// A scenario file: a configuration, a timeline of steps and assertions over the report
/// (format: README "Scenarios", schema: resources/scenario.schema.json).
struct Scenario {
    QString name;
    QString description;
    /// A recording of the lesson (docs/recording.md), as written: a file beside the scenario's. The window plays
    /// it instead of running the engine (a class on a busy machine); empty: the lesson runs live.
    QString recording;
    QString view; ///< the window's view to open with the lesson: "topology" (the default), "schedulers" or "theory"
    double durationS = 0;
    /// The fastest it may be played (--speed) and still tell the truth: its counts depend on time the engine
    /// cannot compress (I/O waits, crashes per second against a supervision window). 100: any speed.
    double maxSpeed = 100;
    /// What the lesson needs of the machine to hold its claims ("both cores to itself"), said before it plays;
    /// empty: it holds beside a core kept busy by something else.
    QString needs;
    PipelineConfig config; ///< at the start
    QList<ScenarioStep> timeline; ///< ordered by time (stable for equal times)
    QList<Assertion> expect;
    /// Every assertion with where it was written: the `expect` list (caption -1), then each caption's checks
    /// (caption = its index in the timeline).
    struct Claim {
        Assertion assertion;
        int caption = -1;
    };
    [[nodiscard]] QList<Claim> claims() const;
    /// The caption's number as the screen shows it (1 for the first caption, sets and actions not counted), for
    /// the caption at timeline index `index`; 0 if that step is not a caption.
    [[nodiscard]] int captionNumber(int index) const;

    /// The same scenario with every time divided by `speed` (>= 1): the timeline, the duration, the checks, and
    /// the configuration's own times (sampling, supervision windows, back-off, hang timeout). Rates and work per
    /// event stay, so counts reached within a caption are smaller; see maxSpeed.
    [[nodiscard]] Scenario fasterBy(double speed) const;
};

/// The largest scenario file read: 1 MiB, some 400 times the longest lesson. A larger file is refused by its
/// size, before any of it is read.
inline constexpr qint64 kMaxScenarioBytes = 1024 * 1024;

/// Parses a scenario. On error, every problem found, each one line "<file>: <json path>: <what was expected>,
/// got ...". A key written twice in one object is an error (QJsonDocument would keep the last, silently).
std::variant<Scenario, QStringList> parseScenario(const QByteArray &json, const QString &fileName);

/// Reads a scenario file (or a Qt resource, ":/lessons/NAME.json") whole. Refuses, with one line that names
/// the path and why: an empty name, a missing file, a directory, a file over kMaxScenarioBytes (by its size,
/// unread; a device or a pipe is read no further than that), one that cannot be opened or read.
std::variant<QByteArray, QString> readScenarioFile(const QString &path);

/// readScenarioFile(), then parseScenario().
std::variant<Scenario, QStringList> loadScenario(const QString &path);

} // namespace beam
