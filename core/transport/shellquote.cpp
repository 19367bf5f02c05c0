#include "transport/shellquote.h"

namespace gwb {

Result<QByteArray> shellQuote(QByteArrayView value)
{
    if (value.contains('\0'))
        return Error::input(
            QStringLiteral("a command argument contains a NUL byte, which no shell command can carry; "
                           "the value is refused rather than silently cut short"));
    QByteArray quoted;
    quoted.reserve(value.size() + 2);
    quoted += '\'';
    for (const char c : value) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    quoted += '\'';
    return quoted;
}

} // namespace gwb
