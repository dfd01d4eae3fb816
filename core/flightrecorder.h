// SPDX-License-Identifier: MIT
#pragma once

#include "core/recording.h"
#include "core/snapshotcodec.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace beam {

/// Every run's memory: each snapshot the sampler takes, packed (SnapshotCodec: about 1 KB with 8 consumers,
/// 9 KB with 64 producers and 256 consumers), the engine events they carry, each thread's activity and what a
/// lesson showed and decided, for the last `keepS` seconds within `maxBytes`. The window's time cursor reads it,
/// a recording file is written from it and a replay fills one. See docs/recording.md.
///
/// What a thread ran is kept at kCellS resolution: per cell, the time it was busy and the consumer that ran
/// longest, which is what the Schedulers view draws per pixel (a lane is 1.5 s over about 1,000 pixels).
///
/// Threads: add() from the sampler's thread, everything else from any thread; one mutex, held to pack or unpack
/// one snapshot (tens of microseconds).
class FlightRecorder
{
public:
    /// How much it keeps.
    struct Limits {
        double keepS = 600; ///< seconds of history kept: older snapshots are forgotten
        std::size_t maxBytes = std::size_t{64} << 20; ///< and the oldest are forgotten sooner past this
    };
    static constexpr double kCellS = 0.0005; ///< the resolution of what a thread ran
    static constexpr double kRecentS = 1.5; ///< how far back at() gives each thread's slices
    static constexpr std::size_t kMaxMarks = 100'000; ///< lesson marks kept; the oldest go first

    explicit FlightRecorder(Limits limits);
    FlightRecorder()
        : FlightRecorder(Limits{})
    { }

    /// Keeps `snapshot` (its events and its threads' slices since the previous one). A snapshot not later than
    /// the newest kept, or of a new run (its time went back), starts the recorder over.
    void add(const Snapshot &snapshot);
    /// Keeps what a lesson did at a moment (its atS on the engine's clock).
    void addMark(LessonMark mark);
    /// Forgets everything.
    void clear();
    /// Replaces everything with `recording` (a replay). Limits still apply.
    void load(const Recording &recording);

    [[nodiscard]] Limits limits() const { return m_limits; }
    /// Snapshots kept.
    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] bool empty() const { return size() == 0; }
    /// elapsedS of the oldest and newest snapshot kept (0 when empty).
    [[nodiscard]] double firstS() const;
    [[nodiscard]] double lastS() const;
    /// The position of the newest snapshot taken at or before `elapsedS` (the oldest if none was).
    [[nodiscard]] std::size_t indexAt(double elapsedS) const;
    /// elapsedS of snapshot `index`.
    [[nodiscard]] double timeOf(std::size_t index) const;
    /// Snapshot `index` whole: its configuration, its events (those since the previous snapshot) and each
    /// thread's slices over the kRecentS before it, as a live snapshot has them. Null when out of range.
    [[nodiscard]] std::shared_ptr<const Snapshot> at(std::size_t index) const;
    /// The snapshots from `from` to `to` (elapsedS, inclusive), oldest first, with their events but without
    /// thread slices (for what needs a stretch of them: Little's law, a lesson's checks).
    [[nodiscard]] std::vector<std::shared_ptr<const Snapshot>> between(double from, double to) const;
    /// Where an engine event happened, for a timeline: when, what, to whom.
    struct EventMark {
        double atS = 0;
        EngineEvent::Kind kind = EngineEvent::Kind::Crash;
        int consumer = -1;
        bool hang = false; ///< a crash by the hang timeout
    };
    /// Every engine event kept, oldest first, as a mark (the whole event comes with its snapshot: at()).
    [[nodiscard]] std::vector<EventMark> eventMarks() const;
    /// Every lesson mark kept, oldest first.
    [[nodiscard]] std::vector<LessonMark> marks() const;
    /// The caption on screen at `elapsedS` (the newest Caption mark at or before it, unless an End came
    /// after it), or null.
    [[nodiscard]] std::optional<LessonMark> captionAt(double elapsedS) const;
    /// Bytes held: packed snapshots, configurations, marks and the codec's words.
    [[nodiscard]] std::size_t bytes() const;
    /// Calls `visit` with each snapshot kept, oldest first, as a recording has them (only its own thread
    /// slices); stops early when it returns false. For writing a file without a second copy of the run.
    void forEach(const std::function<bool(const Snapshot &)> &visit) const;

private:
    struct Record {
        double elapsedS = 0;
        std::size_t config = 0; ///< index into m_configs, counted from the first ever kept
        std::size_t events = 0; ///< engine events it carries (their marks are in m_eventMarks)
        std::vector<std::uint8_t> bytes;
    };
    /// Packs `snapshot` as the newest record (`slices`: its threads' cells, null: its own), then trims.
    void keep(const Snapshot &snapshot, const std::vector<std::vector<ThreadSlice>> *slices);
    void trim();
    [[nodiscard]] std::size_t bytesLocked() const;
    [[nodiscard]] Snapshot unpack(std::size_t index) const;
    [[nodiscard]] std::size_t indexAtLocked(double elapsedS) const;
    /// `thread`'s slices cut to the cells after the previous snapshot, up to `untilS`.
    std::vector<ThreadSlice> cells(const ThreadSample &thread, std::size_t position, double untilS);
    void clearLocked();

    Limits m_limits;
    mutable std::mutex m_mutex;
    SnapshotCodec m_codec;
    std::deque<Record> m_records;
    std::deque<PipelineConfig> m_configs;
    std::size_t m_configsDropped = 0; ///< configurations forgotten from the front of m_configs
    std::deque<LessonMark> m_marks;
    std::deque<EventMark> m_eventMarks;
    std::size_t m_bytes = 0; ///< of m_records' bytes
    std::size_t m_markBytes = 0; ///< of m_marks
    std::vector<double> m_threadCut; ///< by thread position: the time up to which its cells are kept
};

} // namespace beam
