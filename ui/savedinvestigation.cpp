#include "savedinvestigation.h"

#include "collect/bundle.h"
#include "collect/collector.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtConcurrent/QtConcurrentRun>
#include <set>

namespace gwb {

namespace {

constexpr qint64 kChunk = 4 * 1024 * 1024;
const QString kMeta = QStringLiteral("investigation.json");
const QString kChecks = QStringLiteral("checks.json");
const QString kData = QStringLiteral("data");

Error cancelledError()
{
    return {Error::Kind::Cancelled, QObject::tr("saving was cancelled")};
}

bool isCancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load();
}

QJsonValue timeValue(TimeMs t)
{
    return t == kNoTime ? QJsonValue() : QJsonValue(qint64(t));
}

TimeMs timeFrom(const QJsonValue &v)
{
    return v.isDouble() ? TimeMs(v.toInteger()) : kNoTime;
}

Result<void> writeBytes(const QString &path, QByteArrayView bytes, const std::atomic_bool *cancel)
{
    if (!QDir().mkpath(QFileInfo(path).path()))
        return Error::io(QObject::tr("cannot create the directory %1").arg(QFileInfo(path).path()));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Error::io(QObject::tr("cannot write %1: %2").arg(path, f.errorString()));
    for (qint64 at = 0; at < bytes.size(); at += kChunk) {
        if (isCancelled(cancel))
            return cancelledError();
        const QByteArrayView part = bytes.sliced(at, std::min<qint64>(kChunk, bytes.size() - at));
        if (f.write(part.data(), part.size()) != part.size())
            return Error::io(QObject::tr("cannot write %1: %2").arg(path, f.errorString()));
    }
    return {};
}

Result<void> copyFile(const QString &from, const QString &to, const std::atomic_bool *cancel)
{
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly))
        return Error::io(QObject::tr("cannot read %1: %2").arg(from, in.errorString()));
    if (!QDir().mkpath(QFileInfo(to).path()))
        return Error::io(QObject::tr("cannot create the directory %1").arg(QFileInfo(to).path()));
    QFile out(to);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Error::io(QObject::tr("cannot write %1: %2").arg(to, out.errorString()));
    while (!in.atEnd()) {
        if (isCancelled(cancel))
            return cancelledError();
        const QByteArray chunk = in.read(kChunk);
        if (chunk.isEmpty() && in.error() != QFileDevice::NoError)
            return Error::io(QObject::tr("cannot read %1: %2").arg(from, in.errorString()));
        if (out.write(chunk) != chunk.size())
            return Error::io(QObject::tr("cannot write %1: %2").arg(to, out.errorString()));
    }
    return {};
}

// One file of a collection written from bytes already in memory (or mapped).
Result<CollectedFile> addFile(Collection &c, CollectedFile::Role role, const QString &original,
                              const QString &localName, QByteArrayView bytes, const std::atomic_bool *cancel)
{
    const QString path = QDir(c.directory).filePath(localName);
    if (auto w = writeBytes(path, bytes, cancel); !w)
        return w.error();
    auto hash = hashFile(path);
    if (!hash)
        return hash.error();
    CollectedFile f;
    f.role = role;
    f.originalPath = original;
    f.localName = localName;
    f.sha256 = hash->first;
    f.bytes = hash->second;
    f.wireBytes = f.bytes;
    f.remoteSize = quint64(QFileInfo(original).size());
    return f;
}

// What `nginx -T` would print for the files that were read: how a config read from disk travels in a bundle.
QByteArray renderDump(const ParsedConfig &config)
{
    QByteArray out;
    for (const ConfigFileText &file : config.files) {
        out += "# configuration file " + QFile::encodeName(file.path) + ":\n" + file.text;
        if (!file.text.endsWith('\n'))
            out += '\n';
        out += '\n';
    }
    return out;
}

QString logName(const QString &path)
{
    QString name = QFileInfo(path).fileName();
    if (name.endsWith(QLatin1StringView(".gz")))
        name.chop(3); // stored decompressed, as a collection stores it
    return name.isEmpty() ? QStringLiteral("log") : name;
}

} // namespace

QString SavedInvestigation::dataDirectory() const
{
    return QDir(m_directory).filePath(kData);
}

Result<SavedInvestigation> SavedInvestigation::read(const QString &directory)
{
    const QDir dir(directory);
    QFile f(dir.filePath(kMeta));
    if (!f.open(QIODevice::ReadOnly))
        return Error::input(QObject::tr("%1 is not a saved investigation: cannot read %2 (%3)")
                                .arg(directory, f.fileName(), f.errorString()));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &perr);
    if (!doc.isObject())
        return Error::input(QObject::tr("%1 is not valid JSON (%2)").arg(f.fileName(), perr.errorString()));
    const QJsonObject o = doc.object();
    const QString schema = o.value(QStringLiteral("schema")).toString();
    if (schema != QLatin1StringView(kSchema))
        return Error::input(QObject::tr("%1 has schema \"%2\"; this version reads \"%3\"")
                                .arg(f.fileName(), schema, QLatin1StringView(kSchema)));
    if (o.value(QStringLiteral("data")).toString() != kData)
        return Error::input(QObject::tr("%1 names its data somewhere other than data/").arg(f.fileName()));
    SavedInvestigation s;
    s.m_directory = dir.absolutePath();
    s.title = o.value(QStringLiteral("title")).toString();
    s.savedAtUtcMs = o.value(QStringLiteral("savedAt")).toInteger();
    const QJsonObject w = o.value(QStringLiteral("window")).toObject();
    s.window = {timeFrom(w.value(QStringLiteral("since"))), timeFrom(w.value(QStringLiteral("until")))};
    for (const QJsonValue &t : o.value(QStringLiteral("targets")).toArray())
        s.targets << t.toString();
    if (o.value(QStringLiteral("checks")).toString() == kChecks) {
        QFile c(dir.filePath(kChecks));
        if (!c.open(QIODevice::ReadOnly))
            return Error::input(
                QObject::tr("%1 is missing: the saved check results cannot be shown").arg(c.fileName()));
        const QJsonDocument checks = QJsonDocument::fromJson(c.readAll(), &perr);
        if (!checks.isObject())
            return Error::input(
                QObject::tr("%1 is not valid JSON (%2)").arg(c.fileName(), perr.errorString()));
        s.m_checks = checks.object();
    }
    return s;
}

Result<void> SavedInvestigation::write(const QString &directory, const std::vector<Collection> &collections,
                                       const std::atomic_bool *cancel, const Session *filesOf)
{
    const QDir dir(directory);
    const bool existed = dir.exists();
    if (existed && !dir.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden))
        return Error{Error::Kind::Usage,
                     QObject::tr("%1 exists and is not empty; save under a new name").arg(directory)};
    if (!QDir().mkpath(directory))
        return Error::io(QObject::tr("cannot create the directory %1").arg(directory));
    const QString data = dir.filePath(kData);
    // Whatever goes wrong, nothing half-written stays behind to be mistaken for a saved investigation.
    auto undo = [&](Error e) -> Result<void> {
        QDir(data).removeRecursively();
        QFile::remove(dir.filePath(kChecks));
        QFile::remove(dir.filePath(kMeta));
        if (!existed)
            QDir().rmdir(directory);
        return e;
    };

    std::vector<Collection> copies;
    std::set<QString> labels;
    for (const Collection &c : collections) {
        QString label = c.hostLabel.isEmpty() ? QStringLiteral("host") : c.hostLabel;
        const QString base = label;
        for (int n = 2; !labels.insert(label).second; ++n)
            label = base + QStringLiteral("-%1").arg(n);
        Collection copy = c;
        copy.hostLabel = label;
        copy.directory = QDir(data).filePath(label);
        copy.files.clear();
        if (!QDir().mkpath(copy.directory))
            return undo(Error::io(QObject::tr("cannot create the directory %1").arg(copy.directory)));
        for (const CollectedFile &f : c.files) {
            if (auto done = copyFile(QDir(c.directory).filePath(f.localName),
                                     QDir(copy.directory).filePath(f.localName), cancel);
                !done)
                return undo(done.error());
            copy.files.push_back(f);
            // Follow mode appends to the collected copies: a copy that grew is described as it is now.
            const QString written = QDir(copy.directory).filePath(f.localName);
            if (quint64(QFileInfo(written).size()) != f.bytes) {
                auto hash = hashFile(written);
                if (!hash)
                    return undo(hash.error());
                copy.files.back().sha256 = hash->first;
                copy.files.back().bytes = hash->second;
            }
        }
        copies.push_back(std::move(copy));
    }
    if (filesOf) {
        QString label = QStringLiteral("files");
        for (int n = 2; labels.count(label); ++n)
            label = QStringLiteral("files-%1").arg(n);
        auto files = collectionFromSession(*filesOf, QDir(data).filePath(label), cancel);
        if (!files)
            return undo(files.error());
        copies.push_back(std::move(files).value());
    }
    if (isCancelled(cancel))
        return undo(cancelledError());
    if (auto m = Bundle::writeManifest(data, copies); !m)
        return undo(m.error());

    if (!m_checks.isEmpty()) {
        if (auto c = writeBytes(dir.filePath(kChecks),
                                QJsonDocument(m_checks).toJson(QJsonDocument::Indented), cancel);
            !c)
            return undo(c.error());
    }
    savedAtUtcMs = QDateTime::currentMSecsSinceEpoch();
    QJsonArray targetList;
    for (const QString &t : targets)
        targetList.append(t);
    const QJsonObject meta{
        {QStringLiteral("schema"), QLatin1StringView(kSchema)},
        {QStringLiteral("generator"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("gateway-workbench")},
                     {QStringLiteral("version"), QStringLiteral(GWB_VERSION)}}},
        {QStringLiteral("title"), title},
        {QStringLiteral("savedAt"), savedAtUtcMs},
        {QStringLiteral("window"), QJsonObject{{QStringLiteral("since"), timeValue(window.since)},
                                               {QStringLiteral("until"), timeValue(window.until)}}},
        {QStringLiteral("targets"), targetList},
        {QStringLiteral("data"), kData},
        {QStringLiteral("checks"), m_checks.isEmpty() ? QJsonValue() : QJsonValue(kChecks)}};
    if (auto w = writeBytes(dir.filePath(kMeta), QJsonDocument(meta).toJson(QJsonDocument::Indented), cancel);
        !w)
        return undo(w.error());
    m_directory = dir.absolutePath();
    return {};
}

Result<Collection> collectionFromSession(const Session &session, const QString &directory,
                                         const std::atomic_bool *cancel)
{
    const Investigation &inv = session.investigation;
    const LocalInputs &in = session.inputs;
    Collection c;
    c.target = QStringLiteral("files");
    c.hostLabel = QFileInfo(directory).fileName();
    c.directory = QDir(directory).absolutePath();
    c.window = {in.since, in.until};
    c.collectedAtUtcMs = QDateTime::currentMSecsSinceEpoch();
    if (!QDir().mkpath(c.directory))
        return Error::io(QObject::tr("cannot create the directory %1").arg(c.directory));

    const QString dumpName = QStringLiteral("nginx-T.txt");
    if (!in.configDump.isEmpty()) {
        if (auto done = copyFile(in.configDump, QDir(c.directory).filePath(dumpName), cancel); !done)
            return done.error();
        auto hash = hashFile(QDir(c.directory).filePath(dumpName));
        if (!hash)
            return hash.error();
        CollectedFile f;
        f.role = CollectedFile::Role::ConfigDump;
        f.originalPath = in.configDump;
        f.localName = dumpName;
        f.sha256 = hash->first;
        f.bytes = f.wireBytes = f.remoteSize = hash->second;
        c.files.push_back(f);
    } else if (!inv.parsedConfig.files.empty()) {
        auto f = addFile(c, CollectedFile::Role::ConfigDump, inv.parsedConfig.mainFile, dumpName,
                         renderDump(inv.parsedConfig), cancel);
        if (!f)
            return f.error();
        c.files.push_back(*f);
    }
    int n = 1;
    const ConfigModel *config = inv.config ? &*inv.config : nullptr;
    for (const AccessLogResult &log : inv.accessLogs) {
        const QString path = log.text->path();
        auto f = addFile(c, CollectedFile::Role::AccessLog, path,
                         QStringLiteral("logs/%1/%2").arg(n++).arg(logName(path)), log.text->bytes(), cancel);
        if (!f)
            return f.error();
        f->formatName = in.accessFormat.isEmpty() ? formatNameForLog(config, path) : in.accessFormat;
        f->compressed = log.text->wasCompressed();
        c.files.push_back(*f);
    }
    for (const ErrorLogResult &log : inv.errorLogs) {
        const QString path = log.text->path();
        auto f = addFile(c, CollectedFile::Role::ErrorLog, path,
                         QStringLiteral("logs/%1/%2").arg(n++).arg(logName(path)), log.text->bytes(), cancel);
        if (!f)
            return f.error();
        f->compressed = log.text->wasCompressed();
        c.files.push_back(*f);
    }
    return c;
}

OpenPath resolveOpenPath(const QString &picked)
{
    const QFileInfo fi(picked);
    if (fi.isFile()) {
        const QString name = fi.fileName();
        if (name == QLatin1StringView("manifest.json"))
            return {OpenPath::Kind::BundleDirectory, fi.absolutePath()};
        if (name == kMeta)
            return {OpenPath::Kind::Saved, fi.absolutePath()};
        if (name.endsWith(QLatin1StringView(".tar.gz")) || name.endsWith(QLatin1StringView(".tgz")))
            return {OpenPath::Kind::BundleArchive, fi.absoluteFilePath()};
        return {OpenPath::Kind::Unknown, fi.absoluteFilePath()};
    }
    const QDir dir(picked);
    if (fi.isDir() && dir.exists(kMeta))
        return {OpenPath::Kind::Saved, dir.absolutePath()};
    if (fi.isDir() && dir.exists(QStringLiteral("manifest.json")))
        return {OpenPath::Kind::BundleDirectory, dir.absolutePath()};
    return {OpenPath::Kind::Unknown, fi.absoluteFilePath()};
}

InvestigationSaver::InvestigationSaver(QObject *parent) : QObject(parent) {}

InvestigationSaver::~InvestigationSaver()
{
    if (m_cancel)
        m_cancel->store(true);
}

void InvestigationSaver::start(const QString &directory, SavedInvestigation meta,
                               std::vector<Collection> collections, SessionPtr session)
{
    cancel();
    m_cancel = std::make_shared<std::atomic_bool>(false);
    const quint64 generation = ++m_generation;
    m_running = true;
    auto flag = m_cancel;
    QFuture<Result<void>> future =
        QtConcurrent::run([directory, meta = std::move(meta), collections = std::move(collections), session,
                           flag]() mutable -> Result<void> {
            // A session opened from files has no collections: its own files are written instead.
            const Session *files = collections.empty() && session ? session.get() : nullptr;
            return meta.write(directory, collections, flag.get(), files);
        });
    auto *watcher = new QFutureWatcher<Result<void>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, directory] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_running = false;
        const Result<void> r = watcher->result();
        if (r)
            emit saved(directory);
        else if (r.error().kind == Error::Kind::Cancelled)
            emit cancelled();
        else
            emit failed(r.error().message);
    });
    watcher->setFuture(future);
}

void InvestigationSaver::cancel()
{
    if (!m_running)
        return;
    m_cancel->store(true);
    ++m_generation;
    m_running = false;
    emit cancelled();
}

} // namespace gwb
