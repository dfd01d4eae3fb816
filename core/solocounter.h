// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>

namespace beam {

/// A counter with exactly one writer at a time (relaxed load + store, no locked instruction) on its own cache
/// line, readable from any thread. The writer publishes with release so readers can order their reads.
class alignas(64) SoloCounter
{
public:
    void add(std::uint64_t n) { m_value.store(m_value.load(std::memory_order_relaxed) + n, std::memory_order_release); }
    [[nodiscard]] std::uint64_t get() const { return m_value.load(std::memory_order_acquire); }
    void set(std::uint64_t value) { m_value.store(value, std::memory_order_release); }

private:
    std::atomic<std::uint64_t> m_value{0};
};

} // namespace beam
