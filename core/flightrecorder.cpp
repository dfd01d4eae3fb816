// SPDX-License-Identifier: MIT
#include "core/flightrecorder.h"

#include <algorithm>
#include <cmath>

namespace beam {

namespace {

/// Heap bytes a record costs beyond its packed bytes: the deque's slot and the allocation's header.
constexpr std::size_t kRecordOverhead = 64;

/// Folds a thread's slices into cells of FlightRecorder::kCellS: per cell the busy time, drawn from the cell's
/// start, and the consumer that ran longest in it; full cells of one consumer in a row are one slice.
class CellFolder
{
public:
    explicit CellFolder(std::vector<ThreadSlice> &out)
        : m_out(out)
    { }

    void add(double start, double end, int consumer)
    {
        if (end <= start)
            return;
        // By cell number, not by stepping the time: a boundary computed twice can round to either side.
        const auto first = static_cast<std::int64_t>(std::floor(start / FlightRecorder::kCellS));
        const auto last = std::max(first, static_cast<std::int64_t>(std::ceil(end / FlightRecorder::kCellS)) - 1);
        for (std::int64_t cell = first; cell <= last; ++cell) {
            if (cell != m_cell) {
                flush();
                m_cell = cell;
            }
            const double cellStart = static_cast<double>(cell) * FlightRecorder::kCellS;
            const double piece = std::min(end, cellStart + FlightRecorder::kCellS) - std::max(start, cellStart);
            if (piece <= 0)
                continue;
            m_busy += piece;
            if (piece > m_longest) {
                m_longest = piece;
                m_who = consumer;
            }
        }
    }
    void flush()
    {
        if (m_busy <= 0)
            return;
        const double start = static_cast<double>(m_cell) * FlightRecorder::kCellS;
        const bool joins = !m_out.empty() && m_out.back().consumer == m_who && m_out.back().endS >= start - 1e-9;
        if (joins)
            m_out.back().endS = start + m_busy;
        else
            m_out.push_back({start, start + m_busy, m_who});
        m_busy = 0;
        m_longest = 0;
        m_who = -1;
    }

private:
    std::vector<ThreadSlice> &m_out;
    std::int64_t m_cell = -1;
    double m_busy = 0;
    double m_longest = 0;
    int m_who = -1;
};

std::size_t markBytes(const LessonMark &mark)
{
    return sizeof(LessonMark) + mark.text.capacity() + mark.detail.capacity() + mark.verdict.capacity();
}

} // namespace

FlightRecorder::FlightRecorder(Limits limits)
    : m_limits(limits)
{ }

std::vector<ThreadSlice> FlightRecorder::cells(const ThreadSample &thread, std::size_t position, double untilS)
{
    if (m_threadCut.size() <= position)
        m_threadCut.resize(position + 1, m_records.empty() ? 0.0 : m_records.back().elapsedS);
    const double from = m_threadCut[position];
    // Only whole cells: the one the snapshot falls in is finished by the next snapshot.
    const double until = std::max(from, std::floor(untilS / kCellS) * kCellS);
    std::vector<ThreadSlice> out;
    CellFolder folder(out);
    const auto first = std::partition_point(
        thread.recent.begin(), thread.recent.end(), [&](const ThreadSlice &s) { return s.endS <= from; });
    for (auto it = first; it != thread.recent.end() && it->startS < until; ++it)
        folder.add(std::max(it->startS, from), std::min(it->endS, until), it->consumer);
    folder.flush();
    m_threadCut[position] = until;
    return out;
}

void FlightRecorder::add(const Snapshot &snapshot)
{
    const std::lock_guard lock(m_mutex);
    if (!m_records.empty() && snapshot.elapsedS <= m_records.back().elapsedS)
        clearLocked(); // a new run
    std::vector<std::vector<ThreadSlice>> slices;
    slices.reserve(snapshot.threads.size());
    for (std::size_t k = 0; k < snapshot.threads.size(); ++k)
        slices.push_back(cells(snapshot.threads[k], k, snapshot.elapsedS));
    keep(snapshot, &slices);
}

void FlightRecorder::keep(const Snapshot &snapshot, const std::vector<std::vector<ThreadSlice>> *slices)
{
    if (m_configs.empty() || !(m_configs.back() == snapshot.config))
        m_configs.push_back(snapshot.config);
    Record record;
    record.elapsedS = snapshot.elapsedS;
    record.config = m_configsDropped + m_configs.size() - 1;
    record.events = snapshot.events.size();
    std::vector<std::uint8_t> packed;
    packed.reserve(4096);
    m_codec.encode(snapshot, packed, slices);
    record.bytes.assign(packed.begin(), packed.end()); // exactly its size: thousands are kept
    m_bytes += record.bytes.capacity() + kRecordOverhead;
    m_records.push_back(std::move(record));
    for (const auto &event : snapshot.events)
        m_eventMarks.push_back({event.atS, event.kind, event.consumer, event.what == "hang"});
    trim();
}

void FlightRecorder::trim()
{
    const double newest = m_records.back().elapsedS;
    while (m_records.size() > 1
        && (m_records.front().elapsedS < newest - m_limits.keepS || bytesLocked() > m_limits.maxBytes)) {
        m_bytes -= m_records.front().bytes.capacity() + kRecordOverhead;
        // An event's mark goes with the snapshot that carried it.
        m_eventMarks.erase(m_eventMarks.begin(),
            m_eventMarks.begin()
                + static_cast<std::ptrdiff_t>(std::min(m_eventMarks.size(), m_records.front().events)));
        m_records.pop_front();
    }
    const std::size_t firstConfig = m_records.front().config;
    while (m_configsDropped < firstConfig) {
        m_configs.pop_front();
        ++m_configsDropped;
    }
}

void FlightRecorder::addMark(LessonMark mark)
{
    const std::lock_guard lock(m_mutex);
    if (m_marks.size() >= kMaxMarks) {
        m_markBytes -= markBytes(m_marks.front());
        m_marks.pop_front();
    }
    m_markBytes += markBytes(mark);
    m_marks.push_back(std::move(mark));
}

void FlightRecorder::clear()
{
    const std::lock_guard lock(m_mutex);
    clearLocked();
}

void FlightRecorder::clearLocked()
{
    m_records.clear();
    m_configs.clear();
    m_configsDropped = 0;
    m_marks.clear();
    m_markBytes = 0;
    m_eventMarks.clear();
    m_bytes = 0;
    m_threadCut.clear();
}

void FlightRecorder::load(const Recording &recording)
{
    clear();
    for (const auto &snapshot : recording.snapshots) {
        const std::lock_guard lock(m_mutex);
        if (!m_records.empty() && snapshot.elapsedS <= m_records.back().elapsedS)
            continue; // the reader refuses such a file; a stray one is skipped, not a new run
        keep(snapshot, nullptr); // a recording's slices are already cells, each snapshot's own
    }
    for (const auto &mark : recording.marks)
        addMark(mark);
}

std::size_t FlightRecorder::size() const
{
    const std::lock_guard lock(m_mutex);
    return m_records.size();
}

double FlightRecorder::firstS() const
{
    const std::lock_guard lock(m_mutex);
    return m_records.empty() ? 0.0 : m_records.front().elapsedS;
}

double FlightRecorder::lastS() const
{
    const std::lock_guard lock(m_mutex);
    return m_records.empty() ? 0.0 : m_records.back().elapsedS;
}

std::size_t FlightRecorder::indexAtLocked(double elapsedS) const
{
    const auto after = std::upper_bound(
        m_records.begin(), m_records.end(), elapsedS, [](double t, const Record &r) { return t < r.elapsedS; });
    return after == m_records.begin() ? 0 : static_cast<std::size_t>(after - m_records.begin()) - 1;
}

std::size_t FlightRecorder::indexAt(double elapsedS) const
{
    const std::lock_guard lock(m_mutex);
    return indexAtLocked(elapsedS);
}

double FlightRecorder::timeOf(std::size_t index) const
{
    const std::lock_guard lock(m_mutex);
    return index < m_records.size() ? m_records[index].elapsedS : 0.0;
}

Snapshot FlightRecorder::unpack(std::size_t index) const
{
    const Record &record = m_records[index];
    Snapshot s = m_codec.decode(record.bytes);
    s.config = m_configs[record.config - m_configsDropped];
    return s;
}

std::shared_ptr<const Snapshot> FlightRecorder::at(std::size_t index) const
{
    const std::lock_guard lock(m_mutex);
    if (index >= m_records.size())
        return nullptr;
    auto s = std::make_shared<Snapshot>(unpack(index));
    // Each thread's slices over the kRecentS before it, as the live snapshot had them.
    std::size_t first = index;
    while (first > 0 && m_records[first - 1].elapsedS > s->elapsedS - kRecentS)
        --first;
    std::vector<std::vector<ThreadSlice>> recent(s->threads.size());
    for (std::size_t k = first; k < index; ++k) {
        const Snapshot earlier = m_codec.decode(m_records[k].bytes);
        for (std::size_t t = 0; t < earlier.threads.size() && t < recent.size(); ++t)
            recent[t].insert(recent[t].end(), earlier.threads[t].recent.begin(), earlier.threads[t].recent.end());
    }
    for (std::size_t t = 0; t < recent.size(); ++t) {
        auto &own = s->threads[t].recent;
        recent[t].insert(recent[t].end(), own.begin(), own.end());
        own = std::move(recent[t]);
    }
    return s;
}

std::vector<std::shared_ptr<const Snapshot>> FlightRecorder::between(double from, double to) const
{
    const std::lock_guard lock(m_mutex);
    std::vector<std::shared_ptr<const Snapshot>> out;
    if (m_records.empty())
        return out;
    for (std::size_t k = indexAtLocked(from); k < m_records.size() && m_records[k].elapsedS <= to; ++k) {
        if (m_records[k].elapsedS < from)
            continue;
        auto s = std::make_shared<Snapshot>(unpack(k));
        for (auto &thread : s->threads)
            thread.recent.clear();
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<FlightRecorder::EventMark> FlightRecorder::eventMarks() const
{
    const std::lock_guard lock(m_mutex);
    return {m_eventMarks.begin(), m_eventMarks.end()};
}

std::vector<LessonMark> FlightRecorder::marks() const
{
    const std::lock_guard lock(m_mutex);
    return {m_marks.begin(), m_marks.end()};
}

std::optional<LessonMark> FlightRecorder::captionAt(double elapsedS) const
{
    const std::lock_guard lock(m_mutex);
    std::optional<LessonMark> caption;
    for (const auto &mark : m_marks) {
        if (mark.atS > elapsedS)
            break;
        if (mark.kind == LessonMark::Kind::Caption)
            caption = mark;
        else if (mark.kind == LessonMark::Kind::End || mark.kind == LessonMark::Kind::Start)
            caption.reset();
    }
    return caption;
}

std::size_t FlightRecorder::bytesLocked() const
{
    return m_bytes + m_configs.size() * sizeof(PipelineConfig) + m_eventMarks.size() * sizeof(EventMark) + m_markBytes
        + m_codec.tableBytes() + m_threadCut.capacity() * sizeof(double);
}

std::size_t FlightRecorder::bytes() const
{
    const std::lock_guard lock(m_mutex);
    return bytesLocked();
}

void FlightRecorder::forEach(const std::function<bool(const Snapshot &)> &visit) const
{
    // By time, not by position: while it runs the sampler may add a snapshot and forget the oldest.
    double after = -1;
    for (;;) {
        Snapshot s;
        {
            const std::lock_guard lock(m_mutex);
            const auto next = std::upper_bound(
                m_records.begin(), m_records.end(), after, [](double t, const Record &r) { return t < r.elapsedS; });
            if (next == m_records.end())
                return;
            s = unpack(static_cast<std::size_t>(next - m_records.begin()));
        }
        after = s.elapsedS;
        if (!visit(s))
            return;
    }
}

} // namespace beam
