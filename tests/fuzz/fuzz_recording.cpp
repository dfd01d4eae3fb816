// SPDX-License-Identifier: MIT
// libFuzzer target: bytes -> a file -> readRecording(), as --replay FILE reads one (Beam::recording; SQLite itself
// is Debian's library: it runs under ASan through our calls but its branches do not count as coverage). A
// recording that reads is then exported (CSV, Chrome trace) and written again.
//
// Input: a file's bytes. The target works in a fresh temporary directory (/tmp/beam-fuzz-rec-XXXXXX, removed at a
// normal exit) and writes every input to the same file there.
//
// Besides crashes, leaks, undefined behaviour and hangs, it aborts on a broken promise:
//  - a refusal is one non-empty line that starts with the file's name;
//  - a recording that reads has its times finite, its snapshots in time order, every thread slice ending after it
//    starts, every configuration valid and every verdict passed, failed or skipped;
//  - it exports to CSV and to a trace, and what was read is written and read back with as many snapshots, samples,
//    events and marks.
//
// BEAM_FUZZ_WRITE_SEEDS=FOLDER: writes the seeds' recordings into FOLDER and exits: valid-3-snapshots.db (the synthetic
// recording of tests/core/recordingsample.h, three snapshots) and no-snapshots.db (an empty one); docs/fuzzing.md
// says how the committed seeds were made from them.
#include "recording/export.h"
#include "recording/recordingfile.h"
#include "tests/core/recordingsample.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

using namespace beam;

void check(bool ok, const char *what, const std::string &detail = {})
{
    if (ok)
        return;
    std::fprintf(stderr, "fuzz_recording: broken promise: %s %s\n", what, detail.c_str());
    std::abort();
}

std::filesystem::path g_scratch; // the target's temporary directory

struct RemoveScratch {
    ~RemoveScratch()
    {
        std::error_code ignored;
        if (!g_scratch.empty())
            std::filesystem::remove_all(g_scratch, ignored);
    }
} g_removeScratch;

void writeBytes(const std::string &path, const std::uint8_t *data, std::size_t size)
{
    std::FILE *file = std::fopen(path.c_str(), "wb");
    if (!file || (size > 0 && std::fwrite(data, 1, size, file) != size) || std::fclose(file) != 0)
        std::abort();
}

void checkRecording(const Recording &r)
{
    double previous = 0;
    for (std::size_t i = 0; i < r.snapshots.size(); ++i) {
        const Snapshot &s = r.snapshots[i];
        check(std::isfinite(s.elapsedS) && s.elapsedS >= 0 && (i == 0 || s.elapsedS >= previous),
            "snapshots out of time order");
        previous = s.elapsedS;
        check(s.config.validate().empty(), "an invalid configuration was read");
        for (const auto &thread : s.threads) {
            for (const auto &slice : thread.recent)
                check(std::isfinite(slice.startS) && slice.endS >= slice.startS, "a slice ends before it starts");
        }
        for (const auto &event : s.events)
            check(std::isfinite(event.atS), "an event at no time");
    }
    for (const auto &mark : r.marks) {
        check(std::isfinite(mark.atS) && std::isfinite(mark.lessonS), "a mark at no time");
        if (mark.kind == LessonMark::Kind::Verdict)
            check(mark.verdict == "passed" || mark.verdict == "failed" || mark.verdict == "skipped", "a verdict",
                mark.verdict);
    }
}

std::size_t rows(const Recording &r)
{
    std::size_t count = r.snapshots.size() + r.marks.size();
    for (const auto &s : r.snapshots) {
        count += s.events.size() + s.consumers.size() + s.producers.size() + s.supervisors.size() + s.threads.size();
        for (const auto &thread : s.threads)
            count += thread.recent.size();
    }
    return count;
}

/// Exports what was read and writes it again: the copy must read back whole.
void checkExportsAndCopy(const std::string &path, const Recording &r)
{
    std::vector<std::string> written;
    std::string error;
    check(exportCsv(path, (g_scratch / "csv").string(), written, error), "the CSV export failed", error);
    check(!chromeTrace(r).empty(), "an empty trace");
    const std::string copy = (g_scratch / "copy.db").string();
    check(writeRecording(copy, r, error), "what was read cannot be written", error);
    const auto again = readRecording(copy, error);
    check(again.has_value(), "what was written cannot be read", error);
    check(rows(*again) == rows(r), "the copy has other rows");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    if (const char *folder = std::getenv("BEAM_FUZZ_WRITE_SEEDS")) {
        std::string error;
        const std::filesystem::path to(folder);
        const bool ok = writeRecording((to / "valid-3-snapshots.db").string(), test::sampleRecording(3, 1, 2, 2), error)
            && writeRecording((to / "no-snapshots.db").string(), Recording{}, error);
        if (!ok)
            std::fprintf(stderr, "%s\n", error.c_str());
        std::exit(ok ? 0 : 1);
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "beam-fuzz-rec-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        std::abort();
    g_scratch = pattern;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string path = (g_scratch / "fuzz.db").string();
    writeBytes(path, data, size);
    std::string error;
    const auto recording = readRecording(path, error);
    if (!recording) {
        check(!error.empty(), "refused without a reason");
        check(error.rfind(path + ": ", 0) == 0, "a refusal that does not name the file", error);
        check(error.find('\n') == std::string::npos && error.find('\r') == std::string::npos,
            "a refusal that spans lines", error);
        check(error.size() > path.size() + 2, "a refusal that says nothing", error);
        return 0;
    }
    check(error.empty(), "an error beside a recording", error);
    checkRecording(*recording);
    checkExportsAndCopy(path, *recording);
    return 0;
}
