#pragma once

#include <QStringList>

namespace gwb::cli {

// `gwb report --output FILE.html|FILE.pdf` plus the input options of `gwb diagnose`.
int report(const QStringList &args);

// True when `args` (the command line after argv[0]) will write a PDF: `report --output X.pdf` or
// `diagnose --report X.pdf`. PDF needs a QGuiApplication (fonts), so main() must create one then.
bool wantsPdf(const QStringList &args);

} // namespace gwb::cli
