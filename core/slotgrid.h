// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace beam {

/// The slots of one of `count` producers that share a grid of `slotNs`-long slots: the producer at `position`
/// owns slots position, position + count, position + 2 x count, ... counted from time 0, so no two of them own
/// the same stretch of time. Times are in nanoseconds on one clock; pure arithmetic, no clock of its own.
class SlotGrid
{
public:
    /// `lateNs`: how far past the time it meant a wake-up may still land (wakeAtOrAfter() keeps that much of a
    /// slot's end free), less than `slotNs`.
    SlotGrid(std::int64_t slotNs, int count, int position, std::int64_t lateNs)
        : m_slotNs(slotNs)
        , m_period(slotNs * count)
        , m_phase(slotNs * (position % count))
        , m_lateNs(lateNs)
    { }

    /// The start of the first of this producer's slots that starts at or after `t`.
    [[nodiscard]] std::int64_t atOrAfter(std::int64_t t) const
    {
        const std::int64_t into = intoPeriod(t);
        return into == 0 ? t : t - into + m_period;
    }
    /// The start of the first of this producer's slots that starts after `t`.
    [[nodiscard]] std::int64_t after(std::int64_t t) const { return atOrAfter(t + 1); }
    /// `t` if it falls early enough in one of this producer's slots that a wake-up asked for it, late by up
    /// to `lateNs`, still falls in that slot; otherwise the start of its next slot.
    [[nodiscard]] std::int64_t wakeAtOrAfter(std::int64_t t) const
    {
        const std::int64_t into = intoPeriod(t);
        return into < m_slotNs - m_lateNs ? t : t - into + m_period;
    }
    /// Whether `t` falls in one of this producer's slots.
    [[nodiscard]] bool owns(std::int64_t t) const { return intoPeriod(t) < m_slotNs; }
    /// How long from the start of one of this producer's slots to the start of its next.
    [[nodiscard]] std::int64_t period() const { return m_period; }

private:
    /// How far `t` lies past the start of this producer's last slot at or before it.
    [[nodiscard]] std::int64_t intoPeriod(std::int64_t t) const
    {
        return ((t - m_phase) % m_period + m_period) % m_period;
    }

    std::int64_t m_slotNs;
    std::int64_t m_period;
    std::int64_t m_phase;
    std::int64_t m_lateNs;
};

} // namespace beam
