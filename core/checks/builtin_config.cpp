#include "checks/builtins.h"
namespace gwb {
void addConfigChecks(CheckList &) {}
} // namespace gwb
