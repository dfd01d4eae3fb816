// SPDX-License-Identifier: MIT
#pragma once

#include "core/pipelineconfig.h"

#include <QSet>
#include <QWidget>

#include <functional>
#include <vector>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QHBoxLayout;
class QPushButton;
class QSettings;
class QSlider;
class QSpinBox;
QT_END_NAMESPACE

namespace beam {

/// Every control of the pipeline, each a slider with a spin box beside it for exact values, a one-sentence
/// tooltip, and keyboard access; values are persisted with QSettings. Emits the whole configuration on
/// every change (the bridge waits for quiet before applying it). Threads: GUI thread only.
class ControlPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ControlPanel(QWidget *parent = nullptr);

    [[nodiscard]] PipelineConfig config() const;
    void setConfig(const PipelineConfig &config);
    void load(QSettings &settings);
    void save(QSettings &settings) const;
    /// Reflects the engine's state on the buttons.
    void setRunning(bool running, bool paused);

    /// A control by its configuration field name (for tests): the spin box that holds its exact value.
    [[nodiscard]] QDoubleSpinBox *spinBox(const QString &field) const;
    [[nodiscard]] QSlider *slider(const QString &field) const;

signals:
    void configChanged(const beam::PipelineConfig &config);
    void startRequested();
    void pauseToggled();
    void stopRequested();
    void resetRequested();

private:
    struct Control {
        QString field;
        QSlider *slider = nullptr;
        QDoubleSpinBox *spin = nullptr;
    };
    QHBoxLayout *createButtons();
    QGroupBox *createFlowGroup();
    QGroupBox *createFaultGroup();
    QDoubleSpinBox *addControl(QFormLayout *form, const QString &field, const QString &label, const QString &tip,
        double low, double high, int decimals, bool logarithmic);
    void emitChanged();

    std::vector<Control> m_controls;
    QCheckBox *m_unlimitedRate = nullptr;
    QCheckBox *m_slowEnabled = nullptr;
    QCheckBox *m_poisonEnabled = nullptr;
    QComboBox *m_overload = nullptr;
    QComboBox *m_strategy = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_reset = nullptr;
    bool m_loading = false;
    PipelineConfig m_base; ///< the last configuration set: fields the user has not moved come from it
    QSet<QString> m_touched; ///< fields the user moved since then
};

} // namespace beam
