// SPDX-License-Identifier: MIT
#pragma once

#include "enginebridge.h"

#include <QGraphicsView>

#include <vector>

QT_BEGIN_NAMESPACE
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
QT_END_NAMESPACE

namespace beam {

/// The pipeline as a picture: producers -> limiter (a gauge of in flight against the limit) -> router ->
/// consumers, and the supervision tree below with each supervisor's restart budget as a gauge.
/// Consumers are coloured by their share of busy and idle time (Flink's scheme: blue idle, red busy, dark
/// when their queue holds the producers back), show queue depth and restarts, and flash when they crash.
/// Clicking a consumer asks for it to be killed. Threads: GUI thread only.
class TopologyView : public QGraphicsView
{
    Q_OBJECT

public:
    explicit TopologyView(QWidget *parent = nullptr);

    void showSnapshot(const Snapshot &snapshot);
    /// Redraws the frame in the current palette (after a light/dark switch).
    void refreshColours();
    /// The consumer drawn at a scene position, or -1.
    [[nodiscard]] int consumerAt(const QPointF &scenePos) const;
    /// Where consumer `index` is drawn (its centre, in view coordinates), for tests and tours.
    [[nodiscard]] QPoint consumerCentre(int index) const;
    [[nodiscard]] int consumerCount() const { return static_cast<int>(m_consumers.size()); }

signals:
    void killRequested(int consumer);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Node {
        QGraphicsRectItem *box = nullptr;
        QGraphicsRectItem *fill = nullptr; ///< gauges only
        QGraphicsSimpleTextItem *text = nullptr;
        std::uint64_t crashes = 0;
        int flash = 0;
    };
    Node makeNode(const QRectF &rect, const QString &text, bool gauge = false);
    void rebuild(int producers, int consumers);
    void setGauge(Node &node, double share, const QColor &colour);

    std::vector<Node> m_producers;
    std::vector<Node> m_consumers;
    Node m_limiter;
    Node m_router;
    std::vector<Node> m_supervisors;
    QGraphicsSimpleTextItem *m_banner = nullptr;
};

} // namespace beam
