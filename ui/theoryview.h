// SPDX-License-Identifier: MIT
#pragma once

#include "core/queueingmodel.h"
#include "core/snapshot.h"

#include <QPointF>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QPushButton;
class QToolButton;
QT_END_NAMESPACE

namespace beam {

using SnapshotPtr = std::shared_ptr<const Snapshot>;
class TheoryPlot;

/// A measured point of a what-if sweep, as the Theory tab draws it.
struct SweepMark {
    double rho = 0; ///< the model's rho at that point (x)
    double wMeanUs = 0; ///< measured mean W, mean over the repeats
    double wMinUs = 0; ///< the repeats' lowest mean W
    double wMaxUs = 0; ///< the repeats' highest
    double modelWUs = 0; ///< the model's mean W there (NaN: it predicts none)
};

/// Theory beside measurement (docs/theory.md): the queueing model of the pipeline shown (modelOfSnapshot, the
/// same numbers the charts' "model" lines, the report's `model` and the lessons' checks read), its W-versus-rho
/// curve for the configuration in force with the live operating point moving on it and the measured points of
/// the last seconds; the model's assumptions and where it stops holding; the utilisation of each stage, measured
/// and by the model; and the points of a what-if sweep run from here.
///
/// Threads: GUI thread only.
class TheoryView : public QWidget
{
    Q_OBJECT

public:
    explicit TheoryView(QWidget *parent = nullptr);
    ~TheoryView() override;
    TheoryView(const TheoryView &) = delete;
    TheoryView &operator=(const TheoryView &) = delete;

    void setLook(bool dark, int textPx);
    /// Shows `snapshot`'s model, and the operating points of `recent` (the seconds before it, oldest first) that
    /// ran the same configuration.
    void showSnapshot(const Snapshot &snapshot, const std::vector<SnapshotPtr> &recent);

    /// A sweep's measured points (replacing the previous sweep's), and what the sweep row says.
    void setSweep(const std::vector<SweepMark> &marks, const QString &status);
    /// Opens the paragraph on the model's assumptions.
    void showAssumptions();
    /// Whether the sweep button may be pressed (false while a sweep runs, or with no engine).
    void setSweepEnabled(bool enabled);

    // What the view shows now, for tests.
    /// The model's figures, as the summary reads.
    [[nodiscard]] QString summaryText() const;
    /// Where the model stands: "holds", "near saturation", "saturated", "crashes dominate", and why.
    [[nodiscard]] QString fitText() const;
    /// The utilisation readout: the limiter, the consumers by the model and measured, each consumer.
    [[nodiscard]] QString utilisationText() const;
    [[nodiscard]] QString assumptionsText() const;
    /// The model shown now.
    [[nodiscard]] const QueueingModel &model() const { return m_model; }
    /// The live operating point (rho by measured throughput over capacity, measured mean W in µs); none while
    /// nothing finished or the model has no capacity.
    [[nodiscard]] std::optional<QPointF> operatingPoint() const;
    /// Points of the model's curve drawn, and measured points of the last seconds drawn.
    [[nodiscard]] int curvePoints() const;
    [[nodiscard]] int recentPoints() const;
    [[nodiscard]] int sweepPoints() const;

signals:
    /// The user asked for a sweep of the rate across the model's range.
    void sweepRequested();

private:
    void showUtilisation(const Snapshot &s, const std::vector<SnapshotPtr> &recent);

    QLabel *m_summary = nullptr;
    QLabel *m_fit = nullptr;
    TheoryPlot *m_plot = nullptr;
    QLabel *m_utilisation = nullptr;
    QPushButton *m_sweepButton = nullptr;
    QLabel *m_sweepStatus = nullptr;
    QLabel *m_assumptions = nullptr;
    QToolButton *m_assumptionsFold = nullptr;
    QueueingModel m_model;
    PipelineConfig m_steadyConfig; ///< the configuration of the last snapshot shown
    double m_steadySinceS = 0; ///< since when the engine has run it without a pause
    bool m_dark = false;
};

} // namespace beam
