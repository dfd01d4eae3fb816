// SPDX-License-Identifier: MIT
#pragma once

#include "core/flightrecorder.h"
#include "enginebridge.h"

#include <QObject>

#include <memory>
#include <optional>
#include <vector>

namespace beam {

/// The one time cursor of the window: live (every view follows the engine) or at a moment the flight recorder
/// kept, always the time of a snapshot it holds, so what a view shows there is that snapshot. Every view reads
/// it when it draws; moved() tells them to. Threads: GUI thread only.
class TimeCursor : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /// The recorder to move through: the running engine's, or a replay's.
    void setRecorder(std::shared_ptr<FlightRecorder> recorder);
    [[nodiscard]] const std::shared_ptr<FlightRecorder> &recorder() const { return m_recorder; }
    /// The cursor's time (a snapshot's elapsedS), or none: live.
    [[nodiscard]] std::optional<double> at() const { return m_at; }
    [[nodiscard]] bool live() const { return !m_at; }
    /// The snapshot under the cursor, whole (threads' slices over the 1.5 s before it); null when live or empty.
    [[nodiscard]] SnapshotPtr snapshot() const;
    /// The snapshots over `seconds` up to the cursor, oldest first (Little's law's trend); empty when live.
    [[nodiscard]] std::vector<SnapshotPtr> recent(double seconds) const;

public slots:
    /// To the snapshot taken at or before `elapsedS` (the oldest kept if none was).
    void moveTo(double elapsedS);
    /// `samples` snapshots later (negative: earlier), from the cursor or, live, from the newest.
    void stepSamples(int samples);
    /// `seconds` later or earlier, to the snapshot at or before that time.
    void stepSeconds(double seconds);
    /// To the oldest snapshot kept.
    void toStart();
    /// Stays at the newest snapshot while the engine runs on: the view is frozen.
    void freeze();
    /// Back to live.
    void goLive();

signals:
    void moved();

private:
    [[nodiscard]] double reference() const;
    void set(std::optional<double> at);

    std::shared_ptr<FlightRecorder> m_recorder;
    std::optional<double> m_at;
    mutable std::size_t m_cachedIndex = static_cast<std::size_t>(-1);
    mutable SnapshotPtr m_cached;
};

} // namespace beam
