// SPDX-License-Identifier: MIT
#include "topologyview.h"

#include <QApplication>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {
constexpr double kNodeW = 74;
constexpr double kNodeH = 46;
constexpr double kGap = 8;
constexpr int kFlashFrames = 10; // about half a second at 20 redraws a second

/// Flink's colouring: idle blue, busy red; back-pressured (a full queue holding producers back) darker.
QColor busyColour(double busy, bool backpressured)
{
    const double t = std::clamp(busy, 0.0, 1.0);
    QColor c = QColor::fromRgbF(
        static_cast<float>(0.25 + 0.7 * t), static_cast<float>(0.45 - 0.25 * t), static_cast<float>(0.85 - 0.65 * t));
    return backpressured ? c.darker(170) : c;
}
} // namespace

TopologyView::TopologyView(QWidget *parent)
    : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(420, 300);
    setToolTip(tr("Click a consumer to kill it: its supervisor restarts it and no event is lost."));
    rebuild(1, 8);
}

TopologyView::Node TopologyView::makeNode(const QRectF &rect, const QString &text, bool gauge)
{
    Node node;
    node.box = scene()->addRect(rect, QPen(QApplication::palette().color(QPalette::WindowText), 1.2),
        QBrush(QApplication::palette().color(QPalette::Base)));
    if (gauge) {
        node.fill = scene()->addRect(QRectF(rect.left(), rect.top(), 0, rect.height()), Qt::NoPen, QBrush(Qt::green));
        node.fill->setParentItem(node.box);
    }
    node.text = scene()->addSimpleText(text);
    node.text->setParentItem(node.box);
    node.text->setPos(rect.left() + 4, rect.top() + 2);
    node.text->setBrush(QApplication::palette().color(QPalette::WindowText));
    return node;
}

void TopologyView::rebuild(int producers, int consumers)
{
    scene()->clear();
    m_producers.clear();
    m_consumers.clear();
    m_supervisors.clear();
    const QPen arrow(palette().color(QPalette::Mid), 1.5);

    const int columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(consumers / 2.0))));
    const int rows = (consumers + columns - 1) / columns;
    const double height = std::max({producers, rows, 3}) * (kNodeH + kGap);
    const double middle = height / 2;

    for (int i = 0; i < producers; ++i) {
        const double y = middle - producers * (kNodeH + kGap) / 2 + i * (kNodeH + kGap);
        m_producers.push_back(makeNode(QRectF(0, y, kNodeW, kNodeH), tr("P%1").arg(i)));
        scene()->addLine(kNodeW, y + kNodeH / 2, 120, middle, arrow);
    }
    m_limiter = makeNode(QRectF(120, middle - kNodeH / 2, 110, kNodeH), tr("limiter"), true);
    scene()->addLine(230, middle, 260, middle, arrow);
    m_router = makeNode(QRectF(260, middle - kNodeH / 2, kNodeW, kNodeH), tr("router"));
    const double left = 260 + kNodeW + 40;
    for (int i = 0; i < consumers; ++i) {
        const int col = i / rows;
        const int row = i % rows;
        const double y = middle - rows * (kNodeH + kGap) / 2 + row * (kNodeH + kGap);
        const QRectF rect(left + col * (kNodeW + kGap), y, kNodeW, kNodeH);
        if (col == 0)
            scene()->addLine(260 + kNodeW, middle, rect.left(), y + kNodeH / 2, arrow);
        m_consumers.push_back(makeNode(rect, tr("C%1").arg(i)));
        m_consumers.back().box->setData(0, i);
        m_consumers.back().box->setCursor(Qt::PointingHandCursor);
    }

    const double treeTop = height + 24;
    const QStringList names{tr("pipeline"), tr("producers"), tr("consumers")};
    const QList<QPointF> at{{150, treeTop}, {40, treeTop + 70}, {260, treeTop + 70}};
    for (int i = 0; i < names.size(); ++i)
        m_supervisors.push_back(makeNode(QRectF(at[i], QSizeF(170, 50)), names[i], true));
    scene()->addLine(235, treeTop + 50, 125, treeTop + 70, arrow);
    scene()->addLine(235, treeTop + 50, 345, treeTop + 70, arrow);
    m_banner = scene()->addSimpleText(QString());
    m_banner->setPos(40, treeTop + 130);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_banner->setFont(big);
    m_banner->setBrush(QColor(200, 30, 30));
    m_banner->setText(tr("ESCALATED: the supervision tree gave up")); // the frame fits its longest text
    setSceneRect(scene()->itemsBoundingRect().adjusted(-10, -10, 10, 10));
    m_banner->setText(QString());
    fitInView(sceneRect(), Qt::KeepAspectRatio);
}

void TopologyView::setGauge(Node &node, double share, const QColor &colour)
{
    const QRectF r = node.box->rect();
    node.fill->setRect(QRectF(r.left(), r.top(), r.width() * std::clamp(share, 0.0, 1.0), r.height()));
    node.fill->setBrush(colour);
    node.text->setZValue(1);
}

void TopologyView::showSnapshot(const Snapshot &s)
{
    const int producers = std::max<int>(1, static_cast<int>(s.producers.size()));
    const int consumers = static_cast<int>(
        std::count_if(s.consumers.begin(), s.consumers.end(), [](const auto &c) { return c.active; }));
    if (producers != static_cast<int>(m_producers.size())
        || std::max(1, consumers) != static_cast<int>(m_consumers.size()))
        rebuild(producers, std::max(1, consumers));

    for (std::size_t i = 0; i < m_producers.size() && i < s.producers.size(); ++i) {
        const auto &p = s.producers[i];
        m_producers[i].text->setText(tr("P%1\n%L2/s\nheld %3%")
                                         .arg(p.index)
                                         .arg(qRound64(p.achievedPerSec))
                                         .arg(p.backpressureRatio * 100, 0, 'f', 0));
        m_producers[i].box->setBrush(busyColour(1.0 - p.backpressureRatio, p.backpressureRatio > 0.5));
    }
    const double fullness = s.limit > 0 ? static_cast<double>(s.inFlight) / static_cast<double>(s.limit) : 0.0;
    setGauge(m_limiter, fullness, fullness > 0.9 ? QColor(220, 80, 60) : QColor(90, 170, 90));
    m_limiter.text->setText(tr("limiter\n%L1 / %L2\nin flight").arg(s.inFlight).arg(s.limit));

    const bool pressured = s.backpressureRatio > 0.5;
    for (const auto &c : s.consumers) {
        if (!c.active || c.index >= static_cast<int>(m_consumers.size()))
            continue;
        Node &node = m_consumers[static_cast<std::size_t>(c.index)];
        if (c.crashes > node.crashes)
            node.flash = kFlashFrames;
        node.crashes = c.crashes;
        const bool down = c.state != "running";
        QColor fill = down ? QColor(60, 60, 60) : busyColour(c.busyRatio, pressured && c.queueDepth > 0);
        node.box->setBrush(fill);
        node.box->setPen(node.flash > 0 ? QPen(QColor(255, 210, 0), 4)
                                        : QPen(QApplication::palette().color(QPalette::WindowText), 1.2));
        if (node.flash > 0)
            --node.flash;
        node.text->setBrush(Qt::white);
        node.text->setText(tr("C%1 %2\nq %3\n↻ %4")
                               .arg(c.index)
                               .arg(down ? QString::fromStdString(c.state) : QString())
                               .arg(c.queueDepth)
                               .arg(c.restarts));
    }

    for (std::size_t i = 0; i < m_supervisors.size() && i < s.supervisors.size(); ++i) {
        const auto &sup = s.supervisors[i];
        const bool gaveUp = sup.state == "gave_up";
        setGauge(m_supervisors[i], sup.budgetInUse,
            gaveUp                        ? QColor(200, 30, 30)
                : sup.budgetInUse >= 0.66 ? QColor(230, 150, 40)
                                          : QColor(90, 170, 90));
        m_supervisors[i].text->setText(tr("%1 (%2)\nbudget %3/%4 in %5 s\nrestarts %6%7")
                                           .arg(QString::fromStdString(sup.name), QString::fromStdString(sup.strategy))
                                           .arg(sup.restartsInWindow)
                                           .arg(sup.maxRestarts)
                                           .arg(sup.maxSeconds, 0, 'g', 3)
                                           .arg(sup.restarts)
                                           .arg(gaveUp ? tr(" GAVE UP") : QString()));
    }
    m_banner->setText(s.gaveUp  ? tr("ESCALATED: the supervision tree gave up")
            : s.escalations > 0 ? tr("%1 escalation(s)").arg(s.escalations)
                                : QString());
}

void TopologyView::refreshColours()
{
    rebuild(
        std::max<int>(1, static_cast<int>(m_producers.size())), std::max<int>(1, static_cast<int>(m_consumers.size())));
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
    fitInView(sceneRect(), Qt::KeepAspectRatio);
}

} // namespace beam
