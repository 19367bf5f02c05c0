#include "checks/check.h"

#include "diagnosis/investigation.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>

namespace gwb {

namespace {

constexpr qsizetype kKeptOutput = 256 * 1024; // per stream, per command, in results and reports

QByteArray keep(const QByteArray &bytes)
{
    if (bytes.size() <= kKeptOutput)
        return bytes;
    return bytes.left(kKeptOutput) + "\n[… " + QByteArray::number(bytes.size() - kKeptOutput) + " more bytes not kept]\n";
}

} // namespace

QLatin1StringView verdictId(Verdict v)
{
    switch (v) {
    case Verdict::Pass:
        return QLatin1StringView("pass");
    case Verdict::Warn:
        return QLatin1StringView("warn");
    case Verdict::Fail:
        return QLatin1StringView("fail");
    case Verdict::CouldNotRun:
        break;
    }
    return QLatin1StringView("could-not-run");
}

std::optional<Verdict> verdictFromId(QStringView id)
{
    for (Verdict v : {Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::CouldNotRun})
        if (id == verdictId(v))
            return v;
    return std::nullopt;
}

QLatin1StringView guidedStepId(GuidedStep s)
{
    switch (s) {
    case GuidedStep::Meaning:
        return QLatin1StringView("meaning");
    case GuidedStep::Logs:
        return QLatin1StringView("logs");
    case GuidedStep::Probe:
        return QLatin1StringView("probe");
    case GuidedStep::Config:
        return QLatin1StringView("config");
    case GuidedStep::Deeper:
        break;
    }
    return QLatin1StringView("deeper");
}

QString guidedStepTitle(GuidedStep s)
{
    switch (s) {
    case GuidedStep::Meaning:
        return QStringLiteral("What the status means here");
    case GuidedStep::Logs:
        return QStringLiteral("What the logs say");
    case GuidedStep::Probe:
        return QStringLiteral("Probe the backend from the nginx host");
    case GuidedStep::Config:
        return QStringLiteral("Compare the config with what was observed");
    case GuidedStep::Deeper:
        break;
    }
    return QStringLiteral("Deeper tools (opt-in)");
}

QString CheckSubject::label() const
{
    switch (kind) {
    case Kind::Peer:
        return QStringLiteral("peer %1").arg(peer);
    case Kind::UnixSocket:
        return QStringLiteral("socket %1").arg(socketPath);
    case Kind::Location:
        return location;
    case Kind::Upstream:
        return QStringLiteral("upstream %1").arg(upstream);
    case Kind::Host:
        break;
    }
    return QStringLiteral("the nginx host");
}

bool CheckSubject::isLocalAddress() const
{
    if (kind == Kind::UnixSocket)
        return true;
    if (host.compare(QLatin1StringView("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

CheckContext::CheckContext(Transport *transport, const Investigation *investigation,
                           const DiagnosisResult *diagnosis, CheckOptions options, CancelToken cancel)
    : m_transport(transport), m_investigation(investigation), m_diagnosis(diagnosis), m_options(options),
      m_cancel(std::move(cancel))
{
}

QString CheckContext::hostDescription() const
{
    return m_transport ? m_transport->describe() : QStringLiteral("no host (offline data)");
}

const ConfigModel *CheckContext::config() const
{
    return m_investigation && m_investigation->config ? &*m_investigation->config : nullptr;
}

Result<CommandOutput> CheckContext::run(const RemoteCommand &command, CheckResult &record, bool preferSudo)
{
    // Root needs no sudo (and sudo may not even be installed).
    const SudoUse sudo = preferSudo && !m_facts.root ? m_options.sudo : SudoUse::No;
    const RemoteCommand actual = command.withSudo(sudo);
    CommandRecord rec;
    rec.label = actual.label();
    rec.sudo = actual.usesSudo();
    auto text = actual.render();
    rec.text = text ? QString::fromUtf8(*text) : QString();
    auto fail = [&](Error e) -> Result<CommandOutput> {
        rec.error = e.message;
        record.commands.push_back(std::move(rec));
        return e;
    };
    if (!text)
        return fail(text.error());
    if (actual.isCapture() && !((actual.kind() == RemoteCommand::Template::TcpdumpPort && m_options.consent.tcpdump) ||
                                (actual.kind() == RemoteCommand::Template::StraceSummary && m_options.consent.strace)))
        return fail(Error{Error::Kind::Permission,
                          QStringLiteral("a capture runs only with the user's consent (gwb check --allow-capture)")});
    if (!m_transport)
        return fail(Error{Error::Kind::Usage,
                          QStringLiteral("this investigation has no host to run commands on (it was opened from "
                                         "files or a bundle); open it with --ssh or --local to run this check")});
    if (m_cancel.isCancelled())
        return fail(Error{Error::Kind::Cancelled, QStringLiteral("cancelled")});
    QElapsedTimer clock;
    clock.start();
    auto out = m_transport->run(actual, m_options.commandTimeout, m_cancel);
    rec.durationMs = clock.elapsed();
    if (!out)
        return fail(out.error());
    rec.exitCode = out->exitCode;
    rec.out = keep(out->out);
    rec.err = keep(out->err);
    record.commands.push_back(std::move(rec));
    return out;
}

bool CheckContext::hasTool(const QString &name, CheckResult &record)
{
    if (const auto it = m_facts.tools.find(name); it != m_facts.tools.end())
        return it->second;
    auto out = run(RemoteCommand::whichTools({name.toUtf8()}), record);
    bool found = false;
    if (out) {
        for (const QByteArray &line : out->out.split('\n')) {
            const QList<QByteArray> parts = line.trimmed().split(' ');
            if (parts.size() == 2 && QString::fromUtf8(parts[0]) == name)
                found = parts[1] == "yes";
        }
        m_facts.tools[name] = found; // remembered only when the host answered
    }
    return found;
}

const HostFacts &CheckContext::facts(CheckResult &record)
{
    if (m_facts.gathered || !m_transport)
        return m_facts;
    if (auto id = run(RemoteCommand::id(), record); id && id->exitCode == 0) {
        const QList<QByteArray> lines = id->out.split('\n');
        m_facts.loginUser = QString::fromUtf8(lines.value(0)).trimmed();
        m_facts.loginGroups = QString::fromUtf8(lines.value(1)).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        m_facts.root = m_facts.loginUser == QLatin1StringView("root");
    }
    if (auto ps = run(RemoteCommand::processList(), record); ps && ps->exitCode == 0) {
        for (const QByteArray &raw : ps->out.split('\n')) {
            const QString line = QString::fromUtf8(raw).trimmed();
            const QStringList f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (f.size() < 4)
                continue;
            const QString args = f.mid(3).join(QLatin1Char(' '));
            if (args.startsWith(QLatin1StringView("nginx: master process")))
                m_facts.masterPids << f[0].toLongLong();
            else if (args.startsWith(QLatin1StringView("nginx: worker process"))) {
                m_facts.workerPids << f[0].toLongLong();
                if (m_facts.workerUser.isEmpty())
                    m_facts.workerUser = f[2];
            }
        }
    }
    if (m_facts.workerUser.isEmpty() && config())
        m_facts.workerUser = config()->workerUser.section(QLatin1Char(' '), 0, 0);
    m_facts.gathered = true;
    return m_facts;
}

CheckResult Check::begin(const CheckSubject &subject) const
{
    CheckResult r;
    r.checkId = id();
    r.title = title();
    r.step = step();
    r.subject = subject;
    r.startedUtcMs = QDateTime::currentMSecsSinceEpoch();
    return r;
}

CheckResult couldNotRun(CheckResult r, QString summary, QString remedy)
{
    r.verdict = Verdict::CouldNotRun;
    r.summary = std::move(summary);
    r.remedy = std::move(remedy);
    if (r.why.isEmpty())
        r.why = QStringLiteral("without this information the check cannot tell a pass from a fail, so it gives "
                               "no verdict");
    return r;
}

QString commandText(const RemoteCommand &command, SudoUse sudo)
{
    auto text = command.withSudo(sudo).render();
    return text ? QString::fromUtf8(*text) : QStringLiteral("(cannot build: %1)").arg(text.error().message);
}

} // namespace gwb
