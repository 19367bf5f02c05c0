#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace gwb {

// THE one place that turns a value into a single POSIX sh word. Everything that reaches a remote (or local)
// shell as an argument goes through here: the value is wrapped in single quotes, inside which sh interprets
// nothing, and each embedded ' becomes '\'' (close, escaped quote, reopen). The result is always exactly one
// word, whatever the value contains ($(), backticks, ;, &&, newlines, globs, a leading -).
//
// A NUL byte cannot be passed through a C string (execve truncates there, so "a\0b" would silently become
// "a"): such values are refused with an Input error instead of being shortened.
[[nodiscard]] Result<QByteArray> shellQuote(QByteArrayView value);

} // namespace gwb
