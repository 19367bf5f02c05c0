#include "phpfpmplugin.h"

#include "phpfpmchecks.h"

namespace gwb::phpfpm {

CheckList PhpFpmPlugin::createChecks() const
{
    CheckList checks;
    checks.push_back(makePoolCheck());
    checks.push_back(makeMaxChildrenCheck());
    return checks;
}

} // namespace gwb::phpfpm
