// SPDX-License-Identifier: MIT
#include "timecursor.h"

#include <algorithm>

namespace beam {

void TimeCursor::setRecorder(std::shared_ptr<FlightRecorder> recorder)
{
    if (recorder == m_recorder)
        return;
    m_recorder = std::move(recorder);
    m_cachedIndex = static_cast<std::size_t>(-1);
    m_cached.reset();
    set(std::nullopt);
}

SnapshotPtr TimeCursor::snapshot() const
{
    if (!m_at || !m_recorder || m_recorder->empty())
        return nullptr;
    const std::size_t index = m_recorder->indexAt(*m_at);
    // The same moment is drawn often (every view, every redraw while frozen): unpacked once.
    if (index != m_cachedIndex || !m_cached || m_cached->elapsedS != *m_at) {
        m_cached = m_recorder->at(index);
        m_cachedIndex = index;
    }
    return m_cached;
}

std::vector<SnapshotPtr> TimeCursor::recent(double seconds) const
{
    if (!m_at || !m_recorder)
        return {};
    return m_recorder->between(*m_at - seconds, *m_at);
}

double TimeCursor::reference() const
{
    return m_at ? *m_at : (m_recorder ? m_recorder->lastS() : 0.0);
}

void TimeCursor::moveTo(double elapsedS)
{
    if (!m_recorder || m_recorder->empty())
        return;
    set(m_recorder->timeOf(m_recorder->indexAt(elapsedS)));
}

void TimeCursor::stepSamples(int samples)
{
    if (!m_recorder || m_recorder->empty())
        return;
    const auto here = static_cast<long long>(m_recorder->indexAt(reference()));
    const auto last = static_cast<long long>(m_recorder->size()) - 1;
    const auto to = static_cast<std::size_t>(std::clamp(here + samples, 0LL, last));
    set(m_recorder->timeOf(to));
}

void TimeCursor::stepSeconds(double seconds)
{
    if (!m_recorder || m_recorder->empty())
        return;
    const double from = reference();
    const double to = std::clamp(from + seconds, m_recorder->firstS(), m_recorder->lastS());
    std::size_t index = m_recorder->indexAt(to);
    // Forward, "at or before" could land where it started (a sampling interval longer than the step).
    if (seconds > 0 && m_recorder->timeOf(index) <= from && index + 1 < m_recorder->size())
        ++index;
    set(m_recorder->timeOf(index));
}

void TimeCursor::toStart()
{
    if (m_recorder && !m_recorder->empty())
        set(m_recorder->firstS());
}

void TimeCursor::freeze()
{
    if (m_recorder && !m_recorder->empty())
        set(m_recorder->lastS());
}

void TimeCursor::goLive()
{
    set(std::nullopt);
}

void TimeCursor::set(std::optional<double> at)
{
    if (at == m_at)
        return;
    m_at = at;
    emit moved();
}

} // namespace beam
