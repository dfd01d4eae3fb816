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
        m_busy[i] = std::clamp(busy / kWindowS, 0.0, 1.0);
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
    return {m_textPx * 30, m_textPx * 2 + lanes * (m_textPx * 2) + m_textPx / 2};
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
    const int lineH = m_textPx * 2;
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
        p.drawText(QRect(0, y, labelW - m_textPx / 2, lineH), Qt::AlignRight | Qt::AlignVCenter, labels[i]);
        const QRectF lane(labelW, y + lineH * 0.15, width() - labelW - 2, lineH * 0.7);
        p.fillRect(lane, laneBackground);
        for (const auto &slice : m_threads[i].recent) {
            const double start = std::max(slice.startS, from);
            const double end = std::min(slice.endS, m_endS);
            if (end <= start)
                continue;
            const double x0 = lane.left() + (start - from) / kWindowS * lane.width();
            // At least a pixel: a 20 us body is real work even where it is narrower than a pixel.
            const double w = std::max(1.0, (end - start) / kWindowS * lane.width());
            p.fillRect(QRectF(x0, lane.top(), w, lane.height()), consumerColour(slice.consumer));
        }
        p.setPen(QPen(text, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(lane);
    }
}

} // namespace beam
