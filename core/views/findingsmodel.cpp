#include "findingsmodel.h"

#include "common/wallclock.h"

namespace gwb {

namespace {

bool clientsGotErrors(const Finding &f)
{
    for (const auto &[status, count] : f.clientStatus)
        if (count > 0 && (status >= 500 || status == 499 || status < 100))
            return true;
    return false;
}

QString statusText(const Finding &f)
{
    QStringList parts;
    for (const auto &[status, count] : f.clientStatus)
        parts << QStringLiteral("%1 ×%2").arg(status, 3, 10, QLatin1Char('0')).arg(count);
    if (parts.isEmpty() && f.errorLines > 0)
        return QStringLiteral("error log only");
    return parts.join(QStringLiteral(", "));
}

QString whereText(const Finding &f)
{
    QStringList hops;
    if (!f.server.isEmpty())
        hops << QStringLiteral("server ") + f.server;
    if (!f.location.isEmpty())
        hops << f.location;
    if (!f.upstream.isEmpty())
        hops << QStringLiteral("upstream ") + f.upstream;
    if (!f.peer.isEmpty())
        hops << QStringLiteral("peer ") + f.peer;
    return hops.join(QStringLiteral(" → "));
}

QString toolTip(const Finding &f)
{
    QString tip = f.title.isEmpty() ? causeInfo(f.cause).title : f.title;
    const QString explanation = f.explanation.isEmpty() ? causeInfo(f.cause).explanation : f.explanation;
    const QString advice = f.advice.isEmpty() ? causeInfo(f.cause).advice : f.advice;
    if (!explanation.isEmpty())
        tip += QStringLiteral("\n\n") + explanation;
    if (!advice.isEmpty())
        tip += QStringLiteral("\n\nWhat to do: ") + advice;
    if (f.retriedOk > 0)
        tip += QStringLiteral("\n\n%1 of these requests were retried on another attempt and ended well.")
                   .arg(f.retriedOk);
    return tip;
}

} // namespace

FindingsModel::FindingsModel(QObject *parent) : QAbstractTableModel(parent) {}

void FindingsModel::setResult(const DiagnosisResult *result)
{
    beginResetModel();
    m_result = result;
    endResetModel();
}

int FindingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_result ? 0 : static_cast<int>(m_result->findings.size());
}

int FindingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int FindingsModel::severityOf(const Finding &f)
{
    return clientsGotErrors(f) ? 2 : 1;
}

QVariant FindingsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_result)
        return {};
    const Finding &f = m_result->findings[std::size_t(index.row())];
    switch (role) {
    case CauseRole:
        return static_cast<int>(f.cause);
    case FindingIndexRole:
        return index.row();
    case SeverityRole:
        return severityOf(f);
    case Qt::ToolTipRole:
        return toolTip(f);
    case Qt::TextAlignmentRole:
        return index.column() == CountColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case CauseColumn:
        return QString(causeId(f.cause));
    case StatusColumn:
        return statusText(f);
    case CountColumn:
        return qulonglong(f.count);
    case WhereColumn:
        return whereText(f);
    case FirstColumn:
        return formatWallClock(f.firstMs, m_result->tzOffsetMinutes, m_result->tzKnown);
    case LastColumn:
        return formatWallClock(f.lastMs, m_result->tzOffsetMinutes, m_result->tzKnown);
    default:
        return {};
    }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *const names[ColumnCount] = {"Cause", "Client status", "Failures",
                                                   "Where", "First",         "Last"};
    return QString::fromLatin1(names[section]);
}

} // namespace gwb
