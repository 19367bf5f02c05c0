#pragma once

#include "diagnosis/diagnosisresult.h"

#include <QJsonObject>

namespace gwb {

inline constexpr QLatin1StringView kDiagnosisSchema("gwb.diagnosis/1");

// The `gwb diagnose --format json` document (schema gwb.diagnosis/1). Documented in docs/json-schema.md.
QJsonObject diagnosisToJson(const DiagnosisResult &result);
QByteArray diagnosisToJsonText(const DiagnosisResult &result);

} // namespace gwb
