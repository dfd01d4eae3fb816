// SPDX-License-Identifier: MIT
#include "visualstyle.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace beam::visual {

namespace {
// Okabe & Ito, "Color Universal Design" (2008): eight colours that stay distinct under the common forms of
// colour blindness.
const QColor kSkyBlue(0x56, 0xB4, 0xE9);
const QColor kOrange(0xE6, 0x9F, 0x00);
const QColor kYellow(0xF0, 0xE4, 0x42);
const QColor kBlue(0x00, 0x72, 0xB2);
const QColor kVermillion(0xD5, 0x5E, 0x00);
const QColor kReddishPurple(0xCC, 0x79, 0xA7);

double channel(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
} // namespace

QList<State> allStates()
{
    QList<State> states;
    for (int i = 0; i < static_cast<int>(State::Count); ++i)
        states << static_cast<State>(i);
    return states;
}

QColor fill(State state)
{
    switch (state) {
    case State::Idle:
        return QColor(0xE4, 0xE4, 0xE4); // a quiet grey: nothing happening draws no attention
    case State::Busy:
        return kOrange;
    case State::IoWait:
        return kSkyBlue;
    case State::Held:
        return kYellow;
    case State::Down:
        return kReddishPurple;
    case State::Hung:
        return kBlue;
    case State::GaveUp:
        return kVermillion;
    case State::Count:
        break;
    }
    return Qt::white;
}

QColor textOn(State state)
{
    // Black reads on every light fill; the dark blue of "hung" needs white.
    return state == State::Hung ? QColor(Qt::white) : QColor(Qt::black);
}

QString name(State state)
{
    switch (state) {
    case State::Idle:
        return QCoreApplication::translate("visual", "idle");
    case State::Busy:
        return QCoreApplication::translate("visual", "busy (CPU)");
    case State::IoWait:
        return QCoreApplication::translate("visual", "waiting on I/O");
    case State::Held:
        return QCoreApplication::translate("visual", "held back / full");
    case State::Down:
        return QCoreApplication::translate("visual", "down, restarting");
    case State::Hung:
        return QCoreApplication::translate("visual", "hung");
    case State::GaveUp:
        return QCoreApplication::translate("visual", "gave up");
    case State::Count:
        break;
    }
    return {};
}

double luminance(const QColor &colour)
{
    const QColor c = colour.toRgb();
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor chartBackground(bool dark)
{
    return dark ? QColor(0x1E, 0x1E, 0x22) : QColor(Qt::white);
}

QColor textOnBackground(bool dark)
{
    return dark ? QColor(0xEE, 0xEE, 0xEE) : QColor(0x11, 0x11, 0x11);
}

QColor ink(Ink ink, bool dark)
{
    // Light: the darker Okabe-Ito colours (the light ones vanish on white). Dark: the lighter ones.
    switch (ink) {
    case Ink::Primary:
        return dark ? kSkyBlue : kBlue;
    case Ink::Secondary:
        return dark ? kOrange : kVermillion;
    case Ink::Tertiary:
        return dark ? kReddishPurple : QColor(0x8A, 0x3B, 0x6B); // reddish purple, darkened for white
    case Ink::Threshold:
        return dark ? QColor(0xD8, 0xD8, 0xD8) : QColor(0x30, 0x30, 0x30);
    case Ink::Marker:
        return dark ? QColor(0xB0, 0xB0, 0xB0) : QColor(0x60, 0x60, 0x60);
    case Ink::Model:
        return dark ? QColor(0x2E, 0xC4, 0x96) : QColor(0x00, 0x7A, 0x5A); // Okabe-Ito bluish green, lighter / darker
    }
    return Qt::black;
}

} // namespace beam::visual
