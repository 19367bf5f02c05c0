#pragma once

#include <QIdentityProxyModel>

namespace gwb {

// Adds the cause colour (a swatch in the cause column and a tinted text colour for the status) on top of
// core's FindingsModel, which knows nothing about colours.
class FindingsDecorator final : public QIdentityProxyModel
{
    Q_OBJECT
public:
    explicit FindingsDecorator(QObject *parent = nullptr);
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
};

} // namespace gwb
