// SPDX-License-Identifier: MIT
#include "topologyview.h"

#include "axisticks.h"

#include <QGraphicsPolygonItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QScrollBar>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {

QString percent(double share)
{
    return QString::number(std::lround(std::clamp(share, 0.0, 1.0) * 100));
}

// Numbers that grow with the run (rates, queues, restarts) are printed the way the axes print them once they
// pass four digits ("9,999/s", then "10k/s", "412k/s", "1.2M/s"), so no number is ever wider than the
// templates below and the boxes, sized for those, do not depend on how fast this run goes. Otherwise a fast
// run widened the boxes, the diagram shrank to fit, and its text fell under the projector's 19 px.
QString count(double value)
{
    const double v = std::max(0.0, value);
    return v < 10'000 ? QStringLiteral("%L1").arg(std::llround(v)) : ticks::format(v, ticks::Unit::Plain);
}
QString rate(double perSec)
{
    return count(perSec) + QStringLiteral("/s");
}
// The widest each can print: three digits, a point and the widest unit letter.
const QString kWidestCount = QStringLiteral("99.9M");
const QString kWidestRate = QStringLiteral("99.9M/s");

/// The widest of `lines` in `fm`.
double widestLine(const QFontMetricsF &fm, const QStringList &lines)
{
    double w = 0;
    for (const QString &l : lines)
        w = std::max(w, fm.horizontalAdvance(l));
    return w;
}

/// The producers' supervisor's header: in four lines for a narrow frame, in two for a wide one.
QString producersHeader(bool twoLines, const QString &used, const QString &window, bool gaveUp)
{
    if (twoLines)
        return TopologyView::tr("producers supervisor\n%1")
            .arg(gaveUp ? TopologyView::tr("GAVE UP") : used + QLatin1Char(' ') + window);
    return gaveUp ? TopologyView::tr("producers\nsupervisor\nGAVE UP")
                  : TopologyView::tr("producers\nsupervisor\n%1\n%2").arg(used, window);
}

/// The consumers' supervisor's header, the same way.
QString consumersHeader(bool twoLines, const QString &strategy, const QString &crashes, const QString &used,
    const QString &window, bool gaveUp)
{
    if (twoLines)
        return gaveUp
            ? TopologyView::tr("consumers supervisor · GAVE UP\ncrashes %1").arg(crashes)
            : TopologyView::tr("consumers supervisor · %1\ncrashes %2 · %3 %4").arg(strategy, crashes, used, window);
    return gaveUp
        ? TopologyView::tr("consumers supervisor\nGAVE UP\ncrashes %1").arg(crashes)
        : TopologyView::tr("consumers supervisor\n%1, crashes %2\n%3\n%4").arg(strategy, crashes, used, window);
}

/// The column counts tried for `count` nodes. Boxes: any column count. A compact grid: rows of 4 to 32 cells,
/// so its row labels stay round.
QList<int> columnCandidates(bool grid, int count)
{
    QList<int> out;
    if (grid) {
        for (int c : {4, 8, 16, 32}) {
            if (c / 2 < count)
                out << c;
        }
    } else {
        for (int c = 1; c <= count; ++c)
            out << c;
    }
    return out;
}
} // namespace

TopologyView::TopologyView(QWidget *parent)
    : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    // Scroll bars only where the diagram is drawn larger than its pane (text kept at its least size).
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setFrameShape(QFrame::NoFrame);
    setMinimumSize(280, 220);
    setToolTip(tr("Click a consumer to kill it: its supervisor restarts it and no event is lost."));
    rebuild();
}

void TopologyView::setLook(bool dark, int textPx, int leastPx)
{
    m_dark = dark;
    m_textPx = textPx;
    m_leastPx = leastPx;
    setBackgroundBrush(visual::chartBackground(dark));
    rebuild();
}

QGraphicsSimpleTextItem *TopologyView::makeText(const QString &text, const QPointF &at, bool bold)
{
    QFont f = font();
    f.setPixelSize(m_textPx);
    f.setBold(bold);
    auto *item = scene()->addSimpleText(text, f);
    item->setPos(at);
    item->setBrush(visual::textOnBackground(m_dark));
    return item;
}

TopologyView::Node TopologyView::makeNode(const QRectF &rect, bool gauge)
{
    Node node;
    node.box = scene()->addRect(
        rect, QPen(visual::ink(visual::Ink::Threshold, m_dark), 1.5), visual::fill(visual::State::Idle));
    const double pad = m_textPx * 0.4;
    node.text = makeText(QString(), rect.topLeft() + QPointF(pad, pad));
    node.text->setParentItem(node.box);
    node.text->setPos(rect.topLeft() + QPointF(pad, pad));
    node.text->setBrush(visual::textOn(visual::State::Idle)); // text on a fill takes the fill's text colour
    if (gauge) {
        const double h = m_textPx * 0.45;
        auto *track = scene()->addRect(
            QRectF(rect.left() + pad, rect.bottom() - pad - h, rect.width() - 2 * pad, h), QPen(Qt::black, 1));
        track->setParentItem(node.box);
        node.gauge
            = scene()->addRect(QRectF(rect.left() + pad, rect.bottom() - pad - h, 0, h), Qt::NoPen, QBrush(Qt::black));
        node.gauge->setParentItem(node.box);
    }
    return node;
}

TopologyView::Frame TopologyView::makeFrame(const QRectF &rect, double headerH)
{
    Frame frame;
    frame.frame
        = scene()->addRect(rect, QPen(visual::ink(visual::Ink::Threshold, m_dark), 1.5, Qt::DashLine), Qt::NoBrush);
    frame.frame->setZValue(-2);
    frame.header = scene()->addRect(QRectF(rect.topLeft(), QSizeF(rect.width(), headerH)),
        QPen(visual::ink(visual::Ink::Threshold, m_dark), 1.5), visual::fill(visual::State::Idle));
    frame.header->setZValue(-1);
    const double pad = m_textPx * 0.4;
    frame.text = makeText(QString(), rect.topLeft() + QPointF(pad, pad));
    frame.text->setParentItem(frame.header); // drawn on the header's fill, in the fill's text colour
    frame.text->setBrush(visual::textOn(visual::State::Idle));
    return frame;
}

void TopologyView::arrow(const QPointF &from, const QPointF &to)
{
    const QColor colour = visual::ink(visual::Ink::Threshold, m_dark);
    const double head = m_textPx * 0.6;
    const QLineF line(from, to);
    const QPointF unit = (to - from) / std::max(1e-9, line.length());
    const QPointF normal(-unit.y(), unit.x());
    const QPointF base = to - unit * head;
    scene()->addLine(QLineF(from, base), QPen(colour, 2));
    scene()->addPolygon(
        QPolygonF{to, base + normal * head * 0.5, base - normal * head * 0.5}, QPen(colour, 1), QBrush(colour));
}

void TopologyView::makeGrid(std::vector<Node> &nodes, const QString &prefix, int count, int columns,
    const QPointF &origin, double labelW, bool clickable)
{
    const QSizeF cell(m_textPx * 1.3, m_textPx * 1.3);
    QFont f = font();
    f.setPixelSize(m_textPx);
    const double lh = QFontMetricsF(f).lineSpacing();
    for (int i = 0; i < count; ++i) {
        const int row = i / columns;
        const int col = i % columns;
        if (col == 0) {
            const int last = std::min(count, i + columns) - 1;
            m_rowLabels.push_back(makeText(QStringLiteral("%1%2–%3").arg(prefix).arg(i).arg(last),
                origin + QPointF(0, row * (cell.height() + 2) + (cell.height() - lh) / 2)));
        }
        const QRectF r(origin + QPointF(labelW + col * (cell.width() + 2), row * (cell.height() + 2)), cell);
        Node node;
        node.box = scene()->addRect(
            r, QPen(visual::ink(visual::Ink::Threshold, m_dark), 1), visual::fill(visual::State::Idle));
        if (clickable) {
            node.box->setData(0, i);
            node.box->setCursor(Qt::PointingHandCursor);
        }
        nodes.push_back(node);
    }
}

TopologyView::Bounds TopologyView::bounds() const
{
    Bounds b;
    // Restarts only grow: their line is sized for three digits, or for the most any consumer has had, so a
    // storm of restarts widens the boxes once, on the snapshot that needs it, not a quiet run's from the start.
    if (m_last) {
        b.limit = std::max(b.limit, m_last->limit);
        for (const auto &sup : m_last->supervisors) {
            if (sup.name == "consumers") {
                b.consumerRestarts = std::max(b.consumerRestarts, sup.maxRestarts);
                b.consumerSeconds = sup.maxSeconds;
            } else {
                b.topRestarts = std::max(b.topRestarts, sup.maxRestarts);
                b.topSeconds = sup.maxSeconds;
            }
        }
        for (const auto &c : m_last->consumers) {
            b.mostRestarts = std::max(b.mostRestarts, c.restarts);
            b.restartsLine = b.restartsLine || c.restarts > 0 || c.crashesInWindow > 0;
        }
    }
    return b;
}

TopologyView::Plan TopologyView::plan(const QSizeF &pane) const
{
    Plan p;
    QFont f = font();
    f.setPixelSize(m_textPx);
    const QFontMetricsF fm(f);
    p.px = m_textPx;
    p.pad = p.px * 0.4;
    p.gap = p.px * 0.6;
    p.lh = fm.lineSpacing();
    const double pad = p.pad;
    const double lh = p.lh;
    const auto widest = [&](const QStringList &lines) { return widestLine(fm, lines); };
    const auto boxFor = [&](const QStringList &lines, int lineCount, double extra = 0) {
        return QSizeF(std::ceil(widest(lines) + 2 * pad), std::ceil(lineCount * lh + 2 * pad + extra));
    };
    // Boxes are sized for the widest number each line can print (see count()), so the layout is the same for a
    // slow run and a fast one; only settings (the limiter's bound, the supervisors' intensities) size theirs.
    const Bounds b = bounds();
    const std::int64_t limit = b.limit;
    p.producerSize = boxFor({tr("P%1").arg(m_producerCount - 1), kWidestRate, tr("held %1%").arg(100)}, 3);
    // The limiter_node's count against its threshold, and what it refuses: one mechanism, its own numbers.
    p.limiterSize = boxFor({tr("limiter_node"), tr("count %L1").arg(limit), tr("threshold %L1").arg(limit),
                               tr("refused %1").arg(kWidestRate)},
        4, p.px * 0.45 + pad);
    p.routerSize = boxFor({tr("router"), kWidestRate}, 2);
    p.consumerSize
        = boxFor({QStringLiteral("C%1").arg(m_consumerCount - 1), tr("DOWN"), tr("busy %1%").arg(100),
                     tr("idle %1%").arg(100), tr("queue %1").arg(kWidestCount),
                     tr("restarts %1").arg(count(static_cast<double>(b.mostRestarts))), tr("%1 crashes/s").arg(99)},
            b.restartsLine ? 4 : 3);
    p.restartsLine = b.restartsLine;
    p.cell = QSizeF(p.px * 1.3, p.px * 1.3);
    p.headerH = 2 * lh + 2 * pad; // the pipeline's
    p.groupHeaderH = 4 * lh + 2 * pad; // the producers' and the consumers', in four lines
    p.twoLineHeaderH = 2 * lh + 2 * pad; // or in two
    p.producerGap = 1.5 * p.px;
    p.limiterGap = 1.5 * p.px; // the router prints the rate admitted: the arrow needs no label
    // How the router partitions is written under it (or beside it), so its arrow needs no room for that.
    p.routerGap = 1.5 * p.px;
    p.rowGap = p.px; // room for the arrow down from the router
    // Wrapped, the consumers are under the router: how it partitions goes in its box, not beside it (the row
    // would be wider than the consumers under it).
    p.wrappedRouterSize = boxFor({tr("router"), kWidestRate, tr("hash(key)"), tr("mod %1").arg(m_consumerCount)}, 4);

    // The supervisors' headers say in words how many restarts each allows in how long: four lines in a narrow
    // frame, two in a wide one (whichever lets the diagram be drawn larger).
    const QString window = tr("allowed in %1 s");
    HeaderWidths headers;
    for (const bool twoLines : {false, true}) {
        double producers = 0;
        double consumers = 0;
        for (const bool gaveUp : {false, true}) {
            producers = std::max(producers,
                widest(producersHeader(
                    twoLines, tr("restarts %L1 of %L1").arg(b.topRestarts), window.arg(b.topSeconds), gaveUp)
                           .split(QLatin1Char('\n'))));
            consumers = std::max(consumers,
                widest(consumersHeader(twoLines, QStringLiteral("rest_for_one"), kWidestCount,
                    tr("restarts %L1 of %L1").arg(b.consumerRestarts), window.arg(b.consumerSeconds), gaveUp)
                           .split(QLatin1Char('\n'))));
        }
        headers.producers[twoLines ? 1 : 0] = producers;
        headers.consumers[twoLines ? 1 : 0] = consumers;
    }
    headers.pipeline = widest({tr("pipeline supervisor · %1").arg(QStringLiteral("rest_for_one")),
        tr("restarts %L1 of %L1").arg(b.topRestarts) + QLatin1Char(' ') + window.arg(b.topSeconds)
            + tr(" · escalations %1").arg(kWidestCount),
        tr("GAVE UP: Reset to start again") + tr(" · escalations %1").arg(kWidestCount)});
    chooseShape(p, pane, fm, headers);
    return p;
}

void TopologyView::chooseShape(Plan &p, const QSizeF &pane, const QFontMetricsF &fm, const HeaderWidths &headers) const
{
    const double pad = p.pad;
    const double lh = p.lh;
    // A compact grid: rows of `columns` cells after a column of row labels, and lines of text under it.
    const auto gridSize = [&](const QString &prefix, int count, int columns, const QStringList &under) {
        const int rows = (count + columns - 1) / columns;
        const double labelW = fm.horizontalAdvance(QStringLiteral("%1%2–%2").arg(prefix).arg(count - 1)) + pad;
        const double w = std::max(labelW + columns * (p.cell.width() + 2) - 2, widestLine(fm, under));
        return QSizeF(w, rows * (p.cell.height() + 2) - 2 + static_cast<double>(under.size()) * lh);
    };
    const QStringList producersUnder{tr("held back %1 of %1").arg(m_producerCount)};
    const QStringList consumersUnder{tr("busiest C%1 (%2%)").arg(m_consumerCount - 1).arg(100),
        tr("longest queue C%1 (%2)").arg(m_consumerCount - 1).arg(kWidestCount)};

    // The producers' frame: a column of boxes, or the grid, under a header of four lines or two.
    const auto producersSize = [&](int columns, bool twoLines) {
        QSizeF body;
        if (compactProducers())
            body = gridSize(QStringLiteral("P"), m_producerCount, columns, producersUnder);
        else
            body = QSizeF(p.producerSize.width(), m_producerCount * (p.producerSize.height() + p.gap) - p.gap);
        return QSizeF(std::max(body.width(), headers.producers[twoLines ? 1 : 0]) + 2 * pad,
            p.groupHeader(twoLines) + pad + body.height() + pad);
    };
    // The consumers' frame: boxes in the column count that lets the diagram fill the pane best, or the grid.
    const auto consumersSize = [&](int columns, bool twoLines) {
        QSizeF body;
        if (compact()) {
            body = gridSize(QStringLiteral("C"), m_consumerCount, columns, consumersUnder);
        } else {
            const int rows = (m_consumerCount + columns - 1) / columns;
            body = QSizeF(
                columns * (p.consumerSize.width() + p.gap) - p.gap, rows * (p.consumerSize.height() + p.gap) - p.gap);
        }
        return QSizeF(std::max(body.width(), headers.consumers[twoLines ? 1 : 0]) + 2 * pad,
            p.groupHeader(twoLines) + pad + body.height() + pad);
    };
    // Two shapes: one row (producers, limiter, router, consumers), or the consumers under the rest, for a pane
    // narrower than the row; whichever draws the text larger.
    const auto diagram = [&](bool wrapped, const QSizeF &producers, const QSizeF &consumers) {
        QSizeF body;
        if (wrapped)
            body = QSizeF(std::max(p.chainWidth(producers, true), consumers.width()),
                p.rowHeight(producers, true) + p.rowGap + consumers.height());
        else
            body = QSizeF(p.chainWidth(producers, false) + p.routerGap + consumers.width(),
                std::max(p.rowHeight(producers, false), consumers.height()));
        return QSizeF(std::max(body.width(), headers.pipeline) + 2 * pad, p.headerH + pad + body.height() + pad);
    };
    // Four-line headers first: two lines are taken only where they draw the text clearly larger.
    p.scale = -1;
    for (const Shape &shape : shapes()) {
        const QSizeF d = diagram(shape.wrapped, producersSize(shape.producerColumns, shape.producersTwoLines),
            consumersSize(shape.columns, shape.consumersTwoLines));
        const double scale = std::min(pane.width() / d.width(), pane.height() / d.height());
        if (scale > p.scale * 1.02) { // a new shape must be clearly better: no flipping on a pixel
            p.scale = scale;
            p.shape = shape;
        }
    }
    p.producersFrame = producersSize(p.shape.producerColumns, p.shape.producersTwoLines);
    p.consumersFrame = consumersSize(p.shape.columns, p.shape.consumersTwoLines);
    p.total = diagram(p.shape.wrapped, p.producersFrame, p.consumersFrame);
}

QList<TopologyView::Shape> TopologyView::shapes() const
{
    QList<Shape> out;
    for (const bool twoLines : {false, true}) {
        for (const bool wrapped : {false, true}) {
            for (const int pc : compactProducers() ? columnCandidates(true, m_producerCount) : QList<int>{1}) {
                for (const int c : columnCandidates(compact(), m_consumerCount)) {
                    out.append({c, pc, wrapped, twoLines, false});
                    if (twoLines) {
                        out.append({c, pc, wrapped, false, true});
                        out.append({c, pc, wrapped, true, true});
                    }
                }
            }
        }
    }
    return out;
}

int TopologyView::widthForFullSize(int height) const
{
    // The scale grows with the width until the height binds: the narrowest width that reaches full size, or,
    // where the height never lets it, the narrowest that reaches what the height allows.
    // The view's margins: the pane rebuild() plans for is the viewport less 8, the scene the diagram and 8
    // more, and fitInView() keeps a few pixels of its own.
    const QSizeF margin(24, 24);
    const auto scaleAt = [&](double width) { return plan(QSizeF(width, height) - margin).scale; };
    const double widest = 4096;
    const double target = std::min(1.0, scaleAt(widest) * 0.999);
    double low = 100;
    double high = widest;
    if (scaleAt(low) >= target)
        return static_cast<int>(low);
    while (high - low > 4) {
        const double mid = (low + high) / 2;
        (scaleAt(mid) >= target ? high : low) = mid;
    }
    return static_cast<int>(std::ceil(high));
}

void TopologyView::rebuild()
{
    scene()->clear();
    m_producers.clear();
    m_consumers.clear();
    m_rowLabels.clear();
    m_worst = nullptr;
    m_producersHeld = nullptr;

    // The pane with no scroll bar: one shown where the text would otherwise be too small does not change it.
    m_plannedFor = maximumViewportSize();
    const Plan p = plan(QSizeF(m_plannedFor) - QSizeF(8, 8));
    m_shape = p.shape;
    m_restartsLine = p.restartsLine;
    QFont f = font();
    f.setPixelSize(m_textPx);
    const QFontMetricsF fm(f);
    const double pad = p.pad;
    const double top = p.headerH + pad;
    const bool wrapped = p.shape.wrapped;
    const double rowH = p.rowHeight(p.producersFrame, wrapped);
    // One row: everything on the middle line. Wrapped: the first row's middle, the consumers under it.
    const double bodyH = p.total.height() - top - pad;
    const double middle = p.shape.wrapped ? top + rowH / 2 : top + bodyH / 2;
    const double chainW
        = p.chainWidth(p.producersFrame, wrapped) + (wrapped ? 0.0 : p.routerGap + p.consumersFrame.width());
    const double left
        = p.shape.wrapped ? pad : (p.total.width() - chainW) / 2; // a wider header: the chain in the middle

    m_pipeline = makeFrame(QRectF(QPointF(0, 0), p.total), p.headerH);

    // Producers.
    const QRectF producersRect(
        left, middle - p.producersFrame.height() / 2, p.producersFrame.width(), p.producersFrame.height());
    m_producerSup = makeFrame(producersRect, p.groupHeader(p.shape.producersTwoLines));
    const double limiterX = producersRect.right() + p.producerGap;
    const QRectF limiterRect(QPointF(limiterX, middle - p.limiterSize.height() / 2), p.limiterSize);
    placeProducers(p, fm, producersRect, QPointF(limiterRect.left(), middle));

    m_limiter = makeNode(limiterRect, true);
    const QRectF routerRect(
        QPointF(limiterRect.right() + p.limiterGap, middle - p.router(wrapped).height() / 2), p.router(wrapped));
    arrow(QPointF(limiterRect.right(), middle), QPointF(routerRect.left(), middle));
    m_router = makeNode(routerRect);
    m_routerEdge = makeText(tr("hash(key)\nmod %1").arg(m_consumerCount), {});
    QRectF consumersRect;
    if (p.shape.wrapped) {
        // Under the router where it can be, the arrow straight down; how it partitions, beside the router.
        const double x = std::clamp(routerRect.center().x() - p.consumersFrame.width() / 2, pad,
            p.total.width() - pad - p.consumersFrame.width());
        consumersRect = QRectF(QPointF(x, top + rowH + p.rowGap), p.consumersFrame);
        arrow(QPointF(routerRect.center().x(), routerRect.bottom()),
            QPointF(routerRect.center().x(), consumersRect.top()));
        m_routerEdge->setParentItem(m_router.box); // drawn on its fill, in the fill's text colour (update())
        m_routerEdge->setPos(routerRect.topLeft() + QPointF(pad, pad + 2 * p.lh)); // in the box, under the rate
    } else {
        consumersRect = QRectF(
            QPointF(routerRect.right() + p.routerGap, middle - p.consumersFrame.height() / 2), p.consumersFrame);
        arrow(QPointF(routerRect.right(), middle), QPointF(consumersRect.left(), middle));
        m_routerEdge->setPos(
            routerRect.center().x() - m_routerEdge->boundingRect().width() / 2, routerRect.bottom() + pad);
    }
    m_consumerSup = makeFrame(consumersRect, p.groupHeader(p.shape.consumersTwoLines));

    placeConsumers(p, fm, consumersRect);
    setSceneRect(scene()->itemsBoundingRect().adjusted(-4, -4, 4, 4));
    fit();
    if (m_last)
        update(*m_last);
}

void TopologyView::placeProducers(
    const Plan &p, const QFontMetricsF &fm, const QRectF &producersRect, const QPointF &limiterIn)
{
    const double pad = p.pad;
    const double middle = limiterIn.y();
    const QPointF producersOrigin
        = producersRect.topLeft() + QPointF(pad, p.groupHeader(p.shape.producersTwoLines) + pad);
    if (compactProducers()) {
        const double labelW = fm.horizontalAdvance(QStringLiteral("P%1–%1").arg(m_producerCount - 1)) + pad;
        makeGrid(
            m_producers, QStringLiteral("P"), m_producerCount, p.shape.producerColumns, producersOrigin, labelW, false);
        const int rows = (m_producerCount + p.shape.producerColumns - 1) / p.shape.producerColumns;
        m_producersHeld = makeText(QString(), producersOrigin + QPointF(0, rows * (p.cell.height() + 2) - 2));
        arrow(QPointF(producersRect.right(), middle), limiterIn);
    } else {
        for (int i = 0; i < m_producerCount; ++i) {
            const QRectF r(producersOrigin + QPointF(0, i * (p.producerSize.height() + p.gap)), p.producerSize);
            m_producers.push_back(makeNode(r));
            arrow(QPointF(r.right(), r.center().y()), limiterIn);
        }
    }
}

void TopologyView::placeConsumers(const Plan &p, const QFontMetricsF &fm, const QRectF &consumersRect)
{
    const double pad = p.pad;
    const QPointF origin = consumersRect.topLeft() + QPointF(pad, p.groupHeader(p.shape.consumersTwoLines) + pad);
    if (compact()) {
        const double labelW = fm.horizontalAdvance(QStringLiteral("C%1–%1").arg(m_consumerCount - 1)) + pad;
        makeGrid(m_consumers, QStringLiteral("C"), m_consumerCount, p.shape.columns, origin, labelW, true);
        const int rows = (m_consumerCount + p.shape.columns - 1) / p.shape.columns;
        m_worst = makeText(QString(), origin + QPointF(0, rows * (p.cell.height() + 2) - 2));
    } else {
        const int rows = (m_consumerCount + p.shape.columns - 1) / p.shape.columns;
        for (int i = 0; i < m_consumerCount; ++i) {
            const int col = i / rows;
            const int row = i % rows;
            const QRectF r(
                origin + QPointF(col * (p.consumerSize.width() + p.gap), row * (p.consumerSize.height() + p.gap)),
                p.consumerSize);
            m_consumers.push_back(makeNode(r));
            m_consumers.back().box->setData(0, i);
            m_consumers.back().box->setCursor(Qt::PointingHandCursor);
        }
    }
}

void TopologyView::fit()
{
    // The whole diagram in the pane, unless that draws its text under the least size: then at that size, the
    // pane scrolled where it was (to the top left at first).
    const QPoint scrolled(horizontalScrollBar()->value(), verticalScrollBar()->value());
    fitInView(sceneRect(), Qt::KeepAspectRatio);
    const double least = m_leastPx > 0 ? static_cast<double>(m_leastPx) / m_textPx : 0.0;
    if (transform().m11() < least - 1e-9) {
        setTransform(QTransform::fromScale(least, least));
        horizontalScrollBar()->setValue(scrolled.x());
        verticalScrollBar()->setValue(scrolled.y());
    }
}

void TopologyView::paintNode(Node &node, visual::State state, const QString &text)
{
    if (node.state != state || node.box->brush().color() != visual::fill(state)) {
        node.state = state;
        node.box->setBrush(visual::fill(state));
        if (node.text)
            node.text->setBrush(visual::textOn(state));
    }
    if (node.text && node.text->text() != text)
        node.text->setText(text);
}

void TopologyView::paintFrame(Frame &frame, bool gaveUp, const QString &text)
{
    const visual::State state = gaveUp ? visual::State::GaveUp : visual::State::Idle;
    frame.header->setBrush(visual::fill(state));
    frame.text->setBrush(visual::textOn(state));
    if (frame.text->text() != text)
        frame.text->setText(text);
}

void TopologyView::showSnapshot(const Snapshot &s)
{
    m_last = std::make_shared<const Snapshot>(s);
    const int producers = std::max<int>(1, static_cast<int>(s.producers.size()));
    const int consumers = std::max<int>(1,
        static_cast<int>(
            std::count_if(s.consumers.begin(), s.consumers.end(), [](const auto &c) { return c.active; })));
    if (producers != m_producerCount || consumers != m_consumerCount) {
        m_producerCount = producers;
        m_consumerCount = consumers;
        rebuild(); // updates from m_last
        emit shapeChanged();
        return;
    }
    if (bounds().restartsLine != m_restartsLine) {
        rebuild(); // the first restart or crash: the consumers' boxes get the line that counts them
        emit shapeChanged();
        return;
    }
    update(s);
}

void TopologyView::update(const Snapshot &s)
{
    using visual::State;
    updateProducers(s);

    // The limiter_node's own count against its threshold (the bound), and the events it refused over the last
    // second: yellow ("held back / full") while it refuses, which is what holds the producers back.
    const double fullness = s.limit > 0 ? static_cast<double>(s.limiterCount) / static_cast<double>(s.limit) : 0.0;
    paintNode(m_limiter,
        s.gaveUp                         ? State::GaveUp
            : s.limiterRefusedPerSec > 0 ? State::Held
                                         : State::Idle,
        tr("limiter_node\ncount %L1\nthreshold %L2\nrefused %3")
            .arg(s.limiterCount)
            .arg(s.limit)
            .arg(rate(s.limiterRefusedPerSec)));
    const QRectF box = m_limiter.box->rect();
    const double pad = m_textPx * 0.4;
    const double h = m_textPx * 0.45;
    m_limiter.gauge->setRect(
        QRectF(box.left() + pad, box.bottom() - pad - h, (box.width() - 2 * pad) * std::clamp(fullness, 0.0, 1.0), h));
    paintNode(m_router,
        s.gaveUp                   ? State::GaveUp
            : s.producedPerSec > 0 ? State::Busy
                                   : State::Idle,
        tr("router\n%1").arg(rate(s.producedPerSec - s.droppedPerSec)));
    m_routerEdge->setText(tr("hash(key)\nmod %1").arg(m_consumerCount));
    // In the router's box (wrapped), on its fill: the fill's text colour.
    m_routerEdge->setBrush(m_shape.wrapped ? visual::textOn(m_router.state) : visual::textOnBackground(m_dark));

    updateConsumers(s);
    updateSupervisors(s);
    relayOutIfOverflowing();
}

/// The producers' boxes or cells, and how many are held back.
void TopologyView::updateProducers(const Snapshot &s)
{
    using visual::State;
    int held = 0;
    for (std::size_t i = 0; i < m_producers.size() && i < s.producers.size(); ++i) {
        const auto &p = s.producers[i];
        const State state = s.gaveUp                      ? State::GaveUp
            : p.backpressureRatio >= 0.5                  ? State::Held
            : p.achievedPerSec > 0 || p.offeredPerSec > 0 ? State::Busy
                                                          : State::Idle;
        held += state == State::Held ? 1 : 0;
        paintNode(m_producers[i], state,
            tr("P%1\n%2\nheld %3%").arg(p.index).arg(rate(p.achievedPerSec), percent(p.backpressureRatio)));
        if (compactProducers())
            m_producers[i].box->setToolTip(
                tr("P%1: %2, %3, held back %4% of the time")
                    .arg(p.index)
                    .arg(visual::name(state), rate(p.achievedPerSec), percent(p.backpressureRatio)));
    }
    if (m_producersHeld)
        m_producersHeld->setText(tr("held back %1 of %2").arg(held).arg(m_producerCount));
}

/// The consumers' boxes or cells, and in a grid the busiest and the longest queue by name.
void TopologyView::updateConsumers(const Snapshot &s)
{
    using visual::State;
    int busiest = -1;
    double busiestShare = -1;
    int longest = -1;
    std::int64_t longestQueue = -1;
    for (const auto &c : s.consumers) {
        if (!c.active || c.index >= static_cast<int>(m_consumers.size()))
            continue;
        Node &node = m_consumers[static_cast<std::size_t>(c.index)];
        // A crash is an event: the box says DOWN only while the consumer is down at the snapshot's instant
        // (a restart takes microseconds), and counts the crashes of the last second in words, so the share of
        // boxes marked down is the share of time consumers really are down.
        const bool crashed = c.crashesInWindow > 0;
        const double idle = std::max(0.0, 1.0 - c.busyRatio - c.ioWaitRatio);
        State state = State::Idle;
        QString doing = tr("idle %1%").arg(percent(idle));
        if (s.gaveUp) {
            state = State::GaveUp;
            doing = tr("GAVE UP");
        } else if (c.state == "down") {
            state = State::Down;
            doing = tr("DOWN");
        } else if (c.state == "hung") {
            state = State::Hung;
            doing = tr("HUNG");
        } else if (c.busyRatio >= c.ioWaitRatio && c.busyRatio > idle) {
            state = State::Busy;
            doing = tr("busy %1%").arg(percent(c.busyRatio));
        } else if (c.ioWaitRatio > idle) {
            state = State::IoWait;
            doing = tr("I/O %1%").arg(percent(c.ioWaitRatio));
        }
        if (c.busyRatio + c.ioWaitRatio > busiestShare) {
            busiestShare = c.busyRatio + c.ioWaitRatio;
            busiest = c.index;
        }
        if (c.queueDepth > longestQueue) {
            longestQueue = c.queueDepth;
            longest = c.index;
        }
        // While it crashes, its crashes per second (the last second, as every rate); else its restarts so far.
        const QString restarts = crashed && state != State::GaveUp ? QLatin1Char('\n')
                + (c.crashesInWindow == 1 ? tr("1 crash/s")
                                          : tr("%1 crashes/s").arg(count(static_cast<double>(c.crashesInWindow))))
            : c.restarts > 0 ? QLatin1Char('\n') + tr("restarts %1").arg(count(static_cast<double>(c.restarts)))
                             : QString();
        paintNode(node, state,
            tr("C%1\n%2\nqueue %3").arg(c.index).arg(doing, count(static_cast<double>(c.queueDepth))) + restarts);
        // The crash border is drawn in the fill's text colour, so it shows on the fill in light and dark mode.
        node.box->setPen(crashed ? QPen(visual::textOn(state), 2.5)
                                 : QPen(visual::ink(visual::Ink::Threshold, m_dark), compact() ? 1 : 1.5));
        node.box->setToolTip(tr("C%1: %2, busy %3%, I/O %4%, queue %L5, restarts %6, processed %L7")
                                 .arg(c.index)
                                 .arg(visual::name(state))
                                 .arg(percent(c.busyRatio), percent(c.ioWaitRatio))
                                 .arg(c.queueDepth)
                                 .arg(c.restarts)
                                 .arg(c.processed));
    }
    if (m_worst && busiest >= 0)
        m_worst->setText(tr("busiest C%1 (%2%)\nlongest queue C%3 (%4)")
                             .arg(busiest)
                             .arg(percent(busiestShare))
                             .arg(longest)
                             .arg(count(static_cast<double>(longestQueue))));
}

/// Each supervisor's frame: its strategy, and its intensity in words.
void TopologyView::updateSupervisors(const Snapshot &s)
{
    // Each supervisor's intensity in words: restarts in its window of the most it allows, then it gives up.
    for (const auto &sup : s.supervisors) {
        Frame *frame = sup.name == "pipeline" ? &m_pipeline : sup.name == "producers" ? &m_producerSup : &m_consumerSup;
        const bool gaveUp = sup.state == "gave_up";
        const QString strategy = QString::fromStdString(sup.strategy);
        const QString used = tr("restarts %L1 of %L2").arg(sup.restartsInWindow).arg(sup.maxRestarts);
        const QString window = tr("allowed in %1 s").arg(sup.maxSeconds);
        QString text;
        if (frame == &m_pipeline) {
            text = tr("pipeline supervisor · %1").arg(strategy) + QLatin1Char('\n')
                + (gaveUp ? tr("GAVE UP: Reset to start again") : used + QLatin1Char(' ') + window)
                + tr(" · escalations %1").arg(count(static_cast<double>(s.escalations)));
        } else if (frame == &m_consumerSup) {
            text = consumersHeader(
                m_shape.consumersTwoLines, strategy, count(static_cast<double>(s.crashes())), used, window, gaveUp);
        } else {
            text = producersHeader(m_shape.producersTwoLines, used, window, gaveUp);
        }
        paintFrame(*frame, gaveUp, text);
    }
}

/// A number that outgrew its box: lay out again (from this snapshot, so it fits with room to spare).
void TopologyView::relayOutIfOverflowing()
{
    bool overflow = false;
    const auto check = [&](const Node &n) {
        if (n.text && n.text->boundingRect().width() > n.box->rect().width() - m_textPx * 0.6)
            overflow = true;
    };
    for (const Node &n : m_producers)
        check(n);
    for (const Node &n : m_consumers)
        check(n);
    check(m_limiter);
    check(m_router);
    for (const Frame *frame : {&m_pipeline, &m_producerSup, &m_consumerSup}) {
        if (frame->text->boundingRect().width() > frame->header->rect().width() - m_textPx * 0.6)
            overflow = true; // an intensity set higher than the layout was sized for
    }
    if (overflow && !m_relaidOut) {
        m_relaidOut = true; // once per snapshot
        QTimer::singleShot(0, this, [this] {
            rebuild();
            m_relaidOut = false;
        });
    }
}

visual::State TopologyView::consumerState(int index) const
{
    if (index < 0 || index >= static_cast<int>(m_consumers.size()))
        return visual::State::Idle;
    return m_consumers[static_cast<std::size_t>(index)].state;
}

QString TopologyView::consumerText(int index) const
{
    if (index < 0 || index >= static_cast<int>(m_consumers.size())
        || !m_consumers[static_cast<std::size_t>(index)].text)
        return {};
    return m_consumers[static_cast<std::size_t>(index)].text->text();
}

QRect TopologyView::diagramRect() const
{
    return mapFromScene(scene()->itemsBoundingRect()).boundingRect();
}

QStringList TopologyView::texts() const
{
    QStringList out;
    for (const QGraphicsItem *item : scene()->items()) {
        if (const auto *text = qgraphicsitem_cast<const QGraphicsSimpleTextItem *>(item))
            out << text->text();
    }
    return out;
}

int TopologyView::consumerAt(const QPointF &scenePos) const
{
    for (const QGraphicsItem *item : scene()->items(scenePos)) {
        for (const QGraphicsItem *i = item; i; i = i->parentItem()) {
            if (i->data(0).isValid())
                return i->data(0).toInt();
        }
    }
    return -1;
}

QPoint TopologyView::consumerCentre(int index) const
{
    if (index < 0 || index >= static_cast<int>(m_consumers.size()))
        return {};
    return mapFromScene(m_consumers[static_cast<std::size_t>(index)].box->sceneBoundingRect().center());
}

void TopologyView::mousePressEvent(QMouseEvent *event)
{
    const int consumer = consumerAt(mapToScene(event->position().toPoint()));
    if (consumer >= 0)
        emit killRequested(consumer);
    QGraphicsView::mousePressEvent(event);
}

void TopologyView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    // The column count that fills the pane depends on its shape. A scroll bar coming or going resizes the
    // viewport too, not the pane the plan is made for: nothing to lay out again.
    if (maximumViewportSize() != m_plannedFor)
        rebuild();
}

} // namespace beam
