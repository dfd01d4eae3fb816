// SPDX-License-Identifier: MIT
#include "core/snapshotcodec.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace beam {

namespace {
/// A share of time (0..1, a little over when a long I/O wait lands late) is kept to 1/10,000: 0.01 %.
constexpr double kRatioScale = 10'000.0;
} // namespace

class SnapshotCodec::Writer
{
public:
    static constexpr bool kReading = false;
    Writer(SnapshotCodec &codec, std::vector<std::uint8_t> &out)
        : m_codec(codec)
        , m_out(out)
    { }

    template <class T> void u(const T &value) { varint(static_cast<std::uint64_t>(value)); }
    template <class T> void i(const T &value)
    {
        const auto v = static_cast<std::int64_t>(value);
        varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); // zigzag
    }
    template <class E> void e(const E &value) { u(static_cast<int>(value)); }
    void b(bool value) { m_out.push_back(value ? 1 : 0); }
    void d(double value) { raw(std::bit_cast<std::uint64_t>(value), 8); }
    void f(double value) { raw(std::bit_cast<std::uint32_t>(static_cast<float>(value)), 4); }
    void ratio(double value) { varint(static_cast<std::uint64_t>(std::llround(std::max(0.0, value) * kRatioScale))); }
    void word(const std::string &value) { u(m_codec.intern(value)); }
    void text(const std::string &value)
    {
        u(value.size());
        m_out.insert(m_out.end(), value.begin(), value.end());
    }
    void count(std::size_t n) { u(n); }
    /// The slices to write for thread `k`: the recorder's cells when it gave them, else the thread's own.
    const std::vector<ThreadSlice> &slicesOf(std::size_t k, const std::vector<ThreadSlice> &own) const
    {
        return m_slices != nullptr && k < m_slices->size() ? (*m_slices)[k] : own;
    }
    void setSlices(const std::vector<std::vector<ThreadSlice>> *slices) { m_slices = slices; }

private:
    void varint(std::uint64_t v)
    {
        while (v >= 0x80) {
            m_out.push_back(static_cast<std::uint8_t>(v | 0x80));
            v >>= 7;
        }
        m_out.push_back(static_cast<std::uint8_t>(v));
    }
    void raw(std::uint64_t bits, int bytes)
    {
        for (int k = 0; k < bytes; ++k)
            m_out.push_back(static_cast<std::uint8_t>(bits >> (8 * k)));
    }

    SnapshotCodec &m_codec;
    std::vector<std::uint8_t> &m_out;
    const std::vector<std::vector<ThreadSlice>> *m_slices = nullptr;
};

class SnapshotCodec::Reader
{
public:
    static constexpr bool kReading = true;
    Reader(const SnapshotCodec &codec, std::span<const std::uint8_t> bytes)
        : m_codec(codec)
        , m_bytes(bytes)
    { }

    template <class T> void u(T &value) { value = static_cast<T>(varint()); }
    template <class T> void i(T &value)
    {
        const std::uint64_t z = varint();
        value = static_cast<T>(static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1));
    }
    template <class E> void e(E &value)
    {
        int v = 0;
        u(v);
        value = static_cast<E>(v);
    }
    void b(bool &value) { value = byte() != 0; }
    void d(double &value) { value = std::bit_cast<double>(raw(8)); }
    void f(double &value) { value = std::bit_cast<float>(static_cast<std::uint32_t>(raw(4))); }
    void ratio(double &value) { value = static_cast<double>(varint()) / kRatioScale; }
    void word(std::string &value)
    {
        std::uint32_t index = 0;
        u(index);
        value = index < m_codec.m_words.size() ? m_codec.m_words[index] : std::string();
    }
    void text(std::string &value)
    {
        std::size_t n = 0;
        u(n);
        n = std::min(n, m_bytes.size() - m_at);
        value.assign(reinterpret_cast<const char *>(m_bytes.data() + m_at), n);
        m_at += n;
    }
    void count(std::size_t &n)
    {
        u(n);
        n = std::min(n, m_bytes.size() - m_at); // every element takes at least a byte
    }
    static std::vector<ThreadSlice> &slicesOf(std::size_t /*k*/, std::vector<ThreadSlice> &own) { return own; }

private:
    std::uint8_t byte() { return m_at < m_bytes.size() ? m_bytes[m_at++] : 0; }
    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = byte();
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                break;
        }
        return v;
    }
    std::uint64_t raw(int bytes)
    {
        std::uint64_t bits = 0;
        for (int k = 0; k < bytes; ++k)
            bits |= static_cast<std::uint64_t>(byte()) << (8 * k);
        return bits;
    }

    const SnapshotCodec &m_codec;
    std::span<const std::uint8_t> m_bytes;
    std::size_t m_at = 0;
};

namespace {

// One visitor per struct lists its fields once, in order: the Writer writes them and the Reader reads them
// back, so the two can never disagree. S is `const T` when writing, `T` when reading.

template <class Io, class Vec, class Fn> void each(Io &io, Vec &items, Fn visit)
{
    std::size_t n = items.size();
    io.count(n);
    if constexpr (Io::kReading)
        items.resize(n);
    for (auto &item : items)
        visit(item);
}

template <class Io, class S> void visitLatency(Io &io, S &l)
{
    io.u(l.count);
    io.d(l.p50);
    io.d(l.p90);
    io.d(l.p99);
    io.d(l.p999);
    io.d(l.max);
    io.d(l.mean);
}

template <class Io, class S> void visitSupervisor(Io &io, S &s)
{
    io.word(s.name);
    io.word(s.strategy);
    io.word(s.state);
    io.u(s.restarts);
    io.i(s.restartsInWindow);
    io.i(s.maxRestarts);
    io.d(s.maxSeconds);
    io.d(s.budgetInUse);
    each(io, s.children, [&](auto &child) { io.word(child); });
}

template <class Io, class S> void visitConsumer(Io &io, S &c)
{
    io.i(c.index);
    io.b(c.active);
    io.u(c.processed);
    io.u(c.failed);
    io.u(c.deadLettered);
    io.i(c.queueDepth);
    io.f(c.processedPerSec);
    io.ratio(c.busyRatio);
    io.ratio(c.ioWaitRatio);
    io.u(c.restarts);
    io.u(c.crashes);
    io.u(c.crashesInWindow);
    io.word(c.state);
}

template <class Io, class S> void visitProducer(Io &io, S &p)
{
    io.i(p.index);
    io.u(p.produced);
    io.u(p.dropped);
    io.u(p.batches);
    io.f(p.offeredPerSec);
    io.f(p.achievedPerSec);
    io.ratio(p.backpressureRatio);
}

template <class Io, class S> void visitEvent(Io &io, S &e)
{
    io.u(e.sequence);
    io.d(e.atS);
    io.e(e.kind);
    io.i(e.consumer);
    io.text(e.what);
}

/// A thread's slices in whole microseconds, each from the end of the one before.
template <class Io, class S> void visitSlices(Io &io, S &slices, double elapsedS)
{
    std::int64_t previousEnd = std::llround(elapsedS * 1e6);
    each(io, slices, [&](auto &slice) {
        std::int64_t gap = 0;
        std::uint64_t length = 0;
        if constexpr (!Io::kReading) {
            const std::int64_t start = std::llround(slice.startS * 1e6);
            gap = start - previousEnd;
            length = static_cast<std::uint64_t>(std::max<std::int64_t>(0, std::llround(slice.endS * 1e6) - start));
        }
        io.i(gap);
        io.u(length);
        io.i(slice.consumer);
        const std::int64_t start = previousEnd + gap;
        previousEnd = start + static_cast<std::int64_t>(length);
        if constexpr (Io::kReading) {
            slice.startS = static_cast<double>(start) / 1e6;
            slice.endS = static_cast<double>(previousEnd) / 1e6;
        }
    });
}

template <class Io, class S> void visitThread(Io &io, S &t, std::size_t k, double elapsedS)
{
    io.word(t.name);
    io.e(t.kind);
    io.b(t.running);
    io.ratio(t.utilisation);
    io.ratio(t.utilisationRun);
    visitSlices(io, io.slicesOf(k, t.recent), elapsedS);
}

template <class Io, class S> void visitHandover(Io &io, S &h)
{
    io.u(h.notified);
    io.u(h.signalled);
    io.u(h.wakeups);
    io.u(h.pollHits);
    io.u(h.sleeps);
    io.u(h.inlineRuns);
    io.u(h.inlineRefused);
    io.u(h.fanOutWakes);
    io.u(h.roundsCut);
    io.u(h.sweeps);
    io.i(h.sleepingNow);
}

template <class Io, class S> void visitLedger(Io &io, S &s)
{
    io.u(s.produced);
    io.u(s.processed);
    io.u(s.failed);
    io.u(s.retried);
    io.u(s.deadLettered);
    io.u(s.dropped);
    io.u(s.abandoned);
    io.i(s.inFlight);
    io.d(s.inFlightMean);
    io.d(s.inFlightMeanWindow);
    io.i(s.limit);
    io.i(s.limiterCount);
    io.i(s.limiterCountMax);
    io.u(s.limiterRefused);
    io.i(s.inFlightHigh);
    io.i(s.maxInFlightObserved);
    io.i(s.lost);
    io.b(s.safetyCapHit);
}

template <class Io, class S> void visitSupervision(Io &io, S &s)
{
    io.u(s.restarts);
    io.u(s.crashesRandom);
    io.u(s.crashesKilled);
    io.u(s.crashesHang);
    io.u(s.crashesException);
    io.u(s.exceptionsCaught);
    io.u(s.redelivered);
    io.u(s.escalations);
    io.u(s.pipelineRestarts);
    io.b(s.gaveUp);
    each(io, s.supervisors, [&](auto &supervisor) { visitSupervisor(io, supervisor); });
    visitLatency(io, s.recovery);
}

template <class Io, class S> void visitRates(Io &io, S &s)
{
    io.d(s.producedPerSec);
    io.d(s.processedPerSec);
    io.d(s.failedPerSec);
    io.d(s.droppedPerSec);
    io.d(s.deadLetteredPerSec);
    io.d(s.restartsPerSec);
    io.d(s.limiterRefusedPerSec);
    io.d(s.backpressureRatio);
    visitLatency(io, s.window);
    visitLatency(io, s.interval);
    visitLatency(io, s.cumulative);
    visitLatency(io, s.pacingLag);
    visitLatency(io, s.pacingLagCumulative);
    io.d(s.cpuPercent);
    visitHandover(io, s.handover);
    io.u(s.rssBytes);
}

template <class Io, class S> void visitSnapshot(Io &io, S &s)
{
    io.u(s.sequence);
    io.d(s.elapsedS);
    io.d(s.intervalS);
    io.d(s.windowS);
    io.d(s.windowGoalS);
    io.e(s.state);
    visitLedger(io, s);
    visitSupervision(io, s);
    visitRates(io, s);
    each(io, s.events, [&](auto &event) { visitEvent(io, event); });
    each(io, s.consumers, [&](auto &consumer) { visitConsumer(io, consumer); });
    each(io, s.producers, [&](auto &producer) { visitProducer(io, producer); });
    std::size_t k = 0;
    each(io, s.threads, [&](auto &thread) { visitThread(io, thread, k++, s.elapsedS); });
}

} // namespace

void SnapshotCodec::encode(
    const Snapshot &snapshot, std::vector<std::uint8_t> &out, const std::vector<std::vector<ThreadSlice>> *slices)
{
    Writer writer(*this, out);
    writer.setSlices(slices);
    visitSnapshot(writer, snapshot);
}

Snapshot SnapshotCodec::decode(std::span<const std::uint8_t> bytes) const
{
    Snapshot snapshot;
    Reader reader(*this, bytes);
    visitSnapshot(reader, snapshot);
    return snapshot;
}

std::size_t SnapshotCodec::tableBytes() const
{
    std::size_t bytes = 0;
    for (const auto &word : m_words)
        bytes += sizeof(std::string) + word.capacity() + 48; // the word, and its entry in the index
    return bytes;
}

std::uint32_t SnapshotCodec::intern(const std::string &word)
{
    const auto [it, added] = m_index.try_emplace(word, static_cast<std::uint32_t>(m_words.size()));
    if (added)
        m_words.push_back(word);
    return it->second;
}

} // namespace beam
