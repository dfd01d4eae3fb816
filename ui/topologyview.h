// SPDX-License-Identifier: MIT
#pragma once

#include "enginebridge.h"
#include "visualstyle.h"

#include <QGraphicsView>

#include <algorithm>
#include <vector>

QT_BEGIN_NAMESPACE
class QFontMetricsF;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
QT_END_NAMESPACE

namespace beam {

/// The pipeline as a picture, and the hero of the window: producers -> limiter -> router -> consumers, each a
/// box that prints what Flink prints (rate, busy %, held back %, queue, restarts) and is filled with its state's
/// colour (visual::State), inside the frames of the supervisors that own them (pipeline around everything,
/// producers and consumers around their children, each saying in words how many restarts it allows in how
/// long). Arrows carry heads; the router says under it how it partitions (hash(key) mod N). Up to 4 producers and
/// up to 16 consumers get a box each; more get a compact grid of cells (4 to 32 to a row, whichever fills the
/// pane best), the consumers' with the busiest and the longest queue called out by name, the producers' with
/// how many are held back.
///
/// The diagram is laid out in pixels of the view's text size, in one row or with the consumers under the rest,
/// the column counts chosen so the diagram fills the pane, then scaled to fit it: a bigger pane draws bigger
/// text. A consumer is drawn DOWN only while it is down at the snapshot's instant; its crashes of the last
/// second are shown as a rate ("2 crashes/s", over the same second as every rate) with a thicker border. Clicking a
/// consumer asks for it to be killed. Threads: GUI thread only.
class TopologyView : public QGraphicsView
{
    Q_OBJECT

public:
    explicit TopologyView(QWidget *parent = nullptr);

    void showSnapshot(const Snapshot &snapshot);
    /// Colours for a light or dark window, and the text size in pixels before scaling to the pane. With
    /// `leastPx` (presentation mode), the text is never drawn smaller: a pane too small for the diagram at that
    /// size scrolls.
    void setLook(bool dark, int textPx, int leastPx = 0);
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
    /// The narrowest pane `height` pixels tall in which the diagram's text is drawn at full size (or as large
    /// as that height allows): what the window gives the topology on a projector.
    [[nodiscard]] int widthForFullSize(int height) const;

signals:
    void killRequested(int consumer);
    /// The producers or consumers changed in number: the diagram's shape, and the width it wants, with them.
    void shapeChanged();

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
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
    /// How the diagram is laid out: consumers (and a producers' grid) in so many columns, in one row or wrapped,
    /// each group's supervisor in a header of four lines or two.
    struct Shape {
        int columns = 1; ///< consumers: boxes or cells to a row
        int producerColumns = 1;
        bool wrapped = false; ///< the consumers under the rest rather than beside it
        bool producersTwoLines = false; ///< the producers' header in two lines (a wider frame, a shorter one)
        bool consumersTwoLines = false;
    };
    /// The sizes a layout is made of, in scene pixels at the view's text size, and the shape chosen for a pane.
    struct Plan {
        double px = 0;
        double pad = 0;
        double gap = 0;
        double lh = 0; ///< a line of text
        QSizeF producerSize;
        QSizeF limiterSize;
        QSizeF routerSize;
        QSizeF consumerSize;
        QSizeF cell; ///< a compact grid's
        double headerH = 0; ///< the pipeline's header
        double groupHeaderH = 0; ///< the producers' and the consumers' headers, in four lines
        double twoLineHeaderH = 0; ///< the same in two
        double producerGap = 0;
        double limiterGap = 0;
        double routerGap = 0;
        double rowGap = 0; ///< wrapped: between the first row and the consumers
        QSizeF wrappedRouterSize; ///< wrapped: how it partitions, written in the router's box under its rate
        QSizeF producersFrame;
        QSizeF consumersFrame;
        QSizeF total;
        Shape shape;
        bool restartsLine = false; ///< the consumers' boxes have a line for their restarts or crashes
        double scale = 0; ///< pane / diagram: what the text is drawn at, times the text size
        [[nodiscard]] QSizeF router(bool wrapped) const { return wrapped ? wrappedRouterSize : routerSize; }
        [[nodiscard]] double chainWidth(const QSizeF &producers, bool wrapped) const
        {
            return producers.width() + producerGap + limiterSize.width() + limiterGap + router(wrapped).width();
        }
        [[nodiscard]] double groupHeader(bool twoLines) const { return twoLines ? twoLineHeaderH : groupHeaderH; }
        [[nodiscard]] double rowHeight(const QSizeF &producers, bool wrapped) const
        {
            return std::max({producers.height(), limiterSize.height(), router(wrapped).height()});
        }
    };
    /// The settings and counts the boxes are sized for: the limiter's bound, the supervisors' intensities, the
    /// most restarts a consumer has had (at least three digits).
    struct Bounds {
        std::int64_t limit = 1000;
        int topRestarts = 3;
        int consumerRestarts = 200;
        double topSeconds = 5;
        double consumerSeconds = 1;
        std::uint64_t mostRestarts = 999;
        /// A consumer has restarted or crashed: the boxes need a line to count it (until then, three lines).
        bool restartsLine = false;
    };
    /// The widths the supervisors' headers need.
    struct HeaderWidths {
        double producers[2] = {}; ///< in four lines, in two
        double consumers[2] = {};
        double pipeline = 0;
    };
    [[nodiscard]] Bounds bounds() const;
    [[nodiscard]] Plan plan(const QSizeF &pane) const;
    /// Every shape the diagram can take with these counts, those with four-line headers first.
    [[nodiscard]] QList<Shape> shapes() const;
    /// The column counts and the shape (one row or wrapped) that draw the text largest in `pane`, and the
    /// frames' and the diagram's sizes for them.
    void chooseShape(Plan &p, const QSizeF &pane, const QFontMetricsF &fm, const HeaderWidths &headers) const;
    void rebuild();
    /// The producers in their frame at `producersRect`, a box each or the grid, with arrows to `limiterIn`.
    void placeProducers(const Plan &p, const QFontMetricsF &fm, const QRectF &producersRect, const QPointF &limiterIn);
    /// The consumers in their frame at `consumersRect`, a box each or the grid.
    void placeConsumers(const Plan &p, const QFontMetricsF &fm, const QRectF &consumersRect);
    void fit();
    Node makeNode(const QRectF &rect, bool gauge = false);
    /// Cells for `count` nodes in rows of `columns` from `origin`, each row labelled ("C0–7"), right of a
    /// column `labelW` wide.
    void makeGrid(std::vector<Node> &nodes, const QString &prefix, int count, int columns, const QPointF &origin,
        double labelW, bool clickable);
    Frame makeFrame(const QRectF &rect, double headerH);
    QGraphicsSimpleTextItem *makeText(const QString &text, const QPointF &at, bool bold = false);
    void arrow(const QPointF &from, const QPointF &to);
    void paintNode(Node &node, visual::State state, const QString &text);
    void paintFrame(Frame &frame, bool gaveUp, const QString &text);
    [[nodiscard]] bool compact() const { return m_consumerCount > kMaxBoxes; }
    [[nodiscard]] bool compactProducers() const { return m_producerCount > kMaxProducerBoxes; }
    void update(const Snapshot &s);
    void updateProducers(const Snapshot &s);
    void updateConsumers(const Snapshot &s);
    void updateSupervisors(const Snapshot &s);
    void relayOutIfOverflowing();

    static constexpr int kMaxBoxes = 16; ///< more consumers than this are drawn as a compact grid
    /// More producers than this are drawn as a compact grid: stacked, each box three lines tall, five made the
    /// diagram taller than it is wide and shrank its text below the projector's size.
    static constexpr int kMaxProducerBoxes = 4;

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
    QGraphicsSimpleTextItem *m_routerEdge = nullptr; ///< hash(key) mod N: under the router, or in its box
    QGraphicsSimpleTextItem *m_worst = nullptr; ///< compact grid: the busiest and the longest queue
    QGraphicsSimpleTextItem *m_producersHeld = nullptr; ///< compact producers: how many are held back
    std::vector<QGraphicsSimpleTextItem *> m_rowLabels;
    Shape m_shape; ///< the shape drawn
    bool m_restartsLine = false; ///< the boxes drawn have the restarts line
    int m_leastPx = 0; ///< text never drawn smaller (0: the diagram always fits its pane)
    QSize m_plannedFor; ///< the pane (without scroll bars) the diagram was laid out for
    std::shared_ptr<const Snapshot> m_last; ///< for a relayout on resize
    bool m_relaidOut = false;
};

} // namespace beam
