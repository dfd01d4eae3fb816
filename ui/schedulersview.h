// SPDX-License-Identifier: MIT
#pragma once

#include "core/snapshot.h"

#include <QWidget>

namespace beam {

/// Many actors, few threads: one lane per engine thread (executor threads and producers) over the last
/// second, each slice coloured by the consumer whose body ran there, with the share of that time the thread was
/// busy. The percentage is measured from the slices drawn, so the number and the lane always agree. Under the
/// lanes, a key to everything they draw: which colour is which consumer (eight colours, repeating every eight
/// consumers, which the key says when there are more), grey, idle and hatching.
///
/// Threads: GUI thread only; it reads snapshots the bridge hands it.
class SchedulersView : public QWidget
{
    Q_OBJECT

public:
    explicit SchedulersView(QWidget *parent = nullptr);

    void showSnapshot(const Snapshot &snapshot);
    void setLook(bool dark, int textPx);

    /// Consumers take these many colours in turn: consumer n has colour n mod kConsumerColours. Few enough to
    /// tell apart in a lane and to list in the key.
    static constexpr int kConsumerColours = 8;
    /// The colour of consumer `index`'s slices (router and other graph work: grey).
    [[nodiscard]] static QColor consumerColour(int index);
    /// What the view shows now, for tests: per lane, its label ("executor 0 · 83%").
    [[nodiscard]] QStringList laneLabels() const;
    /// Busy share of each lane over the window shown, 0..1 (what the label prints).
    [[nodiscard]] std::vector<double> laneBusy() const { return m_busy; }
    /// The consumers that ran in the window shown, by index, rising.
    [[nodiscard]] QList<int> consumersShown() const { return m_consumers; }
    /// One entry of the key under the lanes: a swatch and what it means.
    struct KeyEntry {
        enum class Swatch { Fill, Idle, Hatched };
        Swatch swatch = Swatch::Fill;
        QColor colour; ///< Fill: the colour drawn in the lanes
        QString text; ///< "C3", "router, other graph work", ...
    };
    /// The key as drawn now: a swatch per consumer colour in the lanes, then grey, idle and hatched.
    [[nodiscard]] QList<KeyEntry> keyEntries() const;
    /// The sentence under the key swatches: how colours repeat when consumers outnumber them (else empty).
    [[nodiscard]] QString keyNote() const;
    /// Where lane `index` is drawn, in widget coordinates (for tests).
    [[nodiscard]] QRect laneRect(int index) const;
    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;
    [[nodiscard]] bool hasHeightForWidth() const override { return true; }
    [[nodiscard]] int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    /// A lane is a text line and more: the lanes have a tab of their own.
    [[nodiscard]] int lineHeight() const { return m_textPx * 5 / 2; }
    [[nodiscard]] QFont textFont() const;
    /// Where the key's swatches and texts go at `width`, below the lanes; returns the key's height.
    struct KeyPlace {
        QRect swatch;
        QRect text;
    };
    int layoutKey(int width, int top, QList<KeyPlace> *places, QRect *note) const;
    [[nodiscard]] QString heading() const;
    [[nodiscard]] int headingHeight(int width) const;
    [[nodiscard]] int lanesBottom(int width) const;
    void paintSwatch(QPainter &p, const KeyEntry &entry, const QRect &rect) const;

    static constexpr double kWindowS = 1.0;
    /// A thread's ring holds at least this many slices (a producer's 4096); a lane with as many wrapped.
    static constexpr std::size_t kRingFull = 4096;

    std::vector<ThreadSample> m_threads;
    std::vector<double> m_busy;
    double m_endS = 0;
    QList<int> m_consumers; ///< consumers that ran in the window, rising
    int m_keyShape = -1; ///< the key's entries and note, the heading's height: a change lays the widget out again
    bool m_dark = false;
    int m_textPx = 13;
};

} // namespace beam
