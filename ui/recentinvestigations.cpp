#include "recentinvestigations.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSettings>

namespace gwb {

namespace {

constexpr int kMaxRecent = 10;

QString kindName(RecentEntry::Kind kind)
{
    switch (kind) {
    case RecentEntry::Kind::Lab:
        return QStringLiteral("lab");
    case RecentEntry::Kind::Bundle:
        return QStringLiteral("bundle");
    case RecentEntry::Kind::Saved:
        return QStringLiteral("saved");
    case RecentEntry::Kind::Files:
        break;
    }
    return QStringLiteral("files");
}

QVariantMap toMap(const RecentEntry &e)
{
    return {{QStringLiteral("kind"), kindName(e.kind)},
            {QStringLiteral("configDump"), e.inputs.configDump},
            {QStringLiteral("configFile"), e.inputs.configFile},
            {QStringLiteral("accessLogs"), e.inputs.accessLogs},
            {QStringLiteral("errorLogs"), e.inputs.errorLogs},
            {QStringLiteral("path"), e.path},
            {QStringLiteral("title"), e.title}};
}

RecentEntry fromMap(const QVariantMap &m)
{
    RecentEntry e;
    const QString kind = m.value(QStringLiteral("kind")).toString();
    if (kind == QLatin1StringView("lab") ||
        m.value(QStringLiteral("lab")).toBool()) // "lab": before kinds existed
        e.kind = RecentEntry::Kind::Lab;
    else if (kind == QLatin1StringView("bundle"))
        e.kind = RecentEntry::Kind::Bundle;
    else if (kind == QLatin1StringView("saved"))
        e.kind = RecentEntry::Kind::Saved;
    e.inputs.configDump = m.value(QStringLiteral("configDump")).toString();
    e.inputs.configFile = m.value(QStringLiteral("configFile")).toString();
    e.inputs.accessLogs = m.value(QStringLiteral("accessLogs")).toStringList();
    e.inputs.errorLogs = m.value(QStringLiteral("errorLogs")).toStringList();
    e.path = m.value(QStringLiteral("path")).toString();
    e.title = m.value(QStringLiteral("title")).toString();
    return e;
}

} // namespace

bool RecentEntry::sameAs(const RecentEntry &o) const
{
    if (kind != o.kind)
        return false;
    switch (kind) {
    case Kind::Lab:
        return true;
    case Kind::Bundle:
    case Kind::Saved:
        return QFileInfo(path).absoluteFilePath() == QFileInfo(o.path).absoluteFilePath();
    case Kind::Files:
        break;
    }
    return inputs.configDump == o.inputs.configDump && inputs.configFile == o.inputs.configFile &&
           inputs.accessLogs == o.inputs.accessLogs && inputs.errorLogs == o.inputs.errorLogs;
}

QString RecentEntry::label() const
{
    switch (kind) {
    case Kind::Lab:
        return QCoreApplication::translate("gwb", "Practice lab");
    case Kind::Bundle:
        return QCoreApplication::translate("gwb", "Bundle: %1").arg(path);
    case Kind::Saved:
        return title.isEmpty() || title == QFileInfo(path).fileName()
                   ? QCoreApplication::translate("gwb", "Saved: %1").arg(path)
                   : QCoreApplication::translate("gwb", "Saved: %1 (%2)").arg(title, path);
    case Kind::Files:
        break;
    }
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
    list.removeIf([&entry](const RecentEntry &e) { return e.sameAs(entry); });
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
