#include "checks/probeparsers.h"

#include <QHostAddress>
#include <QRegularExpression>

namespace gwb {

namespace {

qint64 secondsToMs(const QString &v)
{
    bool ok = false;
    const double s = v.toDouble(&ok);
    return ok ? qint64(s * 1000.0 + 0.5) : -1;
}

// Header lines of a response: after the status line, up to the empty line.
void readHeaders(const QByteArray &raw, HttpProbeOutcome &out)
{
    const QList<QByteArray> lines = raw.split('\n');
    bool inHeader = false;
    for (QByteArray line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (!inHeader) {
            if (line.startsWith("HTTP/")) {
                out.statusLine = QString::fromLatin1(line);
                out.invalidHeaderLine.clear(); // a later response (after 100 Continue) replaces the first
                inHeader = true;
            }
            continue;
        }
        if (line.isEmpty()) {
            inHeader = false;
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = colon > 0 ? line.left(colon) : QByteArray();
        if (out.invalidHeaderLine.isEmpty() &&
            (colon <= 0 || name.contains(' ') || name.contains('\t') || line.startsWith(' ')))
            out.invalidHeaderLine = QString::fromLatin1(line.left(200));
    }
}

} // namespace

HttpProbeOutcome parseCurlProbe(const CommandOutput &output)
{
    HttpProbeOutcome out;
    out.toolExit = output.exitCode;
    out.error = QString::fromUtf8(output.err).trimmed();
    static const QRegularExpression summary(QStringLiteral(
        "gwb-probe code=(\\d+) connect=([0-9.]+) tls=([0-9.]+) ttfb=([0-9.]+) header=(\\d+)"));
    const QString text = QString::fromUtf8(output.out);
    const auto m = summary.match(text);
    if (m.hasMatch()) {
        out.httpCode = m.captured(1).toInt();
        out.connectMs = secondsToMs(m.captured(2));
        out.tlsMs = secondsToMs(m.captured(3));
        out.ttfbMs = secondsToMs(m.captured(4));
        out.headerBytes = m.captured(5).toLongLong();
    }
    readHeaders(output.out, out);
    out.completed = output.exitCode == 0 && out.httpCode > 0;
    return out;
}

HttpProbeOutcome parseRawProbe(const CommandOutput &output, qint64 elapsedMs)
{
    HttpProbeOutcome out;
    out.toolExit = output.exitCode;
    out.error = QString::fromUtf8(output.err).trimmed();
    readHeaders(output.out, out);
    static const QRegularExpression status(QStringLiteral("^HTTP/\\d(?:\\.\\d)? (\\d{3})"));
    const auto m = status.match(out.statusLine);
    if (m.hasMatch())
        out.httpCode = m.captured(1).toInt();
    const qsizetype end = output.out.indexOf("\r\n\r\n");
    out.headerBytes = end >= 0 ? end + 4 : -1;
    out.ttfbMs = elapsedMs;
    out.completed = out.httpCode > 0;
    if (output.exitCode == 0 && !out.completed && output.out.isEmpty() && out.error.isEmpty())
        out.error = QStringLiteral("Empty reply from server");
    else if (output.exitCode == 0 && !out.completed && !output.out.isEmpty())
        out.error = QStringLiteral("Received HTTP/0.9 when not allowed (the answer is not HTTP)");
    return out;
}

std::optional<ProbeJudgement> judgeProbeFailure(const HttpProbeOutcome &p, bool unixSocket, bool https)
{
    const QString e = p.error.toLower();
    auto verdict = [](Cause c, QString s) { return ProbeJudgement{c, std::move(s)}; };
    if (e.contains(QLatin1StringView("connection refused")))
        return verdict(unixSocket ? Cause::BackendRefused : Cause::BackendRefused,
                       unixSocket ? QStringLiteral("the socket exists but nothing accepts on it (connection refused)")
                                  : QStringLiteral("the connection was refused: nothing listens on that port"));
    if (e.contains(QLatin1StringView("no such file")))
        return verdict(Cause::SocketMissing, QStringLiteral("the unix socket does not exist"));
    if (e.contains(QLatin1StringView("permission denied")))
        return verdict(unixSocket ? Cause::SocketPermission : Cause::ConnectPermission,
                       QStringLiteral("the connect was denied (permission denied)"));
    if (e.contains(QLatin1StringView("no route to host")) || e.contains(QLatin1StringView("unreachable")))
        return verdict(Cause::BackendUnreachable, QStringLiteral("the peer is unreachable from the nginx host"));
    if (e.contains(QLatin1StringView("could not resolve")) || e.contains(QLatin1StringView("name or service not known")))
        return verdict(Cause::DnsFailure, QStringLiteral("the peer's name does not resolve on the nginx host"));
    if (p.toolExit == 28 || p.toolExit == 124) {
        if (p.connectMs <= 0 && !p.completed && p.toolExit == 28 && e.contains(QLatin1StringView("connection timed out")))
            return verdict(Cause::ConnectTimeout, QStringLiteral("the connect did not complete in time"));
        if (p.connectMs <= 0 && p.toolExit == 124 && p.statusLine.isEmpty() && p.error.isEmpty())
            return verdict(Cause::ConnectTimeout, QStringLiteral("no answer in time"));
        return verdict(Cause::ReadTimeout, QStringLiteral("connected, but no response header arrived in time"));
    }
    if (p.toolExit == 35 || e.contains(QLatin1StringView("wrong version number")) ||
        e.contains(QLatin1StringView("ssl routines")) || (https && e.contains(QLatin1StringView("ssl"))))
        return verdict(Cause::TlsHandshake, QStringLiteral("the TLS handshake failed: %1").arg(p.error.left(200)));
    if (p.toolExit == 52 || e.contains(QLatin1StringView("empty reply")))
        return verdict(Cause::PrematureClose, QStringLiteral("the peer closed the connection without answering"));
    if (e.contains(QLatin1StringView("reset by peer")))
        return verdict(Cause::ConnectionReset, QStringLiteral("the peer reset the connection (RST)"));
    if (p.toolExit == 56)
        return verdict(Cause::PrematureClose, QStringLiteral("the connection broke while reading: %1").arg(p.error.left(200)));
    if (e.contains(QLatin1StringView("http/0.9")) || p.toolExit == 8 || e.contains(QLatin1StringView("weird server reply")) ||
        e.contains(QLatin1StringView("header without colon")) || e.contains(QLatin1StringView("invalid")))
        return verdict(Cause::InvalidResponse, QStringLiteral("the answer is not valid HTTP: %1").arg(p.error.left(200)));
    if (!p.invalidHeaderLine.isEmpty())
        return verdict(Cause::InvalidResponse,
                       QStringLiteral("the response has a header line nginx rejects: \"%1\"").arg(p.invalidHeaderLine));
    if (!p.completed && p.toolExit != 0)
        return ProbeJudgement{std::nullopt, QStringLiteral("the probe failed (exit %1): %2").arg(p.toolExit).arg(p.error.left(300))};
    return std::nullopt;
}

std::vector<ListeningSocket> parseSsListening(const QByteArray &output)
{
    std::vector<ListeningSocket> out;
    static const QRegularExpression proc(QStringLiteral("\\(\\(\"([^\"]*)\",pid=(\\d+)"));
    for (const QByteArray &raw : output.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        const QStringList f = line.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        // State Recv-Q Send-Q Local:Port Peer:Port [Process]
        if (f.size() < 5 || f[0] != QLatin1StringView("LISTEN"))
            continue;
        ListeningSocket s;
        s.recvQ = f[1].toInt();
        s.sendQ = f[2].toInt();
        const QString local = f[3];
        const qsizetype colon = local.lastIndexOf(QLatin1Char(':'));
        if (colon <= 0)
            continue;
        s.address = local.left(colon);
        if (s.address.startsWith(QLatin1Char('[')) && s.address.endsWith(QLatin1Char(']')))
            s.address = s.address.mid(1, s.address.size() - 2);
        const qsizetype percent = s.address.indexOf(QLatin1Char('%')); // 127.0.0.1%lo, [::]%eth0
        if (percent > 0)
            s.address = s.address.left(percent);
        s.port = local.mid(colon + 1).toInt();
        const auto m = proc.match(line);
        if (m.hasMatch()) {
            s.process = m.captured(1);
            s.pid = m.captured(2).toLongLong();
        }
        out.push_back(s);
    }
    return out;
}

std::vector<ListeningSocket> listenersFor(const std::vector<ListeningSocket> &all, const QString &host, int port)
{
    std::vector<ListeningSocket> out;
    QHostAddress wanted;
    const bool isIp = wanted.setAddress(host);
    const bool wantLoopback = host == QLatin1StringView("localhost") || (isIp && wanted.isLoopback());
    for (const ListeningSocket &s : all) {
        if (s.port != port)
            continue;
        const bool wildcard = s.address == QLatin1StringView("*") || s.address == QLatin1StringView("0.0.0.0") ||
                              s.address == QLatin1StringView("::");
        QHostAddress a;
        const bool same = (isIp && a.setAddress(s.address) && a.isEqual(wanted, QHostAddress::TolerantConversion)) ||
                          (wantLoopback && a.setAddress(s.address) && a.isLoopback() &&
                           (host == QLatin1StringView("localhost") || a.isEqual(wanted)));
        if (wildcard || same)
            out.push_back(s);
    }
    return out;
}

std::vector<PathEntry> parseNamei(const QByteArray &output)
{
    std::vector<PathEntry> out;
    for (const QByteArray &raw : output.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.startsWith(QLatin1StringView("f:")) || line.isEmpty())
            continue;
        const QStringList f = line.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        if (f.size() < 4 || f[0].size() != 10)
            continue;
        PathEntry e;
        e.type = f[0][0];
        e.mode = f[0].mid(1);
        e.owner = f[1];
        e.group = f[2];
        e.name = f.mid(3).join(QLatin1Char(' '));
        out.push_back(e);
    }
    return out;
}

bool mayAccess(const PathEntry &entry, const QString &user, const QStringList &groups, QChar permission)
{
    if (user == QLatin1StringView("root"))
        return true;
    int offset = 6; // other
    if (entry.owner == user)
        offset = 0;
    else if (groups.contains(entry.group))
        offset = 3;
    const QString bits = entry.mode.mid(offset, 3);
    if (bits.size() != 3)
        return false;
    if (permission == QLatin1Char('r'))
        return bits[0] == QLatin1Char('r');
    if (permission == QLatin1Char('w'))
        return bits[1] == QLatin1Char('w');
    // x, including the setuid/sticky letters that imply it
    return bits[2] == QLatin1Char('x') || bits[2] == QLatin1Char('s') || bits[2] == QLatin1Char('t');
}

} // namespace gwb
