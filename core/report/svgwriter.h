#pragma once

#include "nginx/cause.h"

#include <QString>

#include <vector>

namespace gwb::svg {

// Escapes text for XML/HTML element content and attribute values. Log and config text is hostile: besides
// the five markup characters, control characters that XML forbids are dropped so the document stays valid.
QString escape(const QString &text);

// `text` cut to `maxChars` with an ellipsis; cut before escaping so no entity is split.
QString elide(const QString &text, int maxChars);

// Fill colour for an error rate: green (none) → yellow → orange → red; grey when there was no traffic.
QString rateColour(double rate, bool hasTraffic = true);

// Number with a fixed count of decimals and no trailing ".0", for coordinates.
QString num(double v);

} // namespace gwb::svg
