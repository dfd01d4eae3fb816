// SPDX-License-Identifier: MIT
#include "core/eventlog.h"

#include <algorithm>

namespace beam {

std::string_view toString(EngineEvent::Kind kind)
{
    switch (kind) {
    case EngineEvent::Kind::Crash:
        return "crash";
    case EngineEvent::Kind::Restart:
        return "restart";
    case EngineEvent::Kind::Escalation:
        return "escalation";
    case EngineEvent::Kind::PipelineRestart:
        return "pipeline restart";
    case EngineEvent::Kind::GaveUp:
        return "gave up";
    case EngineEvent::Kind::Configuration:
        return "configuration";
    case EngineEvent::Kind::ThreadFailed:
        return "thread failed";
    }
    return "event";
}

void EventLog::append(EngineEvent event)
{
    std::lock_guard lock(m_mutex);
    event.sequence = ++m_sequence;
    m_events.push_back(std::move(event));
    while (m_events.size() > kCapacity)
        m_events.pop_front();
}

std::vector<EngineEvent> EventLog::since(std::uint64_t sequence, std::size_t limit) const
{
    std::lock_guard lock(m_mutex);
    // Sequences are consecutive, so the first one after `sequence` is found by arithmetic.
    const std::uint64_t first = m_events.empty() ? 0 : m_events.front().sequence;
    const std::size_t skip = sequence < first ? 0 : static_cast<std::size_t>(sequence - first + 1);
    if (skip >= m_events.size())
        return {};
    const std::size_t count = std::min(limit, m_events.size() - skip);
    return {m_events.end() - static_cast<std::ptrdiff_t>(count), m_events.end()};
}

std::uint64_t EventLog::last() const
{
    std::lock_guard lock(m_mutex);
    return m_sequence;
}

} // namespace beam
