// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPointF>

namespace beam {

/// Thins a time series for drawing: the x range is cut into `buckets` equal spans and each span keeps its
/// lowest and its highest point, in their time order (one point if they are the same). A spike survives, as
/// does every trough; what goes is the points a pixel column could not show apart anyway. The first and the
/// last point are always kept, so the line still starts and ends where the data does. A series with at most
/// two points per bucket comes back unchanged. `points` must be in increasing x.
QList<QPointF> decimateMinMax(const QList<QPointF> &points, int buckets);

} // namespace beam
