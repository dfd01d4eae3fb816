// SPDX-License-Identifier: MIT
#include "core/recording.h"

namespace beam {

std::string_view toString(LessonMark::Kind kind)
{
    switch (kind) {
    case LessonMark::Kind::Start:
        return "start";
    case LessonMark::Kind::Step:
        return "step";
    case LessonMark::Kind::Caption:
        return "caption";
    case LessonMark::Kind::Verdict:
        return "verdict";
    case LessonMark::Kind::End:
        return "end";
    }
    return "mark";
}

} // namespace beam
