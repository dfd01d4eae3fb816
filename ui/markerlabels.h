// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace beam {

/// The label over one or more step markers on a chart.
struct MarkerLabel {
    QString text; ///< "3", or "3·4" for markers too close to label apart
    double centre = 0; ///< x of its centre, in the chart's pixels
    double width = 0; ///< as measured in the font it is drawn in
    QList<int> markers; ///< the markers it labels, indices into the input, in time order
    [[nodiscard]] double left() const { return centre - width / 2; }
    [[nodiscard]] double right() const { return centre + width / 2; }
};

/// Labels for step markers drawn at pixel positions `xs`, each reading `texts` (the same length), so that no two
/// overlap: markers closer than their labels' width plus `gap` share one label, their distinct texts joined by
/// "·" in time order ("3·4"; two steps under one caption read "3" once), centred over them. Each label is kept
/// within [left, right] (the plot's width). `width` measures a text in the labels' font. Pure; any thread.
[[nodiscard]] QList<MarkerLabel> layoutMarkerLabels(const QList<double> &xs, const QStringList &texts,
    const std::function<double(const QString &)> &width, double gap, double left, double right);

} // namespace beam
