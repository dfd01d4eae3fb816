// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QWidget>

#include <optional>

namespace beam {

/// The run's time line under the charts: everything the flight recorder keeps, from its oldest snapshot to its
/// newest, with what happened marked on it (crashes, hangs, escalations, a change of settings, each caption of a
/// lesson and each verdict) and the time cursor. Its key is a label of its own (keyHtml(), in the status bar). A click
/// or a drag asks for the cursor there; the window decides (MainWindow moves every view to it). Threads: GUI thread
/// only.
class TimelineBar : public QWidget
{
    Q_OBJECT

public:
    /// One thing to mark.
    struct Mark {
        /// What it was; each kind has its colour and its word in the key under the bar.
        enum class Kind { Crash, Hang, Escalation, Setting, Caption, Passed, Failed };
        double atS = 0;
        Kind kind = Kind::Crash;
        QString label; ///< a caption's number
    };

    explicit TimelineBar(QWidget *parent = nullptr);

    void setLook(bool dark, int textPx);
    /// The span kept, in seconds of the run (the recorder's oldest and newest snapshot).
    void setSpan(double firstS, double lastS);
    void setMarks(QList<Mark> marks);
    /// The cursor's time, or none: the view is live (drawn at the right end, "live").
    void setCursorAt(std::optional<double> atS);
    [[nodiscard]] std::optional<double> cursorAt() const { return m_cursor; }
    [[nodiscard]] double firstS() const { return m_firstS; }
    [[nodiscard]] double lastS() const { return m_lastS; }
    /// The time under x (a pixel of this widget), within the span.
    [[nodiscard]] double timeAt(int x) const;
    /// The pixel of `atS` on the bar.
    [[nodiscard]] int xOf(double atS) const;
    /// The key to the event marks' colours, as rich text for a label ("timeline: ■ crash ■ hang ..."); captions
    /// are numbered flags and verdicts ✓ and ✗, which need none.
    [[nodiscard]] static QString keyHtml();

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

signals:
    /// A click or a drag on the bar, at `atS`.
    void cursorRequested(double atS);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    [[nodiscard]] QRect barRect() const;
    [[nodiscard]] int lineHeight() const { return m_textPx * 3 / 2; }
    void paintMarks(QPainter &p, const QRect &bar) const;
    void paintCursor(QPainter &p, const QRect &bar) const;
    [[nodiscard]] static QColor colour(Mark::Kind kind);

    QList<Mark> m_marks;
    double m_firstS = 0;
    double m_lastS = 0;
    std::optional<double> m_cursor;
    bool m_dark = false;
    int m_textPx = 13;
};

} // namespace beam
