// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

namespace beam {

/// The on-screen key to the topology's colours: one swatch per visual::State, its name written on its own
/// fill, so the legend is itself a contrast check. Threads: GUI thread only.
class StateLegend : public QWidget
{
    Q_OBJECT

public:
    explicit StateLegend(QWidget *parent = nullptr);
};

} // namespace beam
