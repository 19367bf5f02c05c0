// The smallest useful check plugin: one check that asks the host, through CheckContext and a RemoteCommand
// template, whether `sh` is in its PATH. tst_pluginloader loads it and runs the check on this machine.

#include "gwb/checkplugin.h"

#include <QObject>

namespace {

class EchoCheck final : public gwb::Check
{
public:
    QString id() const override { return QStringLiteral("test-echo"); }
    QString title() const override { return QStringLiteral("The host has a shell"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("proves that a plugin check can run a command");
    }
    gwb::GuidedStep step() const override { return gwb::GuidedStep::Probe; }
    bool appliesTo(const gwb::CheckSubject &, const gwb::CheckContext &) const override { return true; }
    QStringList plannedCommands(const gwb::CheckSubject &, const gwb::CheckContext &) const override
    {
        return {gwb::commandText(gwb::RemoteCommand::whichTools({"sh"}))};
    }
    gwb::CheckResult run(const gwb::CheckSubject &subject, gwb::CheckContext &context) const override
    {
        gwb::CheckResult r = begin(subject);
        auto out = context.run(gwb::RemoteCommand::whichTools({"sh"}), r);
        if (!out)
            return gwb::couldNotRun(std::move(r), out.error().message,
                                    QStringLiteral("give the check a host"));
        const bool found = out->out.split('\n').contains("sh yes");
        r.verdict = found ? gwb::Verdict::Pass : gwb::Verdict::Fail;
        r.summary = found ? QStringLiteral("sh is in PATH") : QStringLiteral("sh is not in PATH");
        return r;
    }
};

class GoodPlugin final : public QObject, public gwb::CheckPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID GwbCheckPlugin_iid FILE "good.json")
    Q_INTERFACES(gwb::CheckPlugin)

public:
    gwb::CheckList createChecks() const override
    {
        gwb::CheckList checks;
        checks.push_back(std::make_unique<EchoCheck>());
        return checks;
    }
};

} // namespace

#include "goodplugin.moc"
