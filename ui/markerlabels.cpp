// SPDX-License-Identifier: MIT
#include "markerlabels.h"

#include <algorithm>
#include <numeric>

namespace beam {

QList<MarkerLabel> layoutMarkerLabels(const QList<double> &xs, const QStringList &texts,
    const std::function<double(const QString &)> &width, double gap, double left, double right)
{
    QList<int> order(std::min(xs.size(), texts.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&xs](int a, int b) { return xs[a] < xs[b]; });
    // A label's text and place follow from the markers it holds: centred over them, inside the plot.
    const auto settle = [&](MarkerLabel &label) {
        QStringList distinct;
        for (int i : label.markers) {
            if (!distinct.contains(texts[i]))
                distinct << texts[i];
        }
        label.text = distinct.join(QChar(0x00B7));
        label.width = width(label.text);
        const double first = xs[label.markers.first()];
        const double last = xs[label.markers.last()];
        const double half = label.width / 2;
        label.centre = right - left >= label.width ? std::clamp((first + last) / 2, left + half, right - half)
                                                   : (left + right) / 2;
    };
    // Left to right; a label that would overlap the one before it joins it, and the joined label, wider and
    // moved, is checked against the one before that in turn.
    QList<MarkerLabel> labels;
    for (int i : order) {
        MarkerLabel next;
        next.markers = {i};
        settle(next);
        labels << next;
        while (labels.size() >= 2 && labels[labels.size() - 2].right() + gap > labels.last().left()) {
            MarkerLabel joined = labels.takeLast();
            MarkerLabel &before = labels.last();
            before.markers << joined.markers;
            settle(before);
        }
    }
    return labels;
}

} // namespace beam
