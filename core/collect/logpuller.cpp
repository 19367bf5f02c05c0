#include "collect/logpuller.h"

#include "io/gzipdecoder.h"

#include <QFile>

namespace gwb {

Result<PullResult> pullRange(Transport &transport, const PullRequest &req, const PullProgress &progress,
                             const CancelToken &cancel, const PullSink &sink)
{
    QFile spool(req.spoolPath);
    if (!spool.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Error::io(QStringLiteral("cannot write the spool file %1: %2").arg(req.spoolPath, spool.errorString()));

    PullResult result;
    bool writeFailed = false;
    auto writeOut = [&](QByteArrayView bytes) {
        if (writeFailed || spool.write(bytes.data(), bytes.size()) != bytes.size()) {
            writeFailed = true;
            return false;
        }
        // spooledBytes counts across reconnects, so a resumed transfer continues at the right offset.
        if (sink && !bytes.isEmpty())
            sink(bytes, result.spooledBytes);
        result.spooledBytes += quint64(bytes.size());
        return true;
    };
    GzipDecoder decoder(writeOut);
    bool gzipBroken = false;
    const quint64 length = req.end > req.begin ? req.end - req.begin : 0;

    for (int attempt = 0; result.wireBytes < length; ++attempt) {
        const quint64 from = req.begin + result.wireBytes;
        const auto command = RemoteCommand::readRange(req.path, ByteOffset(from), length - result.wireBytes)
                                 .withSudo(req.sudo);
        const quint64 before = result.wireBytes;
        auto end = transport.stream(
            command,
            [&](QByteArrayView chunk) {
                // Never more than asked: a file that grew meanwhile must not leak past the window.
                const auto room = length - result.wireBytes;
                const QByteArrayView take = chunk.first(qsizetype(qMin<quint64>(room, quint64(chunk.size()))));
                result.wireBytes += quint64(take.size());
                if (req.gzip) {
                    if (!gzipBroken && !decoder.feed(take))
                        gzipBroken = true;
                } else {
                    writeOut(take);
                }
            },
            [&](quint64) {
                if (progress)
                    progress(result.wireBytes);
            },
            cancel);
        if (writeFailed)
            return Error::io(QStringLiteral("cannot write the spool file %1: %2").arg(req.spoolPath, spool.errorString()));
        if (!end && end.error().kind == Error::Kind::Cancelled)
            return end.error();
        if (end && end->exitCode == 0)
            break; // the file may be shorter than its size said (truncated meanwhile): take what is there
        const QString why = end ? QStringLiteral("%1 exited with status %2: %3")
                                      .arg(command.label())
                                      .arg(end->exitCode)
                                      .arg(QString::fromUtf8(end->err).trimmed())
                                : end.error().message;
        // Only a broken connection is worth another try; a command that failed will fail again.
        const bool retry = !end && attempt < req.reconnects;
        if (!retry) {
            result.partial = true;
            result.message = QStringLiteral("%1; kept the %2 bytes received (from byte %3), the log is partial")
                                 .arg(why)
                                 .arg(result.wireBytes)
                                 .arg(req.begin);
            break;
        }
        result.notes << QStringLiteral("%1 after %2 bytes; reconnected and resumed from byte %3")
                            .arg(why)
                            .arg(result.wireBytes - before)
                            .arg(req.begin + result.wireBytes);
    }
    if (req.gzip && !gzipBroken && !result.partial && !decoder.finish())
        gzipBroken = true;
    if (gzipBroken && result.message.isEmpty())
        result.message = QStringLiteral("%1 is a damaged gzip file (%2); kept what could be decompressed")
                             .arg(QString::fromUtf8(req.path), decoder.error());
    if (!spool.flush())
        return Error::io(QStringLiteral("cannot write the spool file %1: %2").arg(req.spoolPath, spool.errorString()));
    return result;
}

} // namespace gwb
