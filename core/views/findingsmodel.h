#pragma once

#include "diagnosis/diagnosisresult.h"

#include <QAbstractTableModel>

namespace gwb {

// Findings, worst first, as a table (cause, status, count, where, first, last). Role Qt::ToolTipRole gives the
// explanation; CauseRole the Cause as int; FindingIndexRole the index into DiagnosisResult::findings.
class FindingsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { CauseColumn, StatusColumn, CountColumn, WhereColumn, FirstColumn, LastColumn, ColumnCount };
    enum Role { CauseRole = Qt::UserRole + 1, FindingIndexRole, SeverityRole };

    explicit FindingsModel(QObject *parent = nullptr);
    void setResult(const DiagnosisResult *result); // not owned; nullptr clears
    const DiagnosisResult *result() const { return m_result; }

    // 2: clients got errors (5xx, 499, a non-HTTP answer); 1: every failure was rescued by a retry, or the
    // error log alone tells of it.
    static int severityOf(const Finding &f);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const DiagnosisResult *m_result = nullptr;
};

} // namespace gwb
