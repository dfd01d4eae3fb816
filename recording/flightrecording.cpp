// SPDX-License-Identifier: MIT
#include "recording/flightrecording.h"

#include "recording/recordingfile.h"

namespace beam {

bool saveRecording(
    const FlightRecorder &recorder, const RecordingInfo &info, const std::string &path, std::string &error)
{
    RecordingWriter writer;
    bool ok = writer.open(path);
    recorder.forEach([&](const Snapshot &snapshot) {
        ok = ok && writer.add(snapshot);
        return ok;
    });
    for (const auto &mark : recorder.marks())
        ok = ok && writer.add(mark);
    ok = ok && writer.finish(info);
    if (!ok)
        error = writer.error();
    return ok;
}

Recording recordingOf(const FlightRecorder &recorder, const RecordingInfo &info)
{
    Recording recording;
    recording.info = info;
    recorder.forEach([&](const Snapshot &snapshot) {
        recording.snapshots.push_back(snapshot);
        return true;
    });
    recording.marks = recorder.marks();
    return recording;
}

} // namespace beam
