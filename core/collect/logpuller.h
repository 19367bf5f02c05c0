#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"

#include <QString>
#include <QStringList>

namespace gwb {

// Copies a byte range of one remote file into a local spool file as the bytes arrive. A .gz file travels
// compressed (fewer bytes on the wire) and is decompressed here. A dropped connection is retried once,
// from the last byte received; if that fails too, what arrived stays in the spool and the result says
// partial, with the reason.
struct PullRequest
{
    QByteArray path;
    quint64 begin = 0;
    quint64 end = 0; // exclusive
    bool gzip = false;
    SudoUse sudo = SudoUse::No;
    QString spoolPath;
    int reconnects = 1;
};

struct PullResult
{
    quint64 wireBytes = 0;    // bytes received from the host
    quint64 spooledBytes = 0; // bytes written locally (decompressed)
    bool partial = false;
    QString message; // why it is partial (or the .gz was damaged), one sentence
    QStringList notes; // resumed transfers
};

using PullProgress = std::function<void(quint64 wireBytes)>;
// Receives the bytes written to the spool (decompressed, for .gz), in order, with the spool offset of their
// first byte; a transfer resumed after a reconnect continues at the offset where the bytes stopped.
using PullSink = std::function<void(QByteArrayView bytes, quint64 spoolOffset)>;

// Fails only when the spool cannot be written or the pull was cancelled; a broken transfer is a partial
// result, not an error, so that the caller keeps what arrived.
[[nodiscard]] Result<PullResult> pullRange(Transport &transport, const PullRequest &request,
                                           const PullProgress &progress, const CancelToken &cancel,
                                           const PullSink &sink = {});

} // namespace gwb
