// SPDX-License-Identifier: MIT
#pragma once

#include "core/snapshot.h"
#include "scenario/report.h"

#include <QFrame>

QT_BEGIN_NAMESPACE
class QFontMetrics;
class QHBoxLayout;
class QLabel;
QT_END_NAMESPACE

namespace beam {

/// Big numbers for the back row (Grafana's Stat panel): processed per second, p99 latency, in flight now
/// against the limit, restarts, lost, and Little's law, each one number with its unit under a one-line title.
/// A tile's background changes only where a threshold means something (lost above 0, the limiter full, the
/// supervision tree gave up) and says it in words too. Threads: GUI thread only.
class StatTiles : public QFrame
{
    Q_OBJECT

public:
    enum class Tile { Throughput, LatencyP99, InFlight, Restarts, Lost, Little, Count };

    explicit StatTiles(QWidget *parent = nullptr);

    void showSnapshot(const Snapshot &snapshot, const LittlesLaw &law);
    [[nodiscard]] QString value(Tile tile) const;
    [[nodiscard]] QString detail(Tile tile) const;
    /// The tile's tone: "", "good", "warn" or "bad" (a dynamic property the stylesheet colours).
    [[nodiscard]] QString tone(Tile tile) const;
    /// Tiles to a row: six, or three in two rows where six do not fit the width (the controls and a lesson
    /// beside them on a projector).
    [[nodiscard]] int perRow() const { return m_perRow; }
    /// As narrow as two rows of three can be: the tiles never make the window wider than its screen.
    [[nodiscard]] QSize minimumSizeHint() const override;
    /// The values as the tiles print them: a rate ("9.99k/s"), a latency ("1.06 ms").
    [[nodiscard]] static QString rateText(double perSec);
    [[nodiscard]] static QString latencyText(double us);
    /// The widest value `tile` can print (for the in-flight tile, against `limit`), in the font `fm` measures:
    /// what its value's width is kept at, so that no value is ever cut and no tile changes width with the run.
    /// Empty for the tiles whose values are words or sized as they come (restarts, lost, Little's law).
    [[nodiscard]] static QString widestValue(Tile tile, std::int64_t limit, const QFontMetrics &fm);
    /// The label that shows `tile`'s value (for tests).
    [[nodiscard]] const QLabel *valueLabel(Tile tile) const { return m_items[static_cast<int>(tile)].value; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    /// The narrowest the tiles `from` .. `to` - 1 can be side by side.
    [[nodiscard]] int rowWidth(int from, int to) const;
    void arrange(int perRow);
    /// Six to a row where they fit the width, else two rows of three.
    void fitRows();
    struct Item {
        QFrame *frame = nullptr;
        QLabel *title = nullptr;
        QLabel *value = nullptr;
        QLabel *detail = nullptr;
    };
    void set(Tile tile, const QString &value, const QString &detail, const QString &tone = {});
    /// Keeps each value's label as wide as the widest value it can print, in the font it has now.
    void reserveWidths(std::int64_t limit);
    /// A value's label at least as wide as its reserved width and its text.
    void fitValue(Tile tile);
    void showLittlesLaw(const LittlesLaw &law);
    /// The Little's law tile's rule, in words, with LittlesRule's numbers (its tooltip).
    [[nodiscard]] static QString littlesRuleText();
    Item m_items[static_cast<int>(Tile::Count)];
    QHBoxLayout *m_rows[2] = {};
    int m_perRow = 0;
    int m_reserved[static_cast<int>(Tile::Count)] = {}; ///< each value's width, in pixels, for its widest value
    /// The values drawn in the stylesheet's smaller size for them, to stay six to a row.
    void setTight(bool on);
    bool m_tight = false;
    bool m_fitting = false; ///< fitRows() is deciding
    double m_tightRatio = 1; ///< the values' size over the smaller one, measured on the way in
    int m_reservedPx = 0; ///< the value font's size the widths were reserved for
    std::int64_t m_reservedLimit = -1; ///< and the in-flight limit
};

} // namespace beam
