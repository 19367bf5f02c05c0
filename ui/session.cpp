#include "session.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace gwb {

QString Session::title() const
{
    if (!inputs.configDump.isEmpty())
        return QFileInfo(inputs.configDump).fileName();
    if (!inputs.configFile.isEmpty())
        return inputs.configFile;
    if (!inputs.accessLogs.isEmpty())
        return QFileInfo(inputs.accessLogs.first()).fileName();
    if (!inputs.errorLogs.isEmpty())
        return QFileInfo(inputs.errorLogs.first()).fileName();
    return QCoreApplication::translate("gwb", "investigation");
}

} // namespace gwb
