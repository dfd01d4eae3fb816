// SPDX-License-Identifier: MIT
#pragma once

#include <oneapi/tbb/scalable_allocator.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace beam {

/// One unit of work. 24 bytes, copied by value into batches; never allocated on its own.
struct Event {
    std::uint64_t id = 0; ///< producer index in the top 16 bits, sequence below: unique for a run
    std::int64_t createdNs = 0; ///< steady clock at creation
    std::uint32_t key = 0; ///< partition key: equal keys go to the same consumer, in order
    std::uint16_t attempts = 0; ///< processing attempts so far
};

/// A micro-batch: the unit that moves through the flow graph. Owned by whoever holds the pointer.
/// Batches are made on one thread and freed on another; oneTBB's scalable allocator handles that without
/// the cross-thread contention of the system allocator (measured: 25% of CPU in malloc/free with 8 consumers).
struct Batch {
    /// Allocates from oneTBB's scalable allocator.
    static void *operator new(std::size_t size)
    {
        if (void *memory = scalable_malloc(size))
            return memory;
        throw std::bad_alloc();
    }
    /// Returns memory to oneTBB's scalable allocator.
    static void operator delete(void *memory) { scalable_free(memory); }

    /// A control message to a consumer instead of events (supervision, timers, fault injection).
    enum class Signal : std::uint8_t { None, IoResume, Kill, Timeout, Hang, Stop, Restart, Poke };

    std::vector<Event, tbb::scalable_allocator<Event>> events; ///< the events, in creation order
    Signal signal = Signal::None; ///< None for a batch of events
    std::uint64_t incarnation = ~std::uint64_t{0}; ///< Kill/Timeout: only this incarnation (all ones: any)
    Batch *handoverNext = nullptr; ///< the next batch while it waits in a HandoverStack
};

/// Where a test may make the engine throw (Engine::setFaultHook): the thread boundaries the engine must hold.
enum class FaultSite : std::uint8_t {
    ProducerLoop, ///< a producer thread, between two batches
    TimerCallback, ///< the timer thread, in an I/O wait's end
    ConsumerBody, ///< a consumer's node body, as it begins a batch of events
    SamplerLoop, ///< the sampler thread, before a sample
};

/// Why a consumer went down.
enum class CrashCause : std::uint8_t {
    Random, ///< the crash rate hit
    Killed, ///< "kill consumer N"
    Hang, ///< no progress within the hang timeout
    Exception, ///< an exception got past the consumer's attempt boundary (e.g. memory ran out in its bookkeeping)
    Count
};

/// The index of the producer that created event `eventId`.
constexpr std::uint64_t producerOf(std::uint64_t eventId)
{
    return eventId >> 48;
}
/// The event's sequence number within its producer.
constexpr std::uint64_t sequenceOf(std::uint64_t eventId)
{
    return eventId & ((std::uint64_t{1} << 48) - 1);
}

/// How an event's life ended.
enum class Outcome : std::uint8_t { Processed, DeadLettered, Dropped };

/// Optional observer of every final outcome, for tests and inspection. Called from engine threads
/// (consumers and producers) concurrently: implementations must be thread-safe.
class OutcomeSink
{
public:
    virtual ~OutcomeSink() = default;
    /// `consumer` is -1 for events dropped by a producer.
    virtual void record(int consumer, const Event &event, Outcome outcome) = 0;
};

} // namespace beam
