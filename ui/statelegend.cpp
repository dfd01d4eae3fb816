// SPDX-License-Identifier: MIT
#include "statelegend.h"

#include "visualstyle.h"

#include <QGridLayout>
#include <QLabel>

namespace beam {

StateLegend::StateLegend(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("stateLegend"));
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 2, 0, 0);
    grid->setSpacing(4);
    const auto states = visual::allStates();
    constexpr int kColumns = 4;
    for (int i = 0; i < states.size(); ++i) {
        auto *swatch = new QLabel(visual::name(states[i]));
        swatch->setObjectName(QStringLiteral("stateSwatch"));
        swatch->setAlignment(Qt::AlignCenter);
        swatch->setWordWrap(true); // a narrow pane (the controls and a lesson beside it) takes two lines
        // The one place a colour is set in code: the fill is the state's meaning, the same in light and dark.
        swatch->setStyleSheet(QStringLiteral("QLabel { background: %1; color: %2; }")
                                  .arg(visual::fill(states[i]).name(), visual::textOn(states[i]).name()));
        grid->addWidget(swatch, i / kColumns, i % kColumns);
    }
    auto *crash = new QLabel(tr("thick border: crashed"));
    crash->setObjectName(QStringLiteral("stateSwatch"));
    crash->setAlignment(Qt::AlignCenter);
    crash->setWordWrap(true);
    crash->setStyleSheet(
        QStringLiteral("QLabel { background: %1; color: %2; border: 4px solid %2; }")
            .arg(visual::fill(visual::State::Down).name(), visual::textOn(visual::State::Down).name()));
    grid->addWidget(crash, static_cast<int>(states.size()) / kColumns, static_cast<int>(states.size()) % kColumns);
}

} // namespace beam
