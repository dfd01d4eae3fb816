// SPDX-License-Identifier: MIT
#include "eventlogmodel.h"

#include <algorithm>

#include <QBrush>
#include <QColor>

#include <map>

namespace beam {

namespace {

QString whatOf(const EngineEvent &e)
{
    QString detail = QString::fromStdString(e.what);
    switch (e.kind) {
    case EngineEvent::Kind::Crash:
        return QObject::tr("crashed (%1)").arg(detail);
    case EngineEvent::Kind::Restart:
        return QObject::tr("restarted by its supervisor");
    case EngineEvent::Kind::Escalation:
        return QObject::tr("escalation: %1").arg(detail);
    case EngineEvent::Kind::PipelineRestart:
        return QObject::tr("pipeline restarted: %1").arg(detail);
    case EngineEvent::Kind::GaveUp:
        return QObject::tr("GAVE UP: %1").arg(detail);
    case EngineEvent::Kind::Configuration:
        return QObject::tr("set %1").arg(detail);
    case EngineEvent::Kind::ThreadFailed:
        return QObject::tr("ERROR: %1").arg(detail);
    }
    return detail;
}

QString whoOf(const EngineEvent &e)
{
    if (e.consumer >= 0)
        return QObject::tr("consumer %1").arg(e.consumer);
    switch (e.kind) {
    case EngineEvent::Kind::Escalation:
    case EngineEvent::Kind::PipelineRestart:
    case EngineEvent::Kind::GaveUp:
        return QObject::tr("supervisors");
    case EngineEvent::Kind::Configuration:
        return QObject::tr("settings");
    case EngineEvent::Kind::ThreadFailed:
        return QObject::tr("engine");
    case EngineEvent::Kind::Crash:
    case EngineEvent::Kind::Restart:
        break;
    }
    return {};
}

} // namespace

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time:
            return QStringLiteral("%1 s").arg(row.atS, 0, 'f', 2);
        case Who:
            return row.who;
        case What:
            return row.what;
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && m_cursor && row.atS > *m_cursor + 1e-9)
        return QBrush(QColor(150, 150, 150));
    if (role == Qt::ForegroundRole
        && (row.kind == EngineEvent::Kind::GaveUp || row.kind == EngineEvent::Kind::Escalation))
        return QBrush(QColor(200, 40, 40));
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1 s · %2 · %3").arg(row.atS, 0, 'f', 3).arg(row.who, row.what);
    return {};
}

void EventLogModel::setCursorAt(std::optional<double> atS)
{
    if (atS == m_cursor)
        return;
    m_cursor = atS;
    if (!m_rows.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::ForegroundRole});
}

int EventLogModel::rowAtCursor() const
{
    if (!m_cursor)
        return rowCount() - 1;
    const auto after = std::upper_bound(
        m_rows.begin(), m_rows.end(), *m_cursor + 1e-9, [](double t, const Row &r) { return t < r.atS; });
    return static_cast<int>(after - m_rows.begin()) - 1;
}

bool EventLogModel::afterCursor(int row) const
{
    return m_cursor && row >= 0 && row < rowCount() && m_rows[static_cast<std::size_t>(row)].atS > *m_cursor + 1e-9;
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("time");
    case Who:
        return tr("who");
    case What:
        return tr("what");
    default:
        return {};
    }
}

void EventLogModel::add(const Snapshot &snapshot)
{
    if (snapshot.events.empty())
        return;
    // Count each kind and detail first: a burst becomes one row with its count and the consumers it hit.
    std::map<std::pair<int, std::string>, std::vector<const EngineEvent *>> groups;
    for (const auto &e : snapshot.events)
        groups[{static_cast<int>(e.kind), e.what}].push_back(&e);
    std::vector<Row> rows;
    for (const auto &e : snapshot.events) {
        const auto &group = groups[{static_cast<int>(e.kind), e.what}];
        if (group.size() <= static_cast<std::size_t>(kBurst)) {
            rows.push_back({e.atS, whoOf(e), whatOf(e), e.kind});
        } else if (group.front() == &e) {
            QStringList who;
            for (const auto *member : group) {
                if (member->consumer >= 0)
                    who << QString::number(member->consumer);
            }
            who.removeDuplicates();
            const QString many = who.size() > 6 ? tr("%1 consumers").arg(who.size())
                                                : tr("consumers %1").arg(who.join(QStringLiteral(", ")));
            rows.push_back({e.atS, who.isEmpty() ? whoOf(e) : many,
                tr("%1 × %2 (%3–%4 s)")
                    .arg(group.size())
                    .arg(whatOf(e))
                    .arg(group.front()->atS, 0, 'f', 2)
                    .arg(group.back()->atS, 0, 'f', 2),
                e.kind});
        }
    }
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
    m_rows.insert(m_rows.end(), rows.begin(), rows.end());
    endInsertRows();
    if (rowCount() > kMaxRows) {
        const int drop = rowCount() - kMaxRows;
        beginRemoveRows({}, 0, drop - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + drop);
        endRemoveRows();
    }
}

void EventLogModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

double EventLogModel::timeAt(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[static_cast<std::size_t>(row)].atS : 0.0;
}

} // namespace beam
