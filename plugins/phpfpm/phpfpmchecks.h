#pragma once

// The two checks of the php-fpm plugin and what they share: which subjects they look at, and finding
// php-fpm's files on the nginx host through the read-only `find` template.

#include "checks/check.h"

#include <memory>

namespace gwb::phpfpm {

std::unique_ptr<Check> makePoolCheck();        // "php-fpm-pool"
std::unique_ptr<Check> makeMaxChildrenCheck(); // "php-fpm-max-children"

// A fastcgi peer that lives on the nginx host, or a unix socket peer whose failures look like php-fpm's.
bool appliesToSubject(const CheckSubject &subject);

// Where to look for files: `find DIR -maxdepth DEPTH -type f -name PATTERN`, keeping only paths that contain
// `mustContain` (when set).
struct SearchSpot
{
    QByteArray dir;
    QByteArray pattern;
    int depth = 1;
    QString mustContain;
};

struct FoundFiles
{
    QStringList files;    // sorted, each once
    QStringList problems; // "find: '/etc/php/8.2/fpm/pool.d': Permission denied"
    QStringList searched; // "/etc/php (*.conf)" for messages
};
FoundFiles findOnHost(CheckContext &context, CheckResult &record, const std::vector<SearchSpot> &spots);
QStringList plannedFinds(const std::vector<SearchSpot> &spots, SudoUse sudo);

// The could-not-run result of a check that needs the host but was opened from files.
CheckResult noHostResult(CheckResult r);

} // namespace gwb::phpfpm
