#include "recentinvestigations.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSettings>

namespace gwb {

namespace {

constexpr int kMaxRecent = 10;

QVariantMap toMap(const RecentEntry &e)
{
    return {{QStringLiteral("configDump"), e.inputs.configDump},
            {QStringLiteral("configFile"), e.inputs.configFile},
            {QStringLiteral("accessLogs"), e.inputs.accessLogs},
            {QStringLiteral("errorLogs"), e.inputs.errorLogs},
            {QStringLiteral("lab"), e.lab}};
}

RecentEntry fromMap(const QVariantMap &m)
{
    RecentEntry e;
    e.inputs.configDump = m.value(QStringLiteral("configDump")).toString();
    e.inputs.configFile = m.value(QStringLiteral("configFile")).toString();
    e.inputs.accessLogs = m.value(QStringLiteral("accessLogs")).toStringList();
    e.inputs.errorLogs = m.value(QStringLiteral("errorLogs")).toStringList();
    e.lab = m.value(QStringLiteral("lab")).toBool();
    return e;
}

bool sameInputs(const RecentEntry &a, const RecentEntry &b)
{
    return a.lab == b.lab && a.inputs.configDump == b.inputs.configDump && a.inputs.configFile == b.inputs.configFile
           && a.inputs.accessLogs == b.inputs.accessLogs && a.inputs.errorLogs == b.inputs.errorLogs;
}

} // namespace

QString RecentEntry::label() const
{
    if (lab)
        return QCoreApplication::translate("gwb", "Practice lab");
    QStringList parts;
    if (!inputs.configDump.isEmpty())
        parts << inputs.configDump;
    if (!inputs.configFile.isEmpty())
        parts << inputs.configFile;
    for (const QString &f : inputs.accessLogs + inputs.errorLogs)
        parts << QFileInfo(f).fileName();
    return parts.join(QStringLiteral(" + "));
}

QList<RecentEntry> RecentInvestigations::load()
{
    QList<RecentEntry> out;
    const QVariantList list = QSettings().value(QStringLiteral("recent/investigations")).toList();
    for (const QVariant &v : list)
        out << fromMap(v.toMap());
    return out;
}

void RecentInvestigations::add(const RecentEntry &entry)
{
    QList<RecentEntry> list = load();
    list.removeIf([&entry](const RecentEntry &e) { return sameInputs(e, entry); });
    list.prepend(entry);
    QVariantList stored;
    for (qsizetype i = 0; i < std::min<qsizetype>(list.size(), kMaxRecent); ++i)
        stored << toMap(list[i]);
    QSettings().setValue(QStringLiteral("recent/investigations"), stored);
}

void RecentInvestigations::clear()
{
    QSettings().remove(QStringLiteral("recent/investigations"));
}

} // namespace gwb
