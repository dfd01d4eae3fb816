// SPDX-License-Identifier: MIT
#pragma once

#include "core/event.h"

#include <atomic>

namespace beam {

/// Batches that producers admitted and left for the one thread running the graph inline (GraphRunner::submit()):
/// a lock-free stack, any number of pushers, any number of takers, each taker gets all at once.
///
/// Why: with several producers, only one can run the graph on its own thread at a time. The others used to put
/// their batches into the graph and wake an executor thread; at 100,000 events/s over 4 producers that woke the
/// executor threads so often that they never slept (195% CPU where one producer needed 22%; docs/executor.md).
/// Now they leave the batch here, and whoever runs inline takes it on its next round.
///
/// The hand-off cannot be lost: a pusher pushes, then tries to become the runner; a runner, after it stops
/// being the runner, looks here again (see GraphRunner::submit()). Either the pusher becomes the runner, or the
/// runner's last look comes after the push and sees it.
///
/// Threads: any.
class HandoverStack
{
public:
    HandoverStack() = default;
    HandoverStack(const HandoverStack &) = delete;
    HandoverStack &operator=(const HandoverStack &) = delete;
    /// Takes ownership of `batch`.
    void push(Batch *batch)
    {
        Batch *top = m_top.load(std::memory_order_relaxed);
        do {
            batch->handoverNext = top;
        } while (!m_top.compare_exchange_weak(top, batch, std::memory_order_seq_cst, std::memory_order_relaxed));
    }
    [[nodiscard]] bool empty() const { return m_top.load(std::memory_order_seq_cst) == nullptr; }
    /// Takes every batch waiting, oldest first, as a list through Batch::handoverNext; nullptr when none wait.
    [[nodiscard]] Batch *takeAll()
    {
        Batch *newestFirst = m_top.exchange(nullptr, std::memory_order_seq_cst);
        Batch *oldestFirst = nullptr;
        while (newestFirst) {
            Batch *next = newestFirst->handoverNext;
            newestFirst->handoverNext = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = next;
        }
        return oldestFirst;
    }

private:
    std::atomic<Batch *> m_top{nullptr};
};

} // namespace beam
