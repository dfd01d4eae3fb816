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
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    policy.setHeightForWidth(true); // the key under the lanes wraps
    setSizePolicy(policy);
    setToolTip(tr("Which consumer ran on which engine thread over the last %1 s. Colour: the consumer, one of %2 "
                  "colours taken in turn (C%2 has C0's colour again); grey: router and other graph work; empty: the "
                  "thread had nothing to run; hatched: not recorded.")
                   .arg(kWindowS)
                   .arg(kConsumerColours));
}

QColor SchedulersView::consumerColour(int index)
{
    if (index < 0)
        return QColor(0x8C, 0x8C, 0x8C);
    // Eight hues 45 degrees apart, taken three steps at a time (135 degrees, near the golden angle), so
    // consumers next to each other differ most; odd ones darker, so hues next to each other on the circle
    // (green and yellow-green, violet and blue) differ in lightness too. After eight they repeat, and the key
    // says so.
    const int slot = index % kConsumerColours;
    const double hue = (slot * 3 % kConsumerColours) * 360.0 / kConsumerColours;
    const bool dark = slot % 2 == 1;
    return QColor::fromHsvF(static_cast<float>(hue / 360.0), dark ? 0.7F : 0.55F, dark ? 0.7F : 0.92F);
}

QFont SchedulersView::textFont() const
{
    QFont font = this->font();
    font.setPixelSize(m_textPx);
    return font;
}

QList<SchedulersView::KeyEntry> SchedulersView::keyEntries() const
{
    QList<KeyEntry> entries;
    // A swatch per colour, named by the lowest consumer that has it: C0 up to the highest consumer that ran
    // (all eight once C7 has), so the key does not shift whenever one consumer has a quiet second.
    const int colours = m_consumers.isEmpty() ? 0 : std::min(m_consumers.last() + 1, kConsumerColours);
    for (int slot = 0; slot < colours; ++slot)
        entries.append({KeyEntry::Swatch::Fill, consumerColour(slot), QStringLiteral("C%1").arg(slot)});
    entries.append({KeyEntry::Swatch::Fill, consumerColour(-1), tr("router, other graph work")});
    entries.append({KeyEntry::Swatch::Idle, QColor(), tr("idle")});
    entries.append({KeyEntry::Swatch::Hatched, QColor(),
        tr("not recorded (a thread keeps its last %L1 runs)").arg(static_cast<qulonglong>(kRingFull))});
    return entries;
}

QString SchedulersView::keyNote() const
{
    if (m_consumers.isEmpty() || m_consumers.last() < kConsumerColours)
        return {};
    // Consumers outnumber the colours: say how they repeat.
    return tr("More consumers than colours: consumer n has the colour of C(n mod %1), so C%1, C%2, C%3 … look "
              "like C0, C%4 like C1.")
        .arg(kConsumerColours)
        .arg(2 * kConsumerColours)
        .arg(3 * kConsumerColours)
        .arg(kConsumerColours + 1);
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
    m_consumers.clear();
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
    m_consumers = QList<int>(consumers.begin(), consumers.end());
    // The height changes with the key's entries and note and the heading's lines: lay the widget out again then,
    // not every time.
    const int keyShape
        = (static_cast<int>(keyEntries().size()) * 2 + (keyNote().isEmpty() ? 0 : 1)) * 1000 + headingHeight(width());
    if (static_cast<int>(m_threads.size()) != property("lanes").toInt() || keyShape != m_keyShape) {
        setProperty("lanes", static_cast<int>(m_threads.size()));
        m_keyShape = keyShape;
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

QString SchedulersView::heading() const
{
    // It says what the picture is: how many consumers shared how few threads.
    int executors = 0;
    for (const auto &t : m_threads)
        executors += t.kind == ThreadSample::Kind::Executor ? 1 : 0;
    return m_threads.empty() ? tr("Schedulers: no engine threads yet")
                             : tr("Schedulers: %1 consumers ran on %2 executor threads in the last %3 s")
                                   .arg(m_consumers.size())
                                   .arg(executors)
                                   .arg(kWindowS);
}

int SchedulersView::headingHeight(int width) const
{
    // A line, or as many as the heading wraps to in a narrow pane.
    const QRect bounds
        = QFontMetrics(textFont()).boundingRect(QRect(0, 0, std::max(1, width), 100000), Qt::TextWordWrap, heading());
    return std::max(lineHeight(), bounds.height() + m_textPx / 2);
}

int SchedulersView::lanesBottom(int width) const
{
    const int lanes = std::max<int>(1, static_cast<int>(m_threads.size()));
    return headingHeight(width) + lineHeight() * lanes;
}

QRect SchedulersView::laneRect(int index) const
{
    const int lineH = lineHeight();
    const int labelW = std::min(width() / 3, m_textPx * 11);
    const int y = headingHeight(width()) + index * lineH;
    return QRectF(labelW, y + lineH * 0.1, width() - labelW - 2, lineH * 0.8).toRect();
}

int SchedulersView::layoutKey(int width, int top, QList<KeyPlace> *places, QRect *note) const
{
    // A flowing row of swatches, each followed by its text, wrapping at the width; the note below, wrapped.
    const QFontMetrics metrics(textFont());
    const int rowH = metrics.height() + m_textPx / 2;
    const int swatchW = m_textPx * 3 / 2;
    const int gap = m_textPx / 3;
    const int spacing = m_textPx;
    int x = 0;
    int y = top + m_textPx / 2;
    for (const KeyEntry &entry : keyEntries()) {
        const int textW = metrics.horizontalAdvance(entry.text);
        const int itemW = swatchW + gap + textW;
        if (x > 0 && x + itemW > width) {
            x = 0;
            y += rowH;
        }
        if (places) {
            const int swatchH = metrics.height() * 3 / 4;
            places->append({QRect(x, y + (rowH - swatchH) / 2, swatchW, swatchH),
                QRect(x + swatchW + gap, y, std::min(textW + 1, std::max(1, width - x - swatchW - gap)), rowH)});
        }
        x += itemW + spacing;
    }
    y += rowH;
    const QString text = keyNote();
    if (!text.isEmpty()) {
        const QRect bounds = metrics.boundingRect(QRect(0, 0, std::max(1, width), 100000), Qt::TextWordWrap, text);
        if (note)
            *note = QRect(0, y, std::max(1, width), bounds.height());
        y += bounds.height();
    }
    return y - top + m_textPx / 4;
}

int SchedulersView::heightForWidth(int width) const
{
    return lanesBottom(width) + layoutKey(width, lanesBottom(width), nullptr, nullptr);
}

QSize SchedulersView::sizeHint() const
{
    const int w = m_textPx * 30;
    return {w, heightForWidth(width() > 0 ? width() : w)};
}

QSize SchedulersView::minimumSizeHint() const
{
    return {m_textPx * 20, heightForWidth(width() > 0 ? width() : m_textPx * 20)};
}

void SchedulersView::paintSwatch(QPainter &p, const KeyEntry &entry, const QRect &rect) const
{
    const QColor text = visual::textOnBackground(m_dark);
    const QColor laneBackground = m_dark ? QColor(0x30, 0x30, 0x36) : QColor(0xF2, 0xF2, 0xF2);
    switch (entry.swatch) {
    case KeyEntry::Swatch::Fill:
        p.fillRect(rect, entry.colour);
        break;
    case KeyEntry::Swatch::Idle:
        p.fillRect(rect, laneBackground);
        break;
    case KeyEntry::Swatch::Hatched:
        p.fillRect(rect, laneBackground);
        p.fillRect(rect, QBrush(text, Qt::BDiagPattern));
        break;
    }
    p.setPen(QPen(text, 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect.adjusted(0, 0, -1, -1));
}

void SchedulersView::paintEvent(QPaintEvent * /*event*/)
{
    QPainter p(this);
    const QColor text = visual::textOnBackground(m_dark);
    p.setFont(textFont());
    const int lineH = lineHeight();
    const int labelW = std::min(width() / 3, m_textPx * 11);
    const int headingH = headingHeight(width());
    p.setPen(text);
    p.drawText(QRect(0, 0, width(), headingH), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, heading());
    const QColor laneBackground = m_dark ? QColor(0x30, 0x30, 0x36) : QColor(0xF2, 0xF2, 0xF2);
    const double from = m_endS - kWindowS;
    const QStringList labels = laneLabels();
    for (std::size_t i = 0; i < m_threads.size(); ++i) {
        const int y = headingH + static_cast<int>(i) * lineH;
        p.setPen(text);
        p.drawText(QRect(0, y, labelW - m_textPx / 2, lineH), Qt::AlignRight | Qt::AlignVCenter,
            labels[static_cast<qsizetype>(i)]);
        const QRectF lane = laneRect(static_cast<int>(i));
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
    // The key, right under the lanes: every colour and pattern they can show, in words.
    QList<KeyPlace> places;
    QRect noteRect;
    layoutKey(width(), lanesBottom(width()), &places, &noteRect);
    const QList<KeyEntry> entries = keyEntries();
    for (qsizetype i = 0; i < entries.size() && i < places.size(); ++i) {
        paintSwatch(p, entries[i], places[i].swatch);
        p.setPen(text);
        p.drawText(places[i].text, Qt::AlignLeft | Qt::AlignVCenter, entries[i].text);
    }
    if (!noteRect.isEmpty()) {
        p.setPen(text);
        p.drawText(noteRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, keyNote());
    }
}

} // namespace beam
