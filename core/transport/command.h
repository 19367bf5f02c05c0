#pragma once

#include "common/result.h"
#include "common/strongtypes.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QString>
#include <cstdint>

namespace gwb {

// Whether a command may be prefixed with `sudo -n` (never prompts: fails instead). Only the user grants it.
enum class SudoUse : std::uint8_t
{
    No,
    Allowed
};

// A command we are willing to run on a host we diagnose. There is no way to build one from free text: each
// factory below is a fixed read-only template, and its arguments (paths, names — often taken from the
// server's own nginx config or ps output, so possibly hostile) are data that render() shell-quotes one by
// one. A relative path is prefixed with ./ so that a name like "-rf" or "(" is never read as an option.
class RemoteCommand
{
public:
    enum class Template : std::uint8_t
    {
        Id,             // id -un; id -Gn
        SudoCheck,      // sudo -n true
        FindNginx,      // command -v nginx, plus the usual install paths that are executable
        RunningMasters, // ps -eo pid=,args= filtered to "nginx: master process" lines
        NginxVersion,   // BIN -V (prints version and configure arguments on stderr)
        NginxDump,      // BIN -T [-p PREFIX] [-c CONF]
        ReadFile,       // cat -- FILE
        ReadFileFrom,   // tail -c +OFFSET+1 -- FILE
        ReadGzip,       // gzip -dc -- FILE
        StatFile,       // stat -L -c '%s %Y %i %U %G %a' -- FILE
        ListRotated,    // find DIR/ -maxdepth 1 -type f -name 'BASE*' -print0 (BASE matched literally)
        TestReadable,   // test -r FILE (exit status 0 = readable)
        ReadRange,      // tail -c +OFFSET+1 -- FILE | head -c LENGTH
        HostClock,      // date '+%s %z' (the host's Unix time and UTC offset)
    };

    [[nodiscard]] static RemoteCommand id();
    [[nodiscard]] static RemoteCommand sudoCheck();
    [[nodiscard]] static RemoteCommand findNginx();
    [[nodiscard]] static RemoteCommand runningMasters();
    // `binary` is "nginx" (looked up in PATH) or an absolute path whose file name is nginx* or openresty*:
    // anything else is refused at render(), so a forged process title cannot make us execute another program.
    [[nodiscard]] static RemoteCommand nginxVersion(QByteArray binary);
    [[nodiscard]] static RemoteCommand nginxDump(QByteArray binary, QByteArray prefix = {},
                                                 QByteArray confFile = {});
    [[nodiscard]] static RemoteCommand readFile(QByteArray path);
    [[nodiscard]] static RemoteCommand readFileFrom(QByteArray path, ByteOffset offset);
    [[nodiscard]] static RemoteCommand readGzip(QByteArray path);
    [[nodiscard]] static RemoteCommand statFile(QByteArray path);
    // Files in `dir` whose name starts with `baseName` (access.log → access.log, access.log.1, .2.gz …).
    // Glob characters in baseName are escaped: it is matched literally. Output is NUL-separated paths.
    [[nodiscard]] static RemoteCommand listRotated(QByteArray dir, QByteArray baseName);
    [[nodiscard]] static RemoteCommand testReadable(QByteArray path);
    // `length` bytes from byte `offset` (GNU tail seeks on a regular file, so the bytes before are never
    // read): a slice to probe timestamps, or the part of a log inside a time window.
    [[nodiscard]] static RemoteCommand readRange(QByteArray path, ByteOffset offset, quint64 length);
    // The host's clock, to compare file mtimes (Unix time) with log times (the host's wall clock).
    [[nodiscard]] static RemoteCommand hostClock();

    // The same command behind `sudo -n --` when `sudo` is Allowed. Templates that gain nothing from root
    // (id, sudo check, discovery) ignore it.
    [[nodiscard]] RemoteCommand withSudo(SudoUse sudo) const;

    Template kind() const { return m_template; }
    bool usesSudo() const { return m_sudo; }
    // The text for `sh -c` / the SSH exec request, or why it cannot be built (NUL byte, empty path,
    // refused nginx binary).
    [[nodiscard]] Result<QByteArray> render() const;
    // Short human description for progress and error messages, e.g. "read /var/log/nginx/error.log".
    QString label() const;

private:
    RemoteCommand(Template t, QByteArrayList args, quint64 number = 0);

    Template m_template;
    QByteArrayList m_args; // data only: quoted one by one in render()
    quint64 m_number = 0;  // the offset of ReadFileFrom / ReadRange
    quint64 m_length = 0;  // the length of ReadRange
    bool m_sudo = false;
};

// What StatFile prints, parsed.
struct RemoteFileStat
{
    quint64 size = 0;
    qint64 mtimeSeconds = 0; // Unix time
    quint64 inode = 0;
    QString owner;
    QString group;
    int mode = 0; // permission bits, e.g. 0640
};
[[nodiscard]] Result<RemoteFileStat> parseStatOutput(QByteArrayView output);

// Splits ListRotated's NUL-separated output into paths (a file name may contain a newline; NUL it cannot).
QByteArrayList splitNulList(QByteArrayView output);

} // namespace gwb
