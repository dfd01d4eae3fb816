// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QList>
#include <QString>

namespace beam {

/// The window's one visual language (docs/visual-language.md): what a node can be doing, the colour that means
/// it everywhere, the text drawn on that colour, and the sizes that make it readable from the back of a room.
/// Colours are the Okabe–Ito set, which colour-blind viewers tell apart; every fill carries text with a contrast
/// ratio of at least 4.5:1 (WCAG AA), in light and in dark mode alike, because the fills do not change with the
/// theme. Pure functions; any thread.
namespace visual {

/// What a node is doing. The topology fills each node with its state's colour and prints the state in words
/// too, so colour only repeats what the text says.
enum class State {
    Idle, ///< nothing to do
    Busy, ///< spending CPU on events
    IoWait, ///< waiting on (simulated) I/O with events to do
    Held, ///< held back by back-pressure (producers), or full (the limiter)
    Down, ///< crashed, being restarted by its supervisor
    Hung, ///< makes no progress; the hang timeout will kill it
    GaveUp, ///< its supervisor exceeded its intensity and gave up
    Count
};

[[nodiscard]] QList<State> allStates();
[[nodiscard]] QColor fill(State state);
/// Text drawn on `fill(state)`.
[[nodiscard]] QColor textOn(State state);
/// The state in the words the legend, the nodes and the help use.
[[nodiscard]] QString name(State state);

/// WCAG 2.1 relative luminance of an sRGB colour, 0 (black) .. 1 (white).
[[nodiscard]] double luminance(const QColor &colour);
/// WCAG 2.1 contrast ratio of two colours, 1 .. 21.
[[nodiscard]] double contrast(const QColor &a, const QColor &b);

/// What a chart series shows; each has one colour per theme, chosen for at least 3:1 against the chart's
/// background (WCAG's ratio for graphics).
/// Model: the queueing model's predictions drawn over the measured lines (bluish green, dash-dot), a colour
/// no measured series uses.
enum class Ink { Primary, Secondary, Tertiary, Threshold, Marker, Model };
[[nodiscard]] QColor ink(Ink ink, bool dark);
/// The charts' plot background in each theme.
[[nodiscard]] QColor chartBackground(bool dark);
/// Text drawn straight on that background (tick labels, edge labels), in each theme.
[[nodiscard]] QColor textOnBackground(bool dark);

/// The smallest text the window draws in presentation mode, in pixels. The rule of thumb is letters at 1/250 of
/// the distance to the back row: 19 px at 1080 lines for 8 m, no margin at all (a projector's keystone and blur
/// eat some). 24 px leaves a quarter for them, and still reads at 10 m. The tiles' numbers are 2.2 times this.
constexpr int kPresentationTextPx = 24;
/// The smallest a tile's number is drawn in presentation mode (2.2 times the text where six fit a row).
constexpr int kPresentationValuePx = 48;
/// The same for a desk: the platform's default font decides; this is only the floor for generated text.
constexpr int kDeskTextPx = 13;

} // namespace visual
} // namespace beam
