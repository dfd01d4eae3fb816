// SPDX-License-Identifier: MIT
#pragma once

#include "core/sweep.h"

#include <string>
#include <vector>

namespace beam {

/// What a sweep's chart says besides its points: the sweep, the base configuration and how it was run.
struct SweepChartSource {
    PipelineConfig base; ///< the configuration the sweep varies one setting of
    SweepSpec spec; ///< the sweep
    SweepOptions options; ///< warm-up, measured seconds, repeats
};

/// A self-contained SVG (900 x 560, text 14 px and up) of a sweep (`--sweep-svg`): the swept value across, W in
/// microseconds up; the model's mean W as a curve (sweepModelCurve(); dashed near saturation, a shaded gap where
/// the model draws no W), each point's measured mean W with a bar from its lowest to its highest repeat, its
/// measured p99, a legend, both axes labelled with units, a title naming the sweep and the base configuration.
/// Each measured point is an element with class "measured-w" (and "measured-p99") whose data-value attribute is
/// its value and data-w-us its figure, for a program reading the file back.
std::string sweepSvg(const SweepChartSource &source, const std::vector<SweepPoint> &points);

} // namespace beam
