#include "findingsdecorator.h"

#include "causecolors.h"
#include "views/findingsmodel.h"

#include <QPainter>
#include <QPixmap>

namespace gwb {

FindingsDecorator::FindingsDecorator(QObject *parent) : QIdentityProxyModel(parent) {}

static QPixmap swatch(const QColor &color)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(color);
    p.setPen(color.darker(130));
    p.drawRoundedRect(QRectF(0.5, 0.5, 11, 11), 3, 3);
    return pm;
}

QVariant FindingsDecorator::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (role == Qt::DecorationRole && index.column() == FindingsModel::CauseColumn) {
        const QVariant cause = QIdentityProxyModel::data(index, FindingsModel::CauseRole);
        if (cause.isValid())
            return swatch(causeColor(static_cast<Cause>(cause.toInt())));
    }
    if (role == Qt::FontRole && index.column() == FindingsModel::StatusColumn) {
        QFont f;
        f.setBold(true);
        return f;
    }
    return QIdentityProxyModel::data(index, role);
}

} // namespace gwb
