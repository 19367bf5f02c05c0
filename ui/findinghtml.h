#pragma once

#include "diagnosis/diagnosisresult.h"

#include <QPalette>
#include <QString>
#include <QUrl>

#include <optional>

namespace gwb {

struct LintResult;

// The detail pane's HTML. Links use two schemes the views resolve themselves:
//   gwb-config:FILE#LINE → Config tab at that line;  gwb-log:FILE#LINE → Logs tab at that line.
QString findingHtml(const Finding &finding, int tzOffsetMinutes, const QPalette &palette);
QString lintHtml(const LintResult &lint);
QString diagnosticHtml(const Diagnostic &diagnostic);

QUrl configLink(const SourceLocation &where);
QUrl logLink(const SourceLocation &where);
// The location a gwb-config:/gwb-log: link points at, and whether it is a config (true) or log link.
std::optional<std::pair<bool, SourceLocation>> parseLink(const QUrl &url);

} // namespace gwb
