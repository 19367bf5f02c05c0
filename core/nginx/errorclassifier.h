#pragma once

// Internal to the error-log parser: the message → cause table of shared/NGINX_ERRORS.md.

#include "cause.h"
#include "events.h"

#include <QByteArrayView>

namespace gwb::errorlog {

// What classification looks at: views into one decoded entry (no copies).
struct MessageFacts
{
    LogLevel level = LogLevel::Error;
    QByteArrayView message;   // "connect() failed (111: Connection refused)"
    int errnoCode = -1;       // as written: Linux, BSD or Windows numbering
    QByteArrayView errnoText; // "Connection refused"
    Phase phase = Phase::Unknown;
    QByteArrayView phaseText; // "connecting to upstream"
    QByteArrayView upstream;  // value of the upstream: field, "" when absent
};

Cause classifyMessage(const MessageFacts &facts);

// The Linux errno for an errno as nginx wrote it. Numbers differ between systems (ECONNREFUSED is 111 on
// Linux, 61 on BSD, 10061 on Windows) while the strerror text mostly does not, so the text decides when it is
// known.
int canonicalErrno(int code, QByteArrayView text);

} // namespace gwb::errorlog
