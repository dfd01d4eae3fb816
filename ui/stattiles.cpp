// SPDX-License-Identifier: MIT
#include "stattiles.h"

#include "axisticks.h"

#include <QFontMetrics>
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
    const QString titles[] = {tr("processed · last 1 s"), tr("latency p99 · last 1 s"), tr("in flight now / limit"),
        tr("restarts"), tr("lost"), tr("Little's law   L = λ × W")};
    const QString tips[] = {tr("Events finished per second over the last second: the number every chart, box and "
                               "lesson check uses."),
        tr("99% of the events finished in the last second took at most this long, from creation to done."),
        tr("Events admitted and not yet finished at this instant, against the bound (back-pressure)."),
        tr("Consumers restarted by their supervisor since the start."),
        tr("Produced minus processed, dead-lettered, dropped and in flight. Anything but 0 is a bug."),
        littlesRuleText()};
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
    if (m_fitting)
        return; // a size changed on the way (setTight()): decided below
    m_fitting = true;
    constexpr int all = static_cast<int>(Tile::Count);
    // Six to a row at the values' size; else at their smaller size; else two rows of three. Back to the full
    // size only where it surely fits (every width grown by the sizes' ratio: more than it will).
    if (!m_tight && width() < rowWidth(0, all) && isVisible())
        setTight(true);
    else if (m_tight && width() >= rowWidth(0, all) * m_tightRatio)
        setTight(false);
    arrange(width() >= rowWidth(0, all) ? all : all / 2);
    m_fitting = false;
}

void StatTiles::setTight(bool on)
{
    const int before = QFontInfo(m_items[0].value->font()).pixelSize();
    m_tight = on;
    for (Item &item : m_items) {
        item.value->setProperty("tight", on);
        repolish({item.value});
    }
    const int after = QFontInfo(m_items[0].value->font()).pixelSize();
    if (on)
        m_tightRatio = after > 0 ? static_cast<double>(before) / after : 1.0;
    reserveWidths(m_reservedLimit); // for the new size
}

void StatTiles::set(Tile tile, const QString &value, const QString &detail, const QString &tone)
{
    Item &item = m_items[static_cast<int>(tile)];
    if (item.value->text() != value) {
        item.value->setText(value);
        fitValue(tile);
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

QString StatTiles::rateText(double perSec)
{
    return ticks::format(std::round(perSec), ticks::Unit::Plain) + tr("/s");
}

QString StatTiles::latencyText(double us)
{
    return ticks::format(us, ticks::Unit::Microseconds);
}

QString StatTiles::widestValue(Tile tile, std::int64_t limit, const QFontMetrics &fm)
{
    // Every size of three significant digits ("9.99", "99.9", "999") and those that round up to the next
    // ("1000k"), in every unit the formatter prints, up to 100M/s and 100 s.
    const auto widest = [&fm](QString (*text)(double), int lowExponent, int highExponent) {
        QString out;
        for (int exponent = lowExponent; exponent < highExponent; ++exponent) {
            for (const double mantissa : {1.11, 8.88, 9.99, 9.999}) {
                const QString t = text(mantissa * std::pow(10.0, exponent));
                if (fm.horizontalAdvance(t) > fm.horizontalAdvance(out))
                    out = t;
            }
        }
        return out;
    };
    switch (tile) {
    case Tile::Throughput:
        return widest(&StatTiles::rateText, 0, 8);
    case Tile::LatencyP99:
        return widest(&StatTiles::latencyText, -3, 8);
    case Tile::InFlight:
        return QStringLiteral("%L1").arg(std::max<std::int64_t>(limit, 1000)); // never more than the limit
    default:
        return {};
    }
}

void StatTiles::reserveWidths(std::int64_t limit)
{
    const QLabel *sample = m_items[0].value;
    if (!sample->isVisible())
        return; // not polished yet: its font is not the stylesheet's
    const int px = QFontInfo(sample->font()).pixelSize();
    if (px == m_reservedPx && limit == m_reservedLimit)
        return;
    m_reservedPx = px;
    m_reservedLimit = limit;
    for (const Tile tile : {Tile::Throughput, Tile::LatencyP99, Tile::InFlight}) {
        const QLabel *value = m_items[static_cast<int>(tile)].value;
        const QFontMetrics fm(value->font());
        m_reserved[static_cast<int>(tile)] = fm.horizontalAdvance(widestValue(tile, limit, fm));
        fitValue(tile);
    }
    fitRows(); // wider tiles may no longer fit six to a row
}

void StatTiles::fitValue(Tile tile)
{
    // An explicit minimum is all a layout looks at: it holds the text shown too (in flight over a limit just
    // lowered).
    QLabel *value = m_items[static_cast<int>(tile)].value;
    const int reserved = m_reserved[static_cast<int>(tile)];
    if (reserved == 0)
        return;
    const int text = QFontMetrics(value->font()).horizontalAdvance(value->text());
    value->setMinimumWidth(std::max(reserved, text) + 2 * value->margin() + 1);
}

void StatTiles::showSnapshot(const Snapshot &s, const LittlesLaw &law)
{
    reserveWidths(s.limit);
    set(Tile::Throughput, rateText(s.processedPerSec), tr("produced %1").arg(rateText(s.producedPerSec)));
    set(Tile::LatencyP99, latencyText(s.window.p99), tr("p50 %1").arg(latencyText(s.window.p50)));
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
    showLittlesLaw(law);
}

QString StatTiles::littlesRuleText()
{
    const LittlesRule rule;
    return tr("Little's law: in a steady state the mean number in flight L equals the throughput λ times the mean "
              "latency W, all three over the last %1 s.\n"
              "Steady unless L trends beyond its noise: a least-squares line through L's means per sampling "
              "interval over the last %2 s must move L by more than ±%3√L (a count of L events fluctuates with a "
              "standard deviation of √L) and by more than %4 standard errors of the fit (more than chance) to read "
              "\"not steady\". The tile's ± is the larger of the two.\n"
              "L ≈ λ×W when the two are within %5% of the larger.")
        .arg(rule.windowS, 0, 'g', 3)
        .arg(rule.trendS, 0, 'g', 3)
        .arg(rule.material == 1.0 ? QString() : QString::number(rule.material, 'g', 3))
        .arg(rule.sigmas, 0, 'g', 3)
        .arg(rule.tolerance * 100, 0, 'g', 3);
}

void StatTiles::showLittlesLaw(const LittlesLaw &law)
{
    // A number of events: two significant digits under one (1,000 ev/s at 11 us is L = 0.011, not "0.0"), one
    // decimal under ten, whole events above.
    const auto events = [](double v) {
        const double a = std::abs(v);
        if (a > 0 && a < 1)
            return QString::number(v, 'g', 2);
        return QStringLiteral("%L1").arg(v, 0, 'f', a < 10 ? 1 : 0);
    };
    const auto sign = [](double v) { return v > 0 ? QStringLiteral("+") : QString(); };
    const QString change = sign(law.change()) + events(law.change()); // "+131"
    const QString span = QString::number(law.trendS, 'g', 2);
    QFrame *frame = m_items[static_cast<int>(Tile::Little)].frame;
    const QString tip = littlesRuleText()
        + (law.known ? tr("\nNow: L %1 events, trend %2%3/s ± %4/s over %5 s (%6 intervals): L %7 in %5 s, "
                          "against ±%8 (√L = %9).")
                           .arg(events(law.inFlightMean), sign(law.trendPerSec))
                           .arg(ticks::format(law.trendPerSec, ticks::Unit::Plain))
                           .arg(ticks::format(law.trendErrorPerSec, ticks::Unit::Plain))
                           .arg(span)
                           .arg(law.trendIntervals)
                           .arg(change, events(law.limit), events(law.noise))
                     : QString());
    if (frame->toolTip() != tip)
        frame->setToolTip(tip);
    if (law.windowS <= 0) {
        set(Tile::Little, tr("measuring…"), tr("needs two seconds of run"));
        return;
    }
    // L, lambda and W with their units, always, in the order of the title's L = λ × W: the law is about these
    // three numbers. Two lines, each inside the tile at 1920 px in presentation mode (a 20 px font leaves it
    // 335-365 px, as the other tiles' values take more or less), so that the tile is never taller than the
    // others and the charts keep their height: the figures ("154 events ≈ 20k/s × 7.69 ms", 306 px), then L's
    // change against its noise ("steady: L +67 in 3 s, within ±133", 334 px). lambda to two significant digits,
    // so that lambda x W is a product to do in one's head (20k/s x 2.24 ms).
    const double digit = law.throughputPerSec > 0
        ? std::pow(10.0, std::floor(std::log10(law.throughputPerSec)) - 1) // the second significant digit
        : 1.0;
    const auto figures = [&](const QString &relation) { // "≈", "≠", or "," (not judged)
        return tr("%1 events%2 %3/s × %4")
            .arg(events(law.inFlightMean), relation,
                ticks::format(std::round(law.throughputPerSec / digit) * digit, ticks::Unit::Plain),
                ticks::format(law.latencyMeanS * 1e6, ticks::Unit::Microseconds));
    };
    if (!law.known) {
        set(Tile::Little, tr("measuring…"),
            figures(QStringLiteral(",")) + QLatin1Char('\n') + tr("needs two seconds of run to judge"));
    } else if (!law.steady) {
        set(Tile::Little, tr("not steady"),
            figures(QStringLiteral(",")) + QLatin1Char('\n')
                + tr("L %1 in %2 s, beyond ±%3").arg(change, span, events(law.limit)),
            QStringLiteral("warn"));
    } else {
        const QString relation = law.agrees ? QStringLiteral("≈") : QStringLiteral("≠");
        set(Tile::Little, QStringLiteral("%1 %2 %3").arg(events(law.inFlightMean), relation, events(law.predicted)),
            figures(QLatin1Char(' ') + relation) + QLatin1Char('\n')
                + (law.agrees ? tr("steady: L %1 in %2 s, within ±%3").arg(change, span, events(law.limit))
                              : tr("steady, yet ≠: stuck or draining")),
            law.agrees ? QString() : QStringLiteral("warn"));
    }
}

} // namespace beam
