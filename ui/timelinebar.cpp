// SPDX-License-Identifier: MIT
#include "timelinebar.h"

#include "visualstyle.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {

QString seconds(double s)
{
    return s < 100 ? QStringLiteral("%1 s").arg(s, 0, 'f', 1) : QStringLiteral("%1 s").arg(s, 0, 'f', 0);
}

/// The marks in the order the key lists them, with their words.
const QList<std::pair<TimelineBar::Mark::Kind, const char *>> &keyOrder()
{
    using K = TimelineBar::Mark::Kind;
    // Captions are numbered flags (as on the charts) and verdicts are ✓ and ✗: they need no key.
    static const QList<std::pair<K, const char *>> order{
        {K::Crash, QT_TRANSLATE_NOOP("TimelineBar", "crash")},
        {K::Hang, QT_TRANSLATE_NOOP("TimelineBar", "hang")},
        {K::Escalation, QT_TRANSLATE_NOOP("TimelineBar", "escalation")},
        {K::Setting, QT_TRANSLATE_NOOP("TimelineBar", "setting")},
    };
    return order;
}

} // namespace

TimelineBar::TimelineBar(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("timeline"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setCursorAt(std::nullopt);
    setToolTip(tr("The run so far. Click or drag to look at a moment: every view shows it. ← → one sample, "
                  "Shift+← → one second, Home the start, End back to live."));
}

void TimelineBar::setLook(bool dark, int textPx)
{
    m_dark = dark;
    m_textPx = textPx;
    updateGeometry();
    update();
}

void TimelineBar::setSpan(double firstS, double lastS)
{
    m_firstS = firstS;
    m_lastS = std::max(firstS, lastS);
    update();
}

void TimelineBar::setMarks(QList<Mark> marks)
{
    m_marks = std::move(marks);
    update();
}

void TimelineBar::setCursorAt(std::optional<double> atS)
{
    m_cursor = atS;
    update();
}

QSize TimelineBar::sizeHint() const
{
    return {40 * m_textPx, barRect().height() + 1};
}

QSize TimelineBar::minimumSizeHint() const
{
    return {10 * m_textPx, sizeHint().height()};
}

QRect TimelineBar::barRect() const
{
    const int pad = m_textPx / 2;
    // A caption's numbered flag on top (a line of text), the events' ticks under it.
    return {pad, 0, std::max(1, width() - 2 * pad), m_textPx * 17 / 10};
}

double TimelineBar::timeAt(int x) const
{
    const QRect bar = barRect();
    const double share = std::clamp(static_cast<double>(x - bar.left()) / std::max(1, bar.width()), 0.0, 1.0);
    return m_firstS + share * (m_lastS - m_firstS);
}

int TimelineBar::xOf(double atS) const
{
    const QRect bar = barRect();
    const double span = std::max(1e-9, m_lastS - m_firstS);
    return bar.left() + static_cast<int>(std::lround((atS - m_firstS) / span * bar.width()));
}

QString TimelineBar::keyHtml()
{
    QStringList entries;
    for (const auto &[kind, word] : keyOrder())
        entries << QStringLiteral("<span style='color:%1'>■</span>&nbsp;%2").arg(colour(kind).name(), tr(word));
    return tr("timeline: %1").arg(entries.join(QStringLiteral(" &nbsp;")));
}

QColor TimelineBar::colour(Mark::Kind kind)
{
    switch (kind) {
    case Mark::Kind::Crash:
        return visual::fill(visual::State::Down);
    case Mark::Kind::Hang:
        return visual::fill(visual::State::Hung);
    case Mark::Kind::Escalation:
        return visual::fill(visual::State::GaveUp);
    case Mark::Kind::Setting:
        return visual::fill(visual::State::IoWait);
    case Mark::Kind::Caption:
        return visual::fill(visual::State::Held);
    case Mark::Kind::Passed:
        return {0x00, 0x9E, 0x73}; // Okabe–Ito bluish green
    case Mark::Kind::Failed:
        return visual::fill(visual::State::GaveUp);
    }
    return Qt::gray;
}

void TimelineBar::paintEvent(QPaintEvent * /*event*/)
{
    QPainter p(this);
    QFont f = font();
    f.setPixelSize(m_textPx);
    p.setFont(f);
    const QRect bar = barRect();
    p.fillRect(bar, visual::chartBackground(m_dark));
    paintMarks(p, bar);
    paintCursor(p, bar);
    p.setPen(QPen(visual::textOnBackground(m_dark), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    // The span kept, at the bar's right end above the events' ticks, where it leaves the newest marks visible.
    const QString span = tr("%1 to %2").arg(seconds(m_firstS), seconds(m_lastS));
    QFont small = p.font();
    small.setPixelSize(std::max(10, m_textPx * 2 / 3));
    p.setFont(small);
    p.setPen(visual::textOnBackground(m_dark));
    p.drawText(bar.adjusted(0, 0, -m_textPx / 2, 0), Qt::AlignRight | Qt::AlignBottom, span);
}

/// Captions and verdicts in the top half, engine events in the bottom half; many in one column are one tick.
void TimelineBar::paintMarks(QPainter &p, const QRect &bar) const
{
    const int half = bar.height() * 3 / 5; // flags and verdicts above, the events' ticks below
    const int tick = std::max(2, m_textPx / 6);
    for (const Mark &m : m_marks) {
        // A lesson's first caption comes with its start, a moment before the first snapshot: drawn at the start.
        if (m.atS < m_firstS - 1.0 || m.atS > m_lastS)
            continue;
        const int x = xOf(std::max(m.atS, m_firstS));
        const QColor c = colour(m.kind);
        switch (m.kind) {
        case Mark::Kind::Caption: {
            const int w = std::max(m_textPx, p.fontMetrics().horizontalAdvance(m.label) + 6);
            const QRect flag(std::min(x, bar.right() - w), bar.top() + 2, w, half - 4); // within the bar
            p.fillRect(flag, c);
            p.setPen(Qt::black);
            p.drawText(flag, Qt::AlignCenter, m.label);
            break;
        }
        case Mark::Kind::Passed:
        case Mark::Kind::Failed:
            p.setPen(c);
            p.drawText(QRect(x - m_textPx / 2, bar.top(), m_textPx, half), Qt::AlignCenter,
                m.kind == Mark::Kind::Passed ? QStringLiteral("✓") : QStringLiteral("✗"));
            break;
        default:
            p.fillRect(QRect(x - tick / 2, bar.top() + half + 2, tick, half - 4), c);
            break;
        }
    }
}

/// The cursor: a line at its moment; live, at the right end.
void TimelineBar::paintCursor(QPainter &p, const QRect &bar) const
{
    const QColor ink = visual::textOnBackground(m_dark); // as the charts' cursor line
    const int x = m_cursor ? xOf(*m_cursor) : bar.right();
    p.fillRect(QRect(x - 2, bar.top(), 4, bar.height()), ink);
}

void TimelineBar::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_lastS > m_firstS)
        emit cursorRequested(timeAt(event->position().toPoint().x()));
}

void TimelineBar::mouseMoveEvent(QMouseEvent *event)
{
    if ((event->buttons() & Qt::LeftButton) && m_lastS > m_firstS)
        emit cursorRequested(timeAt(event->position().toPoint().x()));
}

} // namespace beam
