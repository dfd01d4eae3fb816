// SPDX-License-Identifier: MIT
#include "schedulersview.h"

#include "visualstyle.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <set>

namespace beam {

SchedulersView::SchedulersView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("schedulersView"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setToolTip(tr("Which consumer ran on which engine thread over the last %1 s. Colour: the consumer (C0, C1, ... "
                  "each its own hue); grey: router and other graph work; empty: the thread had nothing to run.")
                   .arg(kWindowS));
}

QColor SchedulersView::consumerColour(int index)
{
    if (index < 0)
        return QColor(0x8C, 0x8C, 0x8C);
    // The golden angle spreads any number of consumers over the hue circle; neighbours differ most.
    const double hue = std::fmod(index * 137.508, 360.0);
    return QColor::fromHsvF(static_cast<float>(hue / 360.0), 0.55F, 0.85F);
}

void SchedulersView::setLook(bool dark, int textPx)
{
    m_dark = dark;
    m_textPx = textPx;
    updateGeometry();
    update();
}

void SchedulersView::showSnapshot(const Snapshot &snapshot)
{
    m_threads.clear();
    for (const auto &t : snapshot.threads) {
        if (t.running) // a removed producer's lane would stay empty for ever
            m_threads.push_back(t);
    }
    m_endS = snapshot.elapsedS;
    const double from = m_endS - kWindowS;
    m_busy.assign(m_threads.size(), 0.0);
    std::set<int> consumers;
    for (std::size_t i = 0; i < m_threads.size(); ++i) {
        double busy = 0;
        for (const auto &slice : m_threads[i].recent) {
            const double start = std::max(slice.startS, from);
            const double end = std::min(slice.endS, m_endS);
            if (end > start) {
                busy += end - start;
                if (slice.consumer >= 0)
                    consumers.insert(slice.consumer);
            }
        }
        // Over the part of the window the ring still holds (a wrapped ring's oldest slice is after `from`).
        const auto &slices = m_threads[i].recent;
        const double known
            = slices.size() >= kRingFull && slices.front().startS > from ? m_endS - slices.front().startS : kWindowS;
        m_busy[i] = known > 0 ? std::clamp(busy / known, 0.0, 1.0) : 0.0;
    }
    m_consumersSeen = static_cast<int>(consumers.size());
    if (static_cast<int>(m_threads.size()) != property("lanes").toInt()) {
        setProperty("lanes", static_cast<int>(m_threads.size()));
        updateGeometry();
    }
    update();
}

QStringList SchedulersView::laneLabels() const
{
    QStringList labels;
    for (std::size_t i = 0; i < m_threads.size(); ++i)
        labels << QStringLiteral("%1 · %2%")
                      .arg(QString::fromStdString(m_threads[i].name))
                      .arg(std::lround(m_busy[i] * 100.0));
    return labels;
}

QSize SchedulersView::sizeHint() const
{
    const int lanes = std::max<int>(1, static_cast<int>(m_threads.size()));
    return {m_textPx * 30, lineHeight() * (1 + lanes) + m_textPx / 4};
}

QSize SchedulersView::minimumSizeHint() const
{
    return {m_textPx * 20, sizeHint().height()};
}

void SchedulersView::paintEvent(QPaintEvent * /*event*/)
{
    QPainter p(this);
    const QColor text = visual::textOnBackground(m_dark);
    QFont font = this->font();
    font.setPixelSize(m_textPx);
    p.setFont(font);
    const int lineH = lineHeight();
    const int labelW = std::min(width() / 3, m_textPx * 11);
    // The heading says what the picture is: how many consumers shared how few threads.
    int executors = 0;
    for (const auto &t : m_threads)
        executors += t.kind == ThreadSample::Kind::Executor ? 1 : 0;
    p.setPen(text);
    p.drawText(QRect(0, 0, width(), lineH), Qt::AlignLeft | Qt::AlignVCenter,
        m_threads.empty() ? tr("Schedulers: no engine threads yet")
                          : tr("Schedulers: %1 consumers ran on %2 executor threads in the last %3 s")
                                .arg(m_consumersSeen)
                                .arg(executors)
                                .arg(kWindowS));
    const QColor laneBackground = m_dark ? QColor(0x30, 0x30, 0x36) : QColor(0xF2, 0xF2, 0xF2);
    const double from = m_endS - kWindowS;
    const QStringList labels = laneLabels();
    for (std::size_t i = 0; i < m_threads.size(); ++i) {
        const int y = lineH + static_cast<int>(i) * lineH;
        p.setPen(text);
        p.drawText(QRect(0, y, labelW - m_textPx / 2, lineH), Qt::AlignRight | Qt::AlignVCenter,
            labels[static_cast<qsizetype>(i)]);
        const QRectF lane(labelW, y + lineH * 0.1, width() - labelW - 2, lineH * 0.8);
        p.fillRect(lane, laneBackground);
        // One column per pixel, filled from the bottom as far as the thread was busy in that column's time and
        // coloured by the consumer that ran longest there: a 20 us body is not drawn a pixel wide, so the area
        // filled is the busy share the label prints.
        const int columns = std::max(1, static_cast<int>(lane.width()));
        const double columnS = kWindowS / columns;
        std::vector<double> busy(static_cast<std::size_t>(columns), 0.0);
        std::vector<double> longest(busy.size(), 0.0);
        std::vector<int> who(busy.size(), -1);
        const auto &slices = m_threads[i].recent;
        for (const auto &slice : slices) {
            const double start = std::max(slice.startS, from);
            const double end = std::min(slice.endS, m_endS);
            if (end <= start)
                continue;
            const int first = std::clamp(static_cast<int>((start - from) / columnS), 0, columns - 1);
            const int last = std::clamp(static_cast<int>((end - from) / columnS), 0, columns - 1);
            for (int c = first; c <= last; ++c) {
                const double piece = std::min(end, from + (c + 1) * columnS) - std::max(start, from + c * columnS);
                if (piece <= 0)
                    continue;
                const auto k = static_cast<std::size_t>(c);
                busy[k] += piece;
                if (piece > longest[k]) {
                    longest[k] = piece;
                    who[k] = slice.consumer;
                }
            }
        }
        for (int c = 0; c < columns; ++c) {
            const auto k = static_cast<std::size_t>(c);
            const double share = std::clamp(busy[k] / columnS, 0.0, 1.0);
            if (share <= 0)
                continue;
            const double h = share * lane.height();
            p.fillRect(QRectF(lane.left() + c, lane.bottom() - h, 1.0, h), consumerColour(who[k]));
        }
        // A ring that wrapped within the window: before its oldest slice nothing is known, and that is drawn
        // hatched, not as idle.
        if (slices.size() >= kRingFull && !slices.empty() && slices.front().startS > from) {
            const double unknown = (slices.front().startS - from) / kWindowS * lane.width();
            p.fillRect(QRectF(lane.left(), lane.top(), unknown, lane.height()), QBrush(text, Qt::BDiagPattern));
        }
        p.setPen(QPen(text, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(lane);
    }
}

} // namespace beam
