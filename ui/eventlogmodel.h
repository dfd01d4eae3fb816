// SPDX-License-Identifier: MIT
#pragma once

#include "core/snapshot.h"

#include <QAbstractTableModel>

#include <deque>
#include <optional>

namespace beam {

/// The engine's events as a table a person reads: time, who, what. Each snapshot's new events are added as
/// they come; a burst of the same kind within one snapshot (a crash storm logs thousands a second) is one row
/// with its count, so the log stays readable and bounded (kMaxRows, oldest dropped).
///
/// Threads: GUI thread only.
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Who, What, ColumnCount };
    static constexpr int kMaxRows = 1000;
    /// A snapshot's events of one kind and cause past this many are shown as one row with their count.
    static constexpr int kBurst = 3;

    using QAbstractTableModel::QAbstractTableModel;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Adds the snapshot's events.
    void add(const Snapshot &snapshot);
    void clear();

    /// A row's time, seconds since the run started.
    [[nodiscard]] double timeAt(int row) const;
    /// The time cursor (none: live). Rows after it are drawn faint: at that moment they had not happened.
    void setCursorAt(std::optional<double> atS);
    /// The last row at or before the cursor (the last row when live), or -1.
    [[nodiscard]] int rowAtCursor() const;
    /// Whether `row` happened after the cursor.
    [[nodiscard]] bool afterCursor(int row) const;

private:
    struct Row {
        double atS = 0;
        QString who;
        QString what;
        EngineEvent::Kind kind = EngineEvent::Kind::Crash;
    };
    std::deque<Row> m_rows;
    std::optional<double> m_cursor;
};

} // namespace beam
