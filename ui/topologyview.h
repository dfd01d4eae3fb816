// SPDX-License-Identifier: MIT
#pragma once

#include "enginebridge.h"
#include "visualstyle.h"

#include <QGraphicsView>

#include <vector>

QT_BEGIN_NAMESPACE
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
QT_END_NAMESPACE

namespace beam {

/// The pipeline as a picture, and the hero of the window: producers -> limiter -> router -> consumers, each a
/// box that prints what Flink prints (rate, busy %, held back %, queue depth) and is filled with its state's
/// colour (visual::State), inside the frames of the supervisors that own them (pipeline around everything,
/// producers and consumers around their children). Arrows carry heads and rates; the router's edge says how
/// it partitions (hash(key) mod N). Up to 16 consumers get a box each; more get a compact grid of cells (4 to 32
/// to a row, whichever fills the pane best) with the busiest and the longest queue called out by name.
///
/// The diagram is laid out in pixels of the view's text size, the grid's column count chosen so the diagram
/// fills the pane, then scaled to fit it: a bigger pane draws bigger text. A crash paints its consumer "down"
/// with the word CRASHED for at least a second and counts it. Clicking a consumer asks for it to be killed.
/// Threads: GUI thread only.
class TopologyView : public QGraphicsView
{
    Q_OBJECT

public:
    explicit TopologyView(QWidget *parent = nullptr);

    void showSnapshot(const Snapshot &snapshot);
    /// Colours for a light or dark window, and the text size in pixels before scaling to the pane.
    void setLook(bool dark, int textPx);
    /// The consumer drawn at a scene position, or -1.
    [[nodiscard]] int consumerAt(const QPointF &scenePos) const;
    /// Where consumer `index` is drawn (its centre, in view coordinates), for tests and tours.
    [[nodiscard]] QPoint consumerCentre(int index) const;
    [[nodiscard]] int consumerCount() const { return static_cast<int>(m_consumers.size()); }
    /// The state a consumer is drawn in (for tests: colour and text must agree with the engine).
    [[nodiscard]] visual::State consumerState(int index) const;
    [[nodiscard]] QString consumerText(int index) const;
    /// Where the diagram is drawn, in viewport coordinates.
    [[nodiscard]] QRect diagramRect() const;
    /// The text of every node, edge and frame, for tests.
    [[nodiscard]] QStringList texts() const;

signals:
    void killRequested(int consumer);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    /// What a consumer's crash count was and until when its last crash is shown. Kept apart from the nodes,
    /// which a relayout makes anew: a node that forgot its count would show every consumer CRASHED at once.
    struct CrashSeen {
        std::uint64_t crashes = 0;
        double flashUntilS = -1; ///< snapshot time until which a crash is shown
    };
    std::vector<CrashSeen> m_crashSeen;
    double m_lastElapsedS = -1;

    struct Node {
        QGraphicsRectItem *box = nullptr;
        QGraphicsRectItem *gauge = nullptr; ///< the limiter's share of slots in use
        QGraphicsSimpleTextItem *text = nullptr;
        visual::State state = visual::State::Idle;
    };
    struct Frame {
        QGraphicsRectItem *frame = nullptr;
        QGraphicsRectItem *header = nullptr;
        QGraphicsSimpleTextItem *text = nullptr;
    };
    void rebuild();
    void fit();
    Node makeNode(const QRectF &rect, bool gauge = false);
    Frame makeFrame(const QRectF &rect, double headerH);
    QGraphicsSimpleTextItem *makeText(const QString &text, const QPointF &at, bool bold = false);
    void arrow(const QPointF &from, const QPointF &to);
    void paintNode(Node &node, visual::State state, const QString &text);
    void paintFrame(Frame &frame, bool gaveUp, const QString &text);
    [[nodiscard]] bool compact() const { return m_consumerCount > kMaxBoxes; }
    void update(const Snapshot &s);

    static constexpr int kMaxBoxes = 16; ///< more consumers than this are drawn as a compact grid

    int m_producerCount = 1;
    int m_consumerCount = 8;
    int m_textPx = visual::kDeskTextPx;
    bool m_dark = false;
    std::vector<Node> m_producers;
    std::vector<Node> m_consumers;
    Node m_limiter;
    Node m_router;
    Frame m_pipeline;
    Frame m_producerSup;
    Frame m_consumerSup;
    QGraphicsSimpleTextItem *m_routerEdge = nullptr; ///< hash(key) mod N
    QGraphicsSimpleTextItem *m_limiterEdge = nullptr; ///< the rate admitted
    QGraphicsSimpleTextItem *m_worst = nullptr; ///< compact grid: the busiest and the longest queue
    std::vector<QGraphicsSimpleTextItem *> m_rowLabels;
    std::shared_ptr<const Snapshot> m_last; ///< for a relayout on resize
    bool m_relaidOut = false;
};

} // namespace beam
