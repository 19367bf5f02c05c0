#pragma once

#include "diagnosis/diagnosisresult.h"

#include <QString>

namespace gwb {

// The `gwb diagnose --format text` summary: worst finding first, each with where, why, what to do and evidence.
QString diagnosisToText(const DiagnosisResult &result);

} // namespace gwb
