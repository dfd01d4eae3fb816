// SPDX-License-Identifier: MIT
#include "core/threadactivity.h"

#include "core/enginecontext.h"

#include <algorithm>
#include <bit>

namespace beam {

ThreadActivity::ThreadActivity(std::size_t capacity)
    : m_mask(std::bit_ceil(std::max<std::size_t>(capacity, 2)) - 1)
    , m_slots(std::make_unique<Slot[]>(m_mask + 1))
{ }

std::uint64_t ThreadActivity::busyNs() const
{
    const std::int64_t word = m_busyWord.load(std::memory_order_acquire);
    const std::int64_t inBody = word & 1;
    const std::int64_t value = (word - inBody) / 2;
    // The clock is read after the word: a body that began is never counted as having begun in the future.
    const std::int64_t busy = inBody != 0 ? value + nowNs() : value;
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, busy));
}

std::vector<ThreadActivity::Slice> ThreadActivity::slices(std::int64_t fromNs) const
{
    const std::uint64_t published = m_published.load(std::memory_order_acquire);
    const std::uint64_t oldest = published > capacity() ? published - capacity() : 0;
    std::vector<Slice> newestFirst;
    for (std::uint64_t index = published; index > oldest;) {
        --index;
        const Slot &s = slot(index);
        Slice slice;
        slice.startNs = s.startNs.load(std::memory_order_relaxed);
        slice.endNs = s.endNs.load(std::memory_order_relaxed);
        slice.consumer = s.consumer.load(std::memory_order_relaxed);
        if (slice.endNs < fromNs)
            break; // slices are in time order: every older one ended earlier
        newestFirst.push_back(slice);
    }
    // Slots the writer claimed while they were read may hold a mix of old and new values: drop them. Any new
    // value read above was written after its claim (release fence), so this load sees that claim.
    std::atomic_thread_fence(std::memory_order_acquire);
    const std::uint64_t claimed = m_claimed.load(std::memory_order_relaxed);
    const std::uint64_t intact = claimed > capacity() ? claimed - capacity() : 0; // lowest index not reused
    const std::uint64_t kept = published > intact ? std::min<std::uint64_t>(newestFirst.size(), published - intact) : 0;
    newestFirst.resize(static_cast<std::size_t>(kept));
    std::reverse(newestFirst.begin(), newestFirst.end()); // oldest first, in place
    return newestFirst;
}

} // namespace beam
