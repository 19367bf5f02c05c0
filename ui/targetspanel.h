#pragma once

#include "session.h"

#include <QTreeWidget>

namespace gwb {

// The inputs of the investigation: config files, access and error logs, with line and event counts and
// what went wrong reading them. Activating one opens it (config → Config tab, log → Logs tab).
class TargetsPanel final : public QTreeWidget
{
    Q_OBJECT
public:
    explicit TargetsPanel(QWidget *parent = nullptr);
    void setSession(const SessionPtr &session);

signals:
    void openConfig(const gwb::SourceLocation &where);
    void openLog(const gwb::SourceLocation &where);
};

} // namespace gwb
