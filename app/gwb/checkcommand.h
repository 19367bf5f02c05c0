#pragma once

#include <QStringList>

namespace gwb::cli {

// `gwb check`: run the guided checks headless.
int check(const QStringList &args);

} // namespace gwb::cli
