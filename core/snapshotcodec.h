// SPDX-License-Identifier: MIT
#pragma once

#include "core/snapshot.h"

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace beam {

/// Packs a snapshot into a few kilobytes for the flight recorder, and back. Counts are variable-length integers,
/// the run's figures (tiles, latency, totals) keep every bit of their doubles, the per-consumer and per-producer
/// rates are kept as floats (7 significant digits: more than any view prints) and their shares of time (busy, I/O,
/// held back, a thread's utilisation) to 0.01 %. Names
/// and states come from a small table of the words seen (running, one_for_one, executor 0...). The
/// configuration is not packed: the recorder keeps each one once and gives its number.
///
/// Threads: one thread at a time (the recorder's lock).
class SnapshotCodec
{
public:
    /// Appends `snapshot`, configuration excepted, to `out`; with `slices`, those stand for its threads' own
    /// (one list per thread, in order).
    void encode(const Snapshot &snapshot, std::vector<std::uint8_t> &out,
        const std::vector<std::vector<ThreadSlice>> *slices = nullptr);
    /// The snapshot packed in `bytes` (its configuration left default). A record this codec did not write is
    /// a programming error: it is never read from outside the process (a recording file has its own reader).
    [[nodiscard]] Snapshot decode(std::span<const std::uint8_t> bytes) const;
    /// Bytes the table of words takes.
    [[nodiscard]] std::size_t tableBytes() const;

    /// What the visitor of snapshot.cpp's fields calls to write (see snapshotcodec.cpp).
    class Writer;
    /// ... and to read.
    class Reader;

private:
    friend class Writer;
    friend class Reader;
    std::uint32_t intern(const std::string &word);
    std::vector<std::string> m_words;
    std::unordered_map<std::string, std::uint32_t> m_index;
};

} // namespace beam
