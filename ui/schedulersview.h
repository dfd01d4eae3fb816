// SPDX-License-Identifier: MIT
#pragma once

#include "core/snapshot.h"

#include <QWidget>

namespace beam {

/// Many actors, few threads: one lane per engine thread (executor threads and producers) over the last
/// second, each slice coloured by the consumer whose body ran there, with the share of that time the thread was
/// busy. The percentage is measured from the slices drawn, so the number and the lane always agree.
///
/// Threads: GUI thread only; it reads snapshots the bridge hands it.
class SchedulersView : public QWidget
{
    Q_OBJECT

public:
    explicit SchedulersView(QWidget *parent = nullptr);

    void showSnapshot(const Snapshot &snapshot);
    void setLook(bool dark, int textPx);

    /// The colour of consumer `index`'s slices (router and other graph work: grey).
    [[nodiscard]] static QColor consumerColour(int index);
    /// What the view shows now, for tests: per lane, its label ("executor 0 · 83%").
    [[nodiscard]] QStringList laneLabels() const;
    /// Busy share of each lane over the window shown, 0..1 (what the label prints).
    [[nodiscard]] std::vector<double> laneBusy() const { return m_busy; }
    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    /// A lane is a text line and more: the lanes have a tab of their own.
    [[nodiscard]] int lineHeight() const { return m_textPx * 5 / 2; }

    static constexpr double kWindowS = 1.0;
    /// A thread's ring holds at least this many slices (a producer's 4096); a lane with as many wrapped.
    static constexpr std::size_t kRingFull = 4096;

    std::vector<ThreadSample> m_threads;
    std::vector<double> m_busy;
    double m_endS = 0;
    int m_consumersSeen = 0;
    bool m_dark = false;
    int m_textPx = 13;
};

} // namespace beam
