// SPDX-License-Identifier: MIT
#include "stattiles.h"

#include "axisticks.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace beam {

namespace {
/// Applies the stylesheet again (after a property or size it selects on changed).
void repolish(std::initializer_list<QWidget *> widgets)
{
    for (QWidget *w : widgets) {
        w->style()->unpolish(w);
        w->style()->polish(w);
    }
}
} // namespace

StatTiles::StatTiles(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("statTiles"));
    auto *rows = new QVBoxLayout(this);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(6);
    for (QHBoxLayout *&row : m_rows) {
        row = new QHBoxLayout;
        row->setSpacing(6);
        rows->addLayout(row);
    }
    const QString titles[] = {tr("processed"), tr("latency p99"), tr("in flight now / limit"), tr("restarts"),
        tr("lost"), tr("Little's law")};
    const QString tips[] = {tr("Events finished per second over the last sampling interval."),
        tr("99% of the events of the last interval finished within this time, from creation to done."),
        tr("Events admitted and not yet finished at this instant, against the bound (back-pressure)."),
        tr("Consumers restarted by their supervisor since the start."),
        tr("Produced minus processed, dead-lettered, dropped and in flight. Anything but 0 is a bug."),
        tr("Little's law: in a steady state the mean number in flight L equals throughput lambda times mean "
           "latency W (over the last second). While L is still moving it does not apply, and the tile says so.")};
    for (int i = 0; i < static_cast<int>(Tile::Count); ++i) {
        Item &item = m_items[i];
        item.frame = new QFrame;
        item.frame->setObjectName(QStringLiteral("statTile"));
        item.frame->setToolTip(tips[i]);
        auto *column = new QVBoxLayout(item.frame);
        column->setContentsMargins(10, 4, 10, 6);
        column->setSpacing(0);
        item.title = new QLabel(titles[i]);
        item.title->setObjectName(QStringLiteral("statTitle"));
        item.value = new QLabel(QStringLiteral("—"));
        item.value->setObjectName(QStringLiteral("statValue"));
        item.detail = new QLabel;
        item.detail->setObjectName(QStringLiteral("statDetail"));
        item.title->setWordWrap(true);
        item.detail->setWordWrap(true);
        column->addWidget(item.title);
        column->addWidget(item.value);
        column->addWidget(item.detail);
    }
    arrange(static_cast<int>(Tile::Count));
}

void StatTiles::arrange(int perRow)
{
    if (perRow == m_perRow)
        return;
    m_perRow = perRow;
    for (int i = 0; i < static_cast<int>(Tile::Count); ++i) {
        QFrame *frame = m_items[i].frame;
        for (QHBoxLayout *row : m_rows)
            row->removeWidget(frame);
        m_rows[i / perRow]->addWidget(frame, i == static_cast<int>(Tile::Little) ? 2 : 1);
    }
    updateGeometry(); // one row or two: the height changes
}

int StatTiles::rowWidth(int from, int to) const
{
    int width = 0;
    for (int i = from; i < to; ++i)
        width += m_items[i].frame->minimumSizeHint().width();
    return width + (to - from - 1) * m_rows[0]->spacing();
}

QSize StatTiles::minimumSizeHint() const
{
    const int half = static_cast<int>(Tile::Count) / 2;
    QSize hint = QFrame::minimumSizeHint();
    hint.setWidth(std::max(rowWidth(0, half), rowWidth(half, static_cast<int>(Tile::Count))));
    return hint;
}

void StatTiles::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    // Decided after the layout gave the tiles their width; the new height reaches the window's layout next.
    QTimer::singleShot(0, this, &StatTiles::fitRows);
}

void StatTiles::fitRows()
{
    constexpr int all = static_cast<int>(Tile::Count);
    arrange(width() >= rowWidth(0, all) ? all : all / 2);
}

void StatTiles::set(Tile tile, const QString &value, const QString &detail, const QString &tone)
{
    Item &item = m_items[static_cast<int>(tile)];
    if (item.value->text() != value) {
        item.value->setText(value);
        fitRows(); // a wider number may no longer fit six to a row, a narrower one may again
    }
    if (item.detail->text() != detail)
        item.detail->setText(detail);
    if (item.frame->property("tone").toString() != tone) {
        item.frame->setProperty("tone", tone);
        repolish({item.frame, item.title, item.value, item.detail});
    }
}

QString StatTiles::value(Tile tile) const
{
    return m_items[static_cast<int>(tile)].value->text();
}

QString StatTiles::detail(Tile tile) const
{
    return m_items[static_cast<int>(tile)].detail->text();
}

QString StatTiles::tone(Tile tile) const
{
    return m_items[static_cast<int>(tile)].frame->property("tone").toString();
}

void StatTiles::showSnapshot(const Snapshot &s, const LittlesLaw &law)
{
    set(Tile::Throughput, ticks::format(std::round(s.processedPerSec), ticks::Unit::Plain) + tr("/s"),
        tr("produced %1/s").arg(ticks::format(std::round(s.producedPerSec), ticks::Unit::Plain)));
    set(Tile::LatencyP99, ticks::format(s.interval.p99, ticks::Unit::Microseconds),
        tr("p50 %1").arg(ticks::format(s.interval.p50, ticks::Unit::Microseconds)));
    const double fullness = s.limit > 0 ? static_cast<double>(s.inFlight) / static_cast<double>(s.limit) : 0.0;
    set(Tile::InFlight, QStringLiteral("%L1").arg(s.inFlight),
        tr("of %L1 · %2% full").arg(s.limit).arg(std::lround(fullness * 100)),
        fullness >= 0.9 ? QStringLiteral("warn") : QString());
    const std::uint64_t crashes = s.crashes();
    set(Tile::Restarts, QStringLiteral("%L1").arg(s.restarts),
        s.gaveUp ? tr("GAVE UP · escalations %1").arg(s.escalations)
                 : tr("crashes %L1 · escalations %2").arg(crashes).arg(s.escalations),
        s.gaveUp ? QStringLiteral("bad") : QString());
    set(Tile::Lost, QStringLiteral("%L1").arg(s.lost),
        s.lost == 0 ? tr("every event accounted for") : tr("events vanished: a bug"),
        s.lost == 0 ? QStringLiteral("good") : QStringLiteral("bad"));
    if (!law.known) {
        set(Tile::Little, tr("measuring…"), tr("needs two seconds of run"));
    } else if (!law.steady) {
        set(Tile::Little, tr("not steady"),
            tr("mean in flight %1 %L2/s, so L ≠ λ×W yet")
                .arg(law.trendPerSec > 0 ? tr("rising") : tr("falling"))
                .arg(std::abs(law.trendPerSec), 0, 'f', 0),
            QStringLiteral("warn"));
    } else {
        // Two significant digits under one event (1,000 ev/s at 11 us is L = 0.011, not "0.0 ≈ 0.0").
        const auto figure = [](double v) {
            return v > 0 && v < 1 ? QString::number(v, 'g', 2) : QString::number(v, 'f', v < 10 ? 1 : 0);
        };
        if (law.agrees)
            set(Tile::Little, QStringLiteral("%1 ≈ %2").arg(figure(law.inFlightMean), figure(law.predicted)),
                tr("steady: mean in flight L ≈ λ×W (last %1 s)").arg(law.windowS, 0, 'g', 2));
        else
            set(Tile::Little, QStringLiteral("%1 ≠ %2").arg(figure(law.inFlightMean), figure(law.predicted)),
                tr("L steady, yet ≠ λ×W: a backlog drains or events are stuck"), QStringLiteral("warn"));
    }
}

} // namespace beam
