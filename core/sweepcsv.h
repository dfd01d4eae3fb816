// SPDX-License-Identifier: MIT
#pragma once

#include "core/sweep.h"

#include <string>
#include <vector>

namespace beam {

/// The CSV of a sweep (`--sweep-csv`): a header line, then one line per point, model beside measurement.
/// Columns (docs/sweep.md): param, value, offered_per_sec, rho_model, fit, capacity_model, capacity_stage,
/// throughput_model, throughput_measured, throughput_measured_min, throughput_measured_max, w_model_us,
/// w_model_p99_us, w_measured_us, w_measured_min_us, w_measured_max_us, p99_measured_us, overhead_us,
/// bottleneck_share, cores, repeats. Measured columns are means over the repeats; a figure the model does not
/// give (W when saturated or when crashes dominate, an unlimited rate) and an overhead not measured are empty
/// cells, never inf or nan. Lines end in "\n".
std::string sweepCsv(const std::vector<SweepPoint> &points);

} // namespace beam
