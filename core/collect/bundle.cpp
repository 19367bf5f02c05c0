#include "collect/bundle.h"

#include "collect/collector.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace gwb {

namespace {

QJsonValue timeValue(TimeMs t)
{
    return t == kNoTime ? QJsonValue() : QJsonValue(qint64(t));
}

TimeMs timeFrom(const QJsonValue &v)
{
    return v.isDouble() ? TimeMs(v.toInteger()) : kNoTime;
}

QJsonObject fileToJson(const CollectedFile &f)
{
    QJsonObject o{{QStringLiteral("role"), roleName(f.role)},
                  {QStringLiteral("originalPath"), f.originalPath},
                  {QStringLiteral("localName"), f.localName},
                  {QStringLiteral("bytes"), qint64(f.bytes)},
                  {QStringLiteral("sha256"), QString::fromLatin1(f.sha256)},
                  {QStringLiteral("partial"), f.partial},
                  {QStringLiteral("compressed"), f.compressed},
                  {QStringLiteral("windowed"), f.windowed},
                  {QStringLiteral("remoteSize"), qint64(f.remoteSize)},
                  {QStringLiteral("transferredBytes"), qint64(f.wireBytes)}};
    if (f.role == CollectedFile::Role::AccessLog)
        o.insert(QStringLiteral("format"), f.formatName);
    return o;
}

QJsonObject collectionToJson(const QDir &bundle, const Collection &c)
{
    QJsonArray files, diags;
    for (const CollectedFile &f : c.files)
        files.append(fileToJson(f));
    for (const Diagnostic &d : c.diagnostics)
        diags.append(QJsonObject{{QStringLiteral("severity"), severityName(d.severity)},
                                 {QStringLiteral("file"), d.where.file},
                                 {QStringLiteral("message"), d.message}});
    return {{QStringLiteral("target"), c.target},
            {QStringLiteral("host"), c.hostLabel},
            {QStringLiteral("directory"), bundle.relativeFilePath(c.directory)},
            {QStringLiteral("nginx"), QJsonObject{{QStringLiteral("version"), c.nginx.version},
                                                  {QStringLiteral("binary"), c.nginx.binary},
                                                  {QStringLiteral("prefix"), c.nginx.prefix},
                                                  {QStringLiteral("conf"), c.nginx.confPath}}},
            {QStringLiteral("window"), QJsonObject{{QStringLiteral("since"), timeValue(c.window.since)},
                                                   {QStringLiteral("until"), timeValue(c.window.until)}}},
            {QStringLiteral("collectedAt"), c.collectedAtUtcMs},
            {QStringLiteral("hostUtcOffsetMinutes"), c.hostUtcOffsetMinutes},
            {QStringLiteral("files"), files},
            {QStringLiteral("diagnostics"), diags}};
}

Diagnostic::Severity severityFrom(const QString &s)
{
    return s == QLatin1StringView("error") ? Diagnostic::Severity::Error
           : s == QLatin1StringView("note") ? Diagnostic::Severity::Note
                                            : Diagnostic::Severity::Warning;
}

Collection collectionFromJson(const QDir &bundle, const QJsonObject &o)
{
    Collection c;
    c.target = o.value(QStringLiteral("target")).toString();
    c.hostLabel = o.value(QStringLiteral("host")).toString();
    c.directory = QDir::cleanPath(bundle.absoluteFilePath(o.value(QStringLiteral("directory")).toString()));
    const QJsonObject n = o.value(QStringLiteral("nginx")).toObject();
    c.nginx = {n.value(QStringLiteral("binary")).toString(), n.value(QStringLiteral("prefix")).toString(),
               n.value(QStringLiteral("conf")).toString(), n.value(QStringLiteral("version")).toString()};
    const QJsonObject w = o.value(QStringLiteral("window")).toObject();
    c.window = {timeFrom(w.value(QStringLiteral("since"))), timeFrom(w.value(QStringLiteral("until")))};
    c.collectedAtUtcMs = o.value(QStringLiteral("collectedAt")).toInteger();
    c.hostUtcOffsetMinutes = o.value(QStringLiteral("hostUtcOffsetMinutes")).toInt();
    for (const QJsonValue &dv : o.value(QStringLiteral("diagnostics")).toArray()) {
        const QJsonObject d = dv.toObject();
        c.diagnostics.push_back({severityFrom(d.value(QStringLiteral("severity")).toString()),
                                 {d.value(QStringLiteral("file")).toString(), LineNumber(0)},
                                 d.value(QStringLiteral("message")).toString()});
    }
    for (const QJsonValue &fv : o.value(QStringLiteral("files")).toArray()) {
        const QJsonObject j = fv.toObject();
        CollectedFile f;
        const auto role = roleFromName(j.value(QStringLiteral("role")).toString());
        f.role = role.value_or(CollectedFile::Role::CommandOutput);
        f.originalPath = j.value(QStringLiteral("originalPath")).toString();
        f.localName = j.value(QStringLiteral("localName")).toString();
        f.bytes = quint64(j.value(QStringLiteral("bytes")).toInteger());
        f.sha256 = j.value(QStringLiteral("sha256")).toString().toLatin1();
        f.partial = j.value(QStringLiteral("partial")).toBool();
        f.compressed = j.value(QStringLiteral("compressed")).toBool();
        f.windowed = j.value(QStringLiteral("windowed")).toBool();
        f.remoteSize = quint64(j.value(QStringLiteral("remoteSize")).toInteger());
        f.wireBytes = quint64(j.value(QStringLiteral("transferredBytes")).toInteger());
        f.formatName = j.value(QStringLiteral("format")).toString();
        const QString local = QDir(c.directory).filePath(f.localName);
        // A name from the manifest must stay inside the bundle: it is data, not a way out of the directory.
        if (f.localName.isEmpty() || QDir::isAbsolutePath(f.localName) ||
            !QDir::cleanPath(local).startsWith(QDir::cleanPath(bundle.absolutePath()) + QLatin1Char('/'))) {
            c.diagnostics.push_back({Diagnostic::Severity::Error, {f.localName, LineNumber(0)},
                                     QStringLiteral("the bundle names a file outside itself (\"%1\"); it was ignored")
                                         .arg(f.localName)});
            continue;
        }
        auto hash = hashFile(local);
        if (!hash) {
            c.diagnostics.push_back({Diagnostic::Severity::Error, {local, LineNumber(0)},
                                     QStringLiteral("%1 is listed in the bundle manifest but missing or unreadable; "
                                                    "it was left out")
                                         .arg(f.localName)});
            continue;
        }
        if (hash->first != f.sha256 || hash->second != f.bytes) {
            c.diagnostics.push_back({Diagnostic::Severity::Error, {local, LineNumber(0)},
                                     QStringLiteral("%1 does not match its checksum in the bundle manifest (sha256 %2, "
                                                    "%3 bytes; expected %4, %5 bytes): the bundle was changed or "
                                                    "damaged after collection; the file was left out")
                                         .arg(f.localName, QString::fromLatin1(hash->first.left(16)))
                                         .arg(hash->second)
                                         .arg(QString::fromLatin1(f.sha256.left(16)))
                                         .arg(f.bytes)});
            continue;
        }
        c.files.push_back(f);
    }
    return c;
}

} // namespace

Result<void> Bundle::writeManifest(const QString &bundleDir, const std::vector<Collection> &collections)
{
    const QDir dir(bundleDir);
    QJsonArray targets;
    for (const Collection &c : collections)
        targets.append(collectionToJson(dir, c));
    const QJsonObject root{{QStringLiteral("schema"), QLatin1StringView(kSchema)},
                           {QStringLiteral("generator"), QJsonObject{{QStringLiteral("name"), QStringLiteral("gwb")},
                                                                     {QStringLiteral("version"), QStringLiteral(GWB_VERSION)}}},
                           {QStringLiteral("targets"), targets}};
    QFile f(dir.filePath(QStringLiteral("manifest.json")));
    const QByteArray text = QJsonDocument(root).toJson(QJsonDocument::Indented);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text) != text.size())
        return Error::io(QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString()));
    return {};
}

Result<std::vector<Collection>> Bundle::load(const QString &bundleDir)
{
    const QDir dir(bundleDir);
    QFile f(dir.filePath(QStringLiteral("manifest.json")));
    if (!f.open(QIODevice::ReadOnly))
        return Error::input(QStringLiteral("%1 is not a gwb bundle: cannot read %2 (%3)")
                                .arg(bundleDir, f.fileName(), f.errorString()));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &perr);
    if (!doc.isObject())
        return Error::input(QStringLiteral("%1 is not valid JSON (%2)").arg(f.fileName(), perr.errorString()));
    const QString schema = doc.object().value(QStringLiteral("schema")).toString();
    if (schema != QLatin1StringView(kSchema))
        return Error::input(QStringLiteral("%1 has schema \"%2\"; this gwb reads \"%3\"")
                                .arg(f.fileName(), schema, QLatin1StringView(kSchema)));
    std::vector<Collection> out;
    for (const QJsonValue &t : doc.object().value(QStringLiteral("targets")).toArray())
        out.push_back(collectionFromJson(dir, t.toObject()));
    if (out.empty())
        return Error::input(QStringLiteral("%1 lists no targets").arg(f.fileName()));
    return out;
}

Result<Investigation> investigationFrom(const std::vector<Collection> &collections, CollectWindow window, int threads,
                                        const std::atomic_bool *cancel)
{
    LocalInputs in;
    in.threads = threads;
    in.since = window.since;
    in.until = window.until;
    std::vector<Diagnostic> carried;
    for (const Collection &c : collections) {
        if (in.since == kNoTime)
            in.since = c.window.since;
        if (in.until == kNoTime)
            in.until = c.window.until;
        for (const CollectedFile &f : c.files) {
            const QString local = QDir(c.directory).filePath(f.localName);
            if (f.role == CollectedFile::Role::ConfigDump && in.configDump.isEmpty())
                in.configDump = local;
            else if (f.role == CollectedFile::Role::AccessLog)
                in.accessLogs << local;
            else if (f.role == CollectedFile::Role::ErrorLog)
                in.errorLogs << local;
            if (f.role == CollectedFile::Role::AccessLog && f.preparsed)
                in.preparsed[local] = f.preparsed;
        }
        carried.insert(carried.end(), c.diagnostics.begin(), c.diagnostics.end());
        if (&c != &collections.front() && c.configDump())
            carried.push_back({Diagnostic::Severity::Note, {},
                               QStringLiteral("%1: its logs are diagnosed against the configuration of %2")
                                   .arg(c.hostLabel, collections.front().hostLabel)});
    }
    if (in.configDump.isEmpty() && in.accessLogs.isEmpty() && in.errorLogs.isEmpty())
        return Error::input(QStringLiteral("nothing was collected that could be diagnosed"));
    auto inv = Investigation::loadLocal(in, cancel);
    if (!inv)
        return inv.error();
    inv->diagnostics.insert(inv->diagnostics.begin(), carried.begin(), carried.end());
    return inv;
}

} // namespace gwb
