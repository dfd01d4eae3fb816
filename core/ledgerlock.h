// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <mutex>
#include <thread>

namespace beam {

/// Makes the ledger add up in every snapshot: produced = processed + dead-lettered + dropped + abandoned + in
/// flight + lost, exactly, with lost found rather than assumed.
///
/// Every change to a ledger count happens inside an Entry, together with the change to the limiter's count
/// that balances it: a producer counts what it made, dropped and admitted in one entry; a consumer counts what
/// ended and gives the limiter its events back in one entry. The sampler reads all the counts inside a Cut,
/// which waits until no entry is open and keeps new ones out while it reads; so it never sees half of an entry.
/// Lost is then whatever the counts do not explain, and stays 0 unless an event really vanished.
///
/// Threads: entries on any engine thread, many at once (two atomic read-modify-writes each); a Cut from the
/// sampler or the control thread, one at a time. An entry never waits for anything but a cut in progress, and a
/// cut only reads atomics: neither can wait for the other in a circle.
class LedgerLock
{
public:
    /// Held while a thread changes ledger counts; cheap, and many may be held at once.
    class Entry
    {
    public:
        /// Waits while a cut is being read, then enters.
        explicit Entry(LedgerLock &lock)
            : m_lock(lock)
        {
            for (;;) {
                m_lock.m_entries.fetch_add(1, std::memory_order_seq_cst);
                if (!m_lock.m_cutting.load(std::memory_order_seq_cst))
                    return;
                m_lock.m_entries.fetch_sub(1, std::memory_order_seq_cst);
                while (m_lock.m_cutting.load(std::memory_order_seq_cst))
                    std::this_thread::yield();
            }
        }
        ~Entry() { m_lock.m_entries.fetch_sub(1, std::memory_order_seq_cst); }
        Entry(const Entry &) = delete;
        Entry &operator=(const Entry &) = delete;

    private:
        LedgerLock &m_lock;
    };

    /// Held while a thread reads every ledger count as of one instant (or changes the limiter's threshold,
    /// which must not race an entry).
    class Cut
    {
    public:
        /// Keeps new entries out and waits for the open ones to close.
        explicit Cut(LedgerLock &lock)
            : m_lock(lock)
            , m_one(lock.m_cutMutex)
        {
            m_lock.m_cutting.store(true, std::memory_order_seq_cst);
            while (m_lock.m_entries.load(std::memory_order_seq_cst) != 0)
                std::this_thread::yield();
        }
        ~Cut() { m_lock.m_cutting.store(false, std::memory_order_seq_cst); }
        Cut(const Cut &) = delete;
        Cut &operator=(const Cut &) = delete;

    private:
        LedgerLock &m_lock;
        std::lock_guard<std::mutex> m_one;
    };

private:
    alignas(64) std::atomic<int> m_entries{0};
    alignas(64) std::atomic<bool> m_cutting{false};
    std::mutex m_cutMutex; ///< one cut at a time
};

} // namespace beam
