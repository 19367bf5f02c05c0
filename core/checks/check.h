#pragma once

// The guided checks: read-only probes run from the nginx host that find out *why* the upstream failures in
// the logs happened. A Check is a small object with an id, a title, why it matters and a run() that issues
// commands through CheckContext::run() — only RemoteCommand templates, whose arguments are shell-quoted by
// the one quoting function — and judges their output. Built-in checks and plugin checks implement the same
// interface and are used the same way.

#include "common/result.h"
#include "diagnosis/diagnosisresult.h"
#include "nginx/cause.h"
#include "transport/command.h"
#include "transport/transport.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace gwb {

struct ConfigModel;
struct Investigation;

enum class Verdict : std::uint8_t
{
    Pass,
    Warn,
    Fail,
    CouldNotRun, // the check could not find out: never a pass
};
QLatin1StringView verdictId(Verdict v); // "pass", "warn", "fail", "could-not-run"
std::optional<Verdict> verdictFromId(QStringView id);

// The order a senior works in; the guided panel groups checks by it.
enum class GuidedStep : std::uint8_t
{
    Meaning, // what this status means here (502 vs 504 vs 499, nginx-made or backend-made)
    Logs,    // what the logs say
    Probe,   // probe the backend from the nginx host
    Config,  // compare the config with what was observed
    Deeper,  // tcpdump, strace: opt-in
};
QLatin1StringView guidedStepId(GuidedStep s); // "meaning", "logs", "probe", "config", "deeper"
QString guidedStepTitle(GuidedStep s);

// What one run of a check looks at: a peer, a unix socket, a location, an upstream group or the host.
struct CheckSubject
{
    enum class Kind : std::uint8_t
    {
        Host,
        Peer,       // host:port
        UnixSocket, // path in `socketPath`
        Location,
        Upstream,
    };
    Kind kind = Kind::Host;
    QString peer;       // as nginx names it: "127.0.0.1:8081", "unix:/run/php.sock", "app.internal:80"
    QString host;       // host part of a TCP peer ("127.0.0.1", "app.internal")
    int port = 0;       // port of a TCP peer
    QString socketPath; // unix sockets
    QString scheme;     // "http", "https", "grpc", "fastcgi", "uwsgi", "scgi"
    QString hostHeader; // the Host header nginx sends (proxy_set_header Host, else the proxy_pass host)
    QString sni;        // the TLS server name nginx would send, empty when it sends none
    QString uri;        // a path to probe: the location's prefix when it is a plain prefix, else "/"
    QString upstream;   // group name, empty for a literal address
    int serverIndex = -1;
    int locationIndex = -1;
    QString location;   // "location /api"
    Cause cause = Cause::None; // the cause of the finding that led to this subject (None: no finding)
    int finding = -1;          // index into DiagnosisResult::findings, -1 when not from a finding

    QString label() const; // "peer 127.0.0.1:8081", "socket /run/php.sock", "location /api", "this host"
    bool isLocalAddress() const; // a loopback peer, or a unix socket: it lives on the nginx host
};

// One command a check ran: what it was (copyable), what it printed, how it ended.
struct CommandRecord
{
    QString label; // "list listening TCP sockets"
    QString text;  // the exact shell text sent to the host
    bool sudo = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString error; // set when the transport failed (timeout, connection lost), out/err then hold what came
    qint64 durationMs = 0;
};

struct CheckResult
{
    QString checkId;
    QString title;
    GuidedStep step = GuidedStep::Probe;
    CheckSubject subject;
    Verdict verdict = Verdict::CouldNotRun;
    QString summary; // one sentence: what was found
    QString why;     // why that verdict (the rule that decided it, with the numbers)
    QString remedy;  // fail/warn: what to do; could-not-run: what would make it possible
    std::optional<Cause> pointsTo; // the cause this result supports, when it confirms or names one
    std::vector<CommandRecord> commands;
    QStringList facts; // "connect 0.3 ms", "HTTP 502", "mode srwxr-x--- www-data:www-data"
    qint64 startedUtcMs = 0;
    qint64 durationMs = 0;
};

// Captures change nothing on the host but can see traffic: they run only with the user's explicit consent,
// bounded in time and in packets, and only under `sudo -n` or as root.
struct CaptureConsent
{
    bool tcpdump = false;
    bool strace = false;
    int maxSeconds = 5;   // hard limit of each capture (clamped to 1..30)
    int maxPackets = 200; // tcpdump -c (clamped to 1..2000)
};

struct CheckOptions
{
    SudoUse sudo = SudoUse::No;
    CaptureConsent consent;
    std::chrono::milliseconds commandTimeout{std::chrono::seconds(20)};
    std::chrono::milliseconds probeTimeout{std::chrono::seconds(5)}; // connect/read bound of one probe
};

// What is known about the nginx host, gathered on first use and shared by every check of a run.
struct HostFacts
{
    bool gathered = false;
    QString loginUser;
    QStringList loginGroups;
    bool root = false;
    std::map<QString, bool> tools; // tool name → found in PATH (only the names asked for)
    QString workerUser;            // from `ps` (nginx: worker process), else the config's `user`
    QList<qint64> masterPids;
    QList<qint64> workerPids;
};

// Everything a check may use. Commands go through run(), which records each one in the result being built;
// without a host (an offline bundle) run() fails and checks that need the host say they could not run.
class CheckContext
{
public:
    CheckContext(Transport *transport, const Investigation *investigation, const DiagnosisResult *diagnosis,
                 CheckOptions options, CancelToken cancel = {});

    bool hasHost() const { return m_transport != nullptr; }
    QString hostDescription() const;
    const Investigation *investigation() const { return m_investigation; }
    const ConfigModel *config() const;
    const DiagnosisResult *diagnosis() const { return m_diagnosis; }
    const CheckOptions &options() const { return m_options; }
    const CancelToken &cancelToken() const { return m_cancel; }
    bool isCancelled() const { return m_cancel.isCancelled(); }

    // Runs a read-only command on the nginx host (behind `sudo -n` when the template gains from it and the
    // user allowed sudo, or when forceSudo and allowed) and appends it to record->commands.
    Result<CommandOutput> run(const RemoteCommand &command, CheckResult &record, bool preferSudo = false);
    // Whether each of `names` is in the host's PATH; asks the host once per name.
    bool hasTool(const QString &name, CheckResult &record);
    // Login user, groups, worker user and nginx pids (ps); gathered on first call.
    const HostFacts &facts(CheckResult &record);

private:
    Transport *m_transport;
    const Investigation *m_investigation;
    const DiagnosisResult *m_diagnosis;
    CheckOptions m_options;
    CancelToken m_cancel;
    HostFacts m_facts;
};

// A check. Stateless: one object serves every subject and every run.
class Check
{
public:
    virtual ~Check() = default;

    virtual QString id() const = 0;        // "probe-peer", "listening-socket", "php-fpm-pool"
    virtual QString title() const = 0;     // "Probe the peer from the nginx host"
    virtual QString whyItMatters() const = 0;
    virtual GuidedStep step() const = 0;
    // Captures and other checks that need the user's consent before they run.
    virtual bool needsConsent() const { return false; }
    // Whether this check has something to say about the subject (a socket check on a TCP peer has not).
    virtual bool appliesTo(const CheckSubject &subject, const CheckContext &context) const = 0;
    // The commands the check will run, shown (copyable) before the user runs it; may be empty for checks
    // that only read the collected config and logs.
    virtual QStringList plannedCommands(const CheckSubject &subject, const CheckContext &context) const = 0;
    // Runs and judges. Never throws; an impossible run is a CouldNotRun result with the reason and remedy.
    virtual CheckResult run(const CheckSubject &subject, CheckContext &context) const = 0;

protected:
    // A result with the id, title, step and subject filled in.
    CheckResult begin(const CheckSubject &subject) const;
};

using CheckList = std::vector<std::unique_ptr<Check>>;

// Result helpers shared by checks.
CheckResult couldNotRun(CheckResult r, QString summary, QString remedy);
// Renders a command for display (the exact text, or the reason it cannot be built).
QString commandText(const RemoteCommand &command, SudoUse sudo = SudoUse::No);

} // namespace gwb
