// SPDX-License-Identifier: MIT
#include "topologyview.h"

#include "axisticks.h"

#include <QGraphicsPolygonItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {
constexpr double kCrashShownS = 1.2; // a crash stays on screen this long, whatever the redraw rate

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
} // namespace

TopologyView::TopologyView(QWidget *parent)
    : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    setMinimumSize(280, 220);
    setToolTip(tr("Click a consumer to kill it: its supervisor restarts it and no event is lost."));
    rebuild();
}

void TopologyView::setLook(bool dark, int textPx)
{
    m_dark = dark;
    m_textPx = textPx;
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

void TopologyView::rebuild()
{
    scene()->clear();
    m_producers.clear();
    m_consumers.clear();
    m_rowLabels.clear();
    m_worst = nullptr;

    QFont f = font();
    f.setPixelSize(m_textPx);
    QFont bold = f;
    bold.setBold(true);
    const QFontMetricsF fm(f);
    const QFontMetricsF fmBold(bold);
    const double px = m_textPx;
    const double pad = px * 0.4;
    const double gap = px * 0.6;
    const double lh = fm.lineSpacing();
    const auto boxFor = [&](const QStringList &lines, double extra = 0) {
        double w = 0;
        for (const QString &l : lines)
            w = std::max(w, fm.horizontalAdvance(l));
        return QSizeF(std::ceil(w + 2 * pad), std::ceil(static_cast<double>(lines.size()) * lh + 2 * pad + extra));
    };
    // Boxes are sized for the widest number each line can print (see count()), so the layout is the same for a
    // slow run and a fast one; only the limiter's bound, a setting, sizes its box.
    std::int64_t limit = 1000;
    if (m_last)
        limit = std::max(limit, m_last->limit);
    const QSizeF producerSize = boxFor({tr("P%1").arg(m_producerCount - 1), kWidestRate, tr("held %1%").arg(100)});
    // Sized for the widest count the limiter can show: its threshold is 4,096 messages (MessageSlots::kCount).
    const QSizeF limiterSize
        = boxFor({tr("limiter"), tr("events %L1 / %L1").arg(limit), tr("slots %L1 / %L1").arg(4096)}, px * 0.45 + pad);
    const QSizeF routerSize = boxFor({tr("router"), kWidestRate});
    const QSizeF consumerSize = boxFor({QStringLiteral("C%1 ↻%2").arg(m_consumerCount - 1).arg(kWidestCount),
        tr("CRASHED"), tr("busy %1%").arg(100), tr("idle %1%").arg(100), tr("q %1").arg(kWidestCount)});
    const QSizeF cell(px * 1.3, px * 1.3);
    const double headerH = 2 * lh + 2 * pad;
    const QString routerEdgeText = tr("hash(key)\nmod %1").arg(m_consumerCount);
    const QString limiterEdgeText = kWidestRate;
    const double routerGap = fm.horizontalAdvance(tr("hash(key)")) + 0.8 * px;
    const double limiterGap = fm.horizontalAdvance(limiterEdgeText) + 0.8 * px;
    const double producerGap = 1.5 * px;

    // The producers' frame: a column of producers under a two-line header.
    const QString producerHeader = tr("producers sup.");
    const double producersW = std::max(producerSize.width(), fmBold.horizontalAdvance(producerHeader)) + 2 * pad;
    const double producersH = headerH + pad + m_producerCount * (producerSize.height() + gap) - gap + pad;

    // The consumers' frame: boxes in the column count that lets the diagram fill the pane best, or the grid.
    // Four short lines rather than two long ones: the header must not be what makes the diagram wide.
    const double consumerHeaderW
        = std::max({fm.horizontalAdvance(tr("consumers sup.")), fm.horizontalAdvance(QStringLiteral("rest_for_one")),
            fm.horizontalAdvance(tr("%1/%2 in %3 s").arg(99).arg(200).arg(1)),
            fm.horizontalAdvance(tr("crashes %L1").arg(99999))});
    const double consumerHeaderH = 4 * lh + 2 * pad;
    const double rowLabelW = fm.horizontalAdvance(QStringLiteral("C240–255")) + pad;
    const auto consumersSize = [&](int columns) {
        if (compact()) {
            const int rows = (m_consumerCount + columns - 1) / columns;
            const double w = std::max(rowLabelW + columns * (cell.width() + 2) - 2,
                fm.horizontalAdvance(tr("longest queue C%1 (%2)").arg(m_consumerCount - 1).arg(kWidestCount)));
            const double h = rows * (cell.height() + 2) - 2 + 2 * lh; // and the busiest, named below
            return QSizeF(std::max(w, consumerHeaderW) + 2 * pad, consumerHeaderH + pad + h + pad);
        }
        const int rows = (m_consumerCount + columns - 1) / columns;
        const double w = columns * (consumerSize.width() + gap) - gap;
        const double h = rows * (consumerSize.height() + gap) - gap;
        return QSizeF(std::max(w, consumerHeaderW) + 2 * pad, consumerHeaderH + pad + h + pad);
    };
    const double fixedW
        = pad + producersW + producerGap + limiterSize.width() + limiterGap + routerSize.width() + routerGap + pad;
    const QSizeF pane = QSizeF(viewport()->size()) - QSizeF(8, 8);
    int columns = 1;
    double bestScale = -1;
    // Boxes: any column count. The compact grid: rows of 4 to 32 cells, so its row labels stay round.
    QList<int> candidates;
    if (compact()) {
        for (int c : {4, 8, 16, 32})
            candidates << c;
    } else {
        for (int c = 1; c <= m_consumerCount; ++c)
            candidates << c;
    }
    for (int c : candidates) {
        const QSizeF cs = consumersSize(c);
        const double w = fixedW + cs.width();
        const double h = headerH + pad + std::max({producersH, cs.height(), limiterSize.height()}) + pad;
        const double scale = std::min(pane.width() / w, pane.height() / h);
        if (scale > bestScale + 1e-6) {
            bestScale = scale;
            columns = c;
        }
    }
    const QSizeF consumersFrame = consumersSize(columns);
    const double bodyH = std::max({producersH, consumersFrame.height(), limiterSize.height()});
    const double totalW = fixedW + consumersFrame.width();
    const double top = headerH + pad;
    const double middle = top + bodyH / 2;

    m_pipeline = makeFrame(QRectF(0, 0, totalW, top + bodyH + pad), headerH);

    // Producers.
    const QRectF producersRect(pad, middle - producersH / 2, producersW, producersH);
    m_producerSup = makeFrame(producersRect, headerH);
    const double limiterX = producersRect.right() + producerGap;
    const QRectF limiterRect(QPointF(limiterX, middle - limiterSize.height() / 2), limiterSize);
    for (int i = 0; i < m_producerCount; ++i) {
        const QRectF r(QPointF(producersRect.left() + pad,
                           producersRect.top() + headerH + pad + i * (producerSize.height() + gap)),
            producerSize);
        m_producers.push_back(makeNode(r));
        arrow(QPointF(r.right(), r.center().y()), QPointF(limiterRect.left(), middle));
    }

    m_limiter = makeNode(limiterRect, true);
    const QRectF routerRect(QPointF(limiterRect.right() + limiterGap, middle - routerSize.height() / 2), routerSize);
    arrow(QPointF(limiterRect.right(), middle), QPointF(routerRect.left(), middle));
    m_limiterEdge = makeText(QString(), QPointF(limiterRect.right() + px * 0.5, middle - lh - 4));
    m_router = makeNode(routerRect);

    const QRectF consumersRect(
        QPointF(routerRect.right() + routerGap, middle - consumersFrame.height() / 2), consumersFrame);
    arrow(QPointF(routerRect.right(), middle), QPointF(consumersRect.left(), middle));
    m_routerEdge = makeText(routerEdgeText, QPointF(routerRect.right() + px * 0.5, middle - 2 * lh - 4));
    m_consumerSup = makeFrame(consumersRect, consumerHeaderH);

    const QPointF origin = consumersRect.topLeft() + QPointF(pad, consumerHeaderH + pad);
    if (compact()) {
        for (int i = 0; i < m_consumerCount; ++i) {
            const int row = i / columns;
            const int col = i % columns;
            if (col == 0) {
                const int last = std::min(m_consumerCount, i + columns) - 1;
                m_rowLabels.push_back(makeText(QStringLiteral("C%1–%2").arg(i).arg(last),
                    origin + QPointF(0, row * (cell.height() + 2) + (cell.height() - lh) / 2)));
            }
            const QRectF r(origin + QPointF(rowLabelW + col * (cell.width() + 2), row * (cell.height() + 2)), cell);
            Node node;
            node.box = scene()->addRect(
                r, QPen(visual::ink(visual::Ink::Threshold, m_dark), 1), visual::fill(visual::State::Idle));
            node.box->setData(0, i);
            node.box->setCursor(Qt::PointingHandCursor);
            m_consumers.push_back(node);
        }
        const int rows = (m_consumerCount + columns - 1) / columns;
        m_worst = makeText(QString(), origin + QPointF(0, rows * (cell.height() + 2) + pad / 2));
    } else {
        const int rows = (m_consumerCount + columns - 1) / columns;
        for (int i = 0; i < m_consumerCount; ++i) {
            const int col = i / rows;
            const int row = i % rows;
            const QRectF r(origin + QPointF(col * (consumerSize.width() + gap), row * (consumerSize.height() + gap)),
                consumerSize);
            m_consumers.push_back(makeNode(r));
            m_consumers.back().box->setData(0, i);
            m_consumers.back().box->setCursor(Qt::PointingHandCursor);
        }
    }
    setSceneRect(scene()->itemsBoundingRect().adjusted(-4, -4, 4, 4));
    fit();
    if (m_last)
        update(*m_last);
}

void TopologyView::fit()
{
    fitInView(sceneRect(), Qt::KeepAspectRatio);
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
        return;
    }
    update(s);
}

void TopologyView::update(const Snapshot &s)
{
    using visual::State;
    for (std::size_t i = 0; i < m_producers.size() && i < s.producers.size(); ++i) {
        const auto &p = s.producers[i];
        const State state = s.gaveUp                      ? State::GaveUp
            : p.backpressureRatio >= 0.5                  ? State::Held
            : p.achievedPerSec > 0 || p.offeredPerSec > 0 ? State::Busy
                                                          : State::Idle;
        paintNode(m_producers[i], state,
            tr("P%1\n%2\nheld %3%").arg(p.index).arg(rate(p.achievedPerSec), percent(p.backpressureRatio)));
    }

    const double fullness = s.limit > 0 ? static_cast<double>(s.inFlight) / static_cast<double>(s.limit) : 0.0;
    paintNode(m_limiter,
        s.gaveUp              ? State::GaveUp
            : fullness >= 0.9 ? State::Held
                              : State::Idle,
        s.messageSlots > 0 ? tr("limiter\nevents %L1 / %L2\nslots %L3 / %L4")
                                 .arg(s.inFlight)
                                 .arg(s.limit)
                                 .arg(s.messagesInFlight)
                                 .arg(s.messageSlots)
                           : tr("limiter\nevents %L1 / %L2").arg(s.inFlight).arg(s.limit));
    const QRectF box = m_limiter.box->rect();
    const double pad = m_textPx * 0.4;
    const double h = m_textPx * 0.45;
    m_limiter.gauge->setRect(
        QRectF(box.left() + pad, box.bottom() - pad - h, (box.width() - 2 * pad) * std::clamp(fullness, 0.0, 1.0), h));
    m_limiterEdge->setText(rate(s.producedPerSec - s.droppedPerSec));
    paintNode(m_router,
        s.gaveUp                   ? State::GaveUp
            : s.producedPerSec > 0 ? State::Busy
                                   : State::Idle,
        tr("router\n%1").arg(rate(s.producedPerSec - s.droppedPerSec)));
    m_routerEdge->setText(tr("hash(key)\nmod %1").arg(m_consumerCount));

    if (s.elapsedS < m_lastElapsedS)
        m_crashSeen.clear(); // a new run: its counts start again from zero
    m_lastElapsedS = s.elapsedS;
    int busiest = -1;
    double busiestShare = -1;
    int longest = -1;
    std::int64_t longestQueue = -1;
    for (const auto &c : s.consumers) {
        if (!c.active || c.index >= static_cast<int>(m_consumers.size()))
            continue;
        Node &node = m_consumers[static_cast<std::size_t>(c.index)];
        if (m_crashSeen.size() <= static_cast<std::size_t>(c.index))
            m_crashSeen.resize(static_cast<std::size_t>(c.index) + 1, {c.crashes, -1});
        CrashSeen &seen = m_crashSeen[static_cast<std::size_t>(c.index)];
        if (c.crashes > seen.crashes)
            seen.flashUntilS = s.elapsedS + kCrashShownS;
        seen.crashes = c.crashes;
        const bool crashed = s.elapsedS < seen.flashUntilS;
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
        if (crashed && state != State::GaveUp)
            doing = tr("CRASHED"); // the word and a thick border for a while; the fill keeps the live state
        const QString restarts
            = c.restarts > 0 ? QStringLiteral(" ↻%1").arg(count(static_cast<double>(c.restarts))) : QString();
        paintNode(node, state,
            tr("C%1%2\n%3\nq %4").arg(c.index).arg(restarts, doing, count(static_cast<double>(c.queueDepth))));
        // The crash border is drawn in the fill's text colour, so it shows on the fill in light and dark mode.
        node.box->setPen(crashed ? QPen(visual::textOn(state), 4)
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

    for (const auto &sup : s.supervisors) {
        Frame *frame = sup.name == "pipeline" ? &m_pipeline : sup.name == "producers" ? &m_producerSup : &m_consumerSup;
        const bool gaveUp = sup.state == "gave_up";
        QString name = QString::fromStdString(sup.name);
        QString second = gaveUp
            ? tr("GAVE UP: Reset to start again")
            : tr("budget %1/%2 in %3 s").arg(sup.restartsInWindow).arg(sup.maxRestarts).arg(sup.maxSeconds);
        if (frame == &m_pipeline) {
            name = tr("pipeline supervisor · %1").arg(QString::fromStdString(sup.strategy));
            second += tr(" · escalations %1").arg(s.escalations);
        } else if (frame == &m_consumerSup) {
            name = tr("consumers sup.");
            if (gaveUp)
                second = tr("GAVE UP\ncrashes %L1").arg(s.crashes());
            else
                second = tr("%1\n%2/%3 in %4 s\ncrashes %L5")
                             .arg(QString::fromStdString(sup.strategy))
                             .arg(sup.restartsInWindow)
                             .arg(sup.maxRestarts)
                             .arg(sup.maxSeconds)
                             .arg(s.crashes());
        } else {
            name = tr("producers sup.");
            second = gaveUp ? tr("GAVE UP")
                            : tr("%1/%2 in %3 s").arg(sup.restartsInWindow).arg(sup.maxRestarts).arg(sup.maxSeconds);
        }
        paintFrame(*frame, gaveUp, name + QLatin1Char('\n') + second);
    }

    // A number that outgrew its box: lay out again (from this snapshot, so it fits with room to spare).
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
    rebuild(); // the column count that fills the pane depends on its shape
}

} // namespace beam
