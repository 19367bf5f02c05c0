#pragma once

#include <QRegularExpression>
#include <QStyledItemDelegate>

namespace gwb {

// Paints log cells: status and cause in their colours, and inside the raw line the parts an SRE scans
// for (status after the request, upstream addresses, error phrases). Only visible cells are painted.
class LogLineDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit LogLineDelegate(QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    void paintLine(QPainter *painter, const QStyleOptionViewItem &option, const QString &text) const;
    QRegularExpression m_status;
    QRegularExpression m_address;
    QRegularExpression m_error;
};

} // namespace gwb
