// SPDX-License-Identifier: MIT
#pragma once

#include "core/snapshot.h"
#include "scenario/report.h"

#include <QFrame>

QT_BEGIN_NAMESPACE
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
    void showLittlesLaw(const LittlesLaw &law);
    /// The Little's law tile's rule, in words, with LittlesRule's numbers (its tooltip).
    [[nodiscard]] static QString littlesRuleText();
    Item m_items[static_cast<int>(Tile::Count)];
    QHBoxLayout *m_rows[2] = {};
    int m_perRow = 0;
};

} // namespace beam
