#pragma once

#include <QHash>
#include <QMutex>
#include <QRegularExpression>
#include <QString>

namespace gwb {

// Compiled regexes of server_name and location patterns. findServer/matchLocation may run once per log
// line, from several threads: compile each pattern once, hand out (implicitly shared) copies under a lock.
class ConfigRegexCache final
{
public:
    // Invalid patterns come back with isValid() == false (and never match).
    QRegularExpression get(const QString &pattern, bool caseInsensitive);

private:
    QMutex m_mutex;
    QHash<QString, QRegularExpression> m_compiled;
};

} // namespace gwb
