#include "transport/command.h"

#include "transport/shellquote.h"

#include <QRegularExpression>

namespace gwb {

namespace {

// Appends ' ' + quoted(value) to out, or returns the quoting error.
Result<void> appendArg(QByteArray &out, QByteArrayView value)
{
    auto quoted = shellQuote(value);
    if (!quoted)
        return quoted.error();
    out += ' ';
    out += *quoted;
    return {};
}

// A path as an argument that can never be read as an option or an expression (find treats "(", "!" and
// "-name" as operators even after --): relative paths get a ./ prefix. Empty paths are a caller bug.
Result<QByteArray> pathWord(const QByteArray &path)
{
    if (path.isEmpty())
        return Error::input(QStringLiteral("an empty path was given for a remote command"));
    if (path.startsWith('/') || path.startsWith("./"))
        return path;
    return QByteArray("./" + path);
}

Result<void> appendPath(QByteArray &out, const QByteArray &path)
{
    auto word = pathWord(path);
    if (!word)
        return word.error();
    return appendArg(out, *word);
}

// fnmatch() pattern that matches `literal` exactly: escape the characters find -name would interpret.
QByteArray globEscape(const QByteArray &literal)
{
    QByteArray out;
    out.reserve(literal.size());
    for (const char c : literal) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

// The nginx binary is executed (possibly as root through sudo), so it must look like nginx: a bare name
// resolved through PATH, or an absolute path to a file called nginx*/openresty*.
Result<void> checkNginxBinary(const QByteArray &binary)
{
    static const QRegularExpression name(QStringLiteral("^(nginx|openresty)([-._][A-Za-z0-9._-]*)?$"));
    const QString text = QString::fromUtf8(binary);
    const qsizetype slash = text.lastIndexOf(QLatin1Char('/'));
    const bool bare = slash < 0;
    const QString fileName = bare ? text : text.mid(slash + 1);
    if ((bare || text.startsWith(QLatin1Char('/'))) && name.match(fileName).hasMatch() &&
        !binary.contains('\0'))
        return {};
    return Error::input(
        QStringLiteral("refusing to run \"%1\" as nginx: only \"nginx\" or an absolute path to a file "
                       "named nginx or openresty is accepted")
            .arg(text));
}

bool sudoMakesSense(RemoteCommand::Template t)
{
    using T = RemoteCommand::Template;
    switch (t) {
    case T::Id:
    case T::SudoCheck:
    case T::FindNginx:
    case T::RunningMasters:
    case T::NginxVersion:
    case T::HostClock:
    case T::WhichTools:
    case T::ProcessList:
    case T::HttpProbe:
    case T::HttpProbeRaw:
    case T::SocketSummary:
    case T::TimeWaitCount:
    case T::SeLinuxState:
    case T::ResolveName:
    case T::TlsProbe:
    case T::ProcessUnit:
    case T::UnitState:
    case T::UserGroups:
    case T::TcpConnect:
        return false;
    default:
        return true;
    }
}

} // namespace

RemoteCommand::RemoteCommand(Template t, QByteArrayList args, quint64 number)
    : m_template(t), m_args(std::move(args)), m_number(number)
{
}

RemoteCommand RemoteCommand::id()
{
    return {Template::Id, {}};
}
RemoteCommand RemoteCommand::sudoCheck()
{
    return {Template::SudoCheck, {}};
}
RemoteCommand RemoteCommand::findNginx()
{
    return {Template::FindNginx, {}};
}
RemoteCommand RemoteCommand::runningMasters()
{
    return {Template::RunningMasters, {}};
}
RemoteCommand RemoteCommand::nginxVersion(QByteArray binary)
{
    return {Template::NginxVersion, {binary}};
}
RemoteCommand RemoteCommand::nginxDump(QByteArray binary, QByteArray prefix, QByteArray confFile)
{
    return {Template::NginxDump, {binary, prefix, confFile}};
}
RemoteCommand RemoteCommand::readFile(QByteArray path)
{
    return {Template::ReadFile, {path}};
}
RemoteCommand RemoteCommand::readFileFrom(QByteArray path, ByteOffset offset)
{
    return {Template::ReadFileFrom, {path}, offset.value};
}
RemoteCommand RemoteCommand::readGzip(QByteArray path)
{
    return {Template::ReadGzip, {path}};
}
RemoteCommand RemoteCommand::statFile(QByteArray path)
{
    return {Template::StatFile, {path}};
}
RemoteCommand RemoteCommand::listRotated(QByteArray dir, QByteArray baseName)
{
    return {Template::ListRotated, {dir, baseName}};
}
RemoteCommand RemoteCommand::testReadable(QByteArray path)
{
    return {Template::TestReadable, {path}};
}
RemoteCommand RemoteCommand::readRange(QByteArray path, ByteOffset offset, quint64 length)
{
    RemoteCommand c{Template::ReadRange, {path}, offset.value};
    c.m_length = length;
    return c;
}
RemoteCommand RemoteCommand::hostClock()
{
    return {Template::HostClock, {}};
}

RemoteCommand RemoteCommand::withSudo(SudoUse sudo) const
{
    RemoteCommand copy = *this;
    copy.m_sudo = sudo == SudoUse::Allowed && sudoMakesSense(m_template);
    return copy;
}

Result<QByteArray> RemoteCommand::render() const
{
    if (m_template >= Template::WhichTools)
        return renderProbe();
    QByteArray out = m_sudo ? QByteArray("sudo -n --") : QByteArray();
    Result<void> ok;
    switch (m_template) {
    case Template::Id:
        return QByteArray("id -un; id -Gn");
    case Template::SudoCheck:
        return QByteArray("sudo -n true");
    case Template::FindNginx:
        // Fixed text: the candidates are ours, never the server's.
        return QByteArray(
            "command -v nginx; for p in /usr/sbin/nginx /usr/local/sbin/nginx /usr/local/nginx/sbin/nginx "
            "/usr/local/openresty/nginx/sbin/nginx /opt/nginx/sbin/nginx; do "
            "if [ -x \"$p\" ]; then echo \"$p\"; fi; done; exit 0");
    case Template::RunningMasters:
        // Anchored on the pid column, so the grep itself never matches.
        return QByteArray("ps -eo pid=,args= | grep -E '^ *[0-9]+ +nginx: master process'");
    case Template::NginxVersion:
    case Template::NginxDump: {
        if (const auto checked = checkNginxBinary(m_args.value(0)); !checked)
            return checked.error();
        ok = appendArg(out, m_args.value(0));
        if (ok && m_template == Template::NginxVersion) {
            out += " -V";
            break;
        }
        if (ok)
            out += " -T";
        if (ok && !m_args.value(1).isEmpty()) {
            out += " -p";
            ok = appendArg(out, m_args.value(1));
        }
        if (ok && !m_args.value(2).isEmpty()) {
            out += " -c";
            ok = appendArg(out, m_args.value(2));
        }
        break;
    }
    case Template::ReadFile:
        out += " cat --";
        ok = appendPath(out, m_args.value(0));
        break;
    case Template::ReadFileFrom:
        // tail counts bytes from 1: +1 is the whole file, so byte offset N starts at +N+1.
        out += " tail -c +" + QByteArray::number(m_number + 1) + " --";
        ok = appendPath(out, m_args.value(0));
        break;
    case Template::ReadRange:
        // Numbers are ours, not the server's; only the path is data. Under sudo only tail needs root: head
        // reads the pipe. Both are bounded, so a file that grows meanwhile does not make this endless.
        out += " tail -c +" + QByteArray::number(m_number + 1) + " --";
        ok = appendPath(out, m_args.value(0));
        if (ok)
            out += " | head -c " + QByteArray::number(m_length);
        break;
    case Template::HostClock:
        return QByteArray("date '+%s %z'");
    case Template::ReadGzip:
        out += " gzip -dc --";
        ok = appendPath(out, m_args.value(0));
        break;
    case Template::StatFile:
        // -L: log paths are often symlinks (to /dev/stdout in containers, or into a shared volume).
        out += " stat -L -c '%s %Y %i %U %G %a' --";
        ok = appendPath(out, m_args.value(0));
        break;
    case Template::ListRotated: {
        QByteArray dir = m_args.value(0);
        while (dir.size() > 1 && dir.endsWith('/'))
            dir.chop(1);
        // The trailing / makes find descend into a directory given as a symlink (/var/log/nginx often is).
        out += " find";
        ok = appendPath(out, dir == "/" ? dir : dir + '/');
        if (ok) {
            out += " -maxdepth 1 -type f -name";
            ok = appendArg(out, QByteArray(globEscape(m_args.value(1)) + '*'));
        }
        if (ok)
            out += " -print0";
        break;
    }
    case Template::TestReadable:
        out += " test -r";
        ok = appendPath(out, m_args.value(0));
        break;
    default: // the probes, rendered above
        return Error{Error::Kind::Internal, QStringLiteral("unhandled command template")};
    }
    if (!ok)
        return ok.error();
    return out.trimmed();
}

QString RemoteCommand::label() const
{
    if (m_template >= Template::WhichTools)
        return m_sudo ? probeLabel() + QStringLiteral(" (sudo)") : probeLabel();
    const QString arg = QString::fromUtf8(m_args.value(0));
    QString text;
    switch (m_template) {
    case Template::Id:
        text = QStringLiteral("check the remote user (id)");
        break;
    case Template::SudoCheck:
        text = QStringLiteral("check sudo -n");
        break;
    case Template::FindNginx:
        text = QStringLiteral("find the nginx binary");
        break;
    case Template::RunningMasters:
        text = QStringLiteral("list running nginx masters");
        break;
    case Template::NginxVersion:
        text = QStringLiteral("%1 -V").arg(arg);
        break;
    case Template::NginxDump:
        text = QStringLiteral("%1 -T").arg(arg);
        break;
    case Template::ReadFile:
        text = QStringLiteral("read %1").arg(arg);
        break;
    case Template::ReadFileFrom:
        text = QStringLiteral("read %1 from byte %2").arg(arg).arg(m_number);
        break;
    case Template::ReadGzip:
        text = QStringLiteral("read %1 (gzip)").arg(arg);
        break;
    case Template::StatFile:
        text = QStringLiteral("stat %1").arg(arg);
        break;
    case Template::ListRotated:
        text = QStringLiteral("list %1* in %2").arg(QString::fromUtf8(m_args.value(1)), arg);
        break;
    case Template::TestReadable:
        text = QStringLiteral("test whether %1 is readable").arg(arg);
        break;
    case Template::ReadRange:
        text = QStringLiteral("read %1 bytes %2..%3").arg(arg).arg(m_number).arg(m_number + m_length);
        break;
    case Template::HostClock:
        text = QStringLiteral("read the host clock");
        break;
    default:
        break;
    }
    return m_sudo ? text + QStringLiteral(" (sudo)") : text;
}

Result<RemoteFileStat> parseStatOutput(QByteArrayView output)
{
    const QList<QByteArray> fields = output.trimmed().toByteArray().split(' ');
    bool okSize = false, okTime = false, okInode = false, okMode = false;
    RemoteFileStat s;
    if (fields.size() == 6) {
        s.size = fields[0].toULongLong(&okSize);
        s.mtimeSeconds = fields[1].toLongLong(&okTime);
        s.inode = fields[2].toULongLong(&okInode);
        s.owner = QString::fromUtf8(fields[3]);
        s.group = QString::fromUtf8(fields[4]);
        s.mode = fields[5].toInt(&okMode, 8);
    }
    if (!(okSize && okTime && okInode && okMode))
        return Error::parse(
            QStringLiteral("unexpected stat output \"%1\" (expected: size mtime inode owner group mode); "
                           "is GNU or busybox stat installed on the host?")
                .arg(QString::fromUtf8(output.first(qMin<qsizetype>(200, output.size())).toByteArray())
                         .trimmed()));
    return s;
}

QByteArrayList splitNulList(QByteArrayView output)
{
    QByteArrayList out;
    for (const QByteArray &part : output.toByteArray().split('\0')) {
        if (!part.isEmpty())
            out += part;
    }
    return out;
}

} // namespace gwb
