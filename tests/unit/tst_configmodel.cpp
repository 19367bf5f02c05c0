#include "nginx/configmodel.h"
#include "nginx/configparser.h"
#include "testutil.h"

#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>

using namespace gwb;
using namespace Qt::StringLiterals;

namespace {

QString shortPath(QString text)
{
    return text.replace(test::dataPath(u"config/"_s), QString());
}

QString at(const SourceLocation &w)
{
    return w.isValid() ? u" @"_s + shortPath(w.toString()) : QString();
}

QString quoted(const QStringList &args)
{
    QStringList out;
    for (const QString &a : args)
        out << u"\""_s + a + u"\""_s;
    return out.join(QLatin1Char(' '));
}

bool sameValue(const EffectiveValue &a, const EffectiveValue &b)
{
    return a.args == b.args && a.where == b.where && a.isDefault == b.isDefault;
}

QString kindName(PassTarget::Kind k)
{
    switch (k) {
    case PassTarget::Kind::UpstreamGroup:
        return u"group"_s;
    case PassTarget::Kind::Address:
        return u"address"_s;
    case PassTarget::Kind::UnixSocket:
        return u"unix"_s;
    case PassTarget::Kind::Variable:
        return u"variable"_s;
    }
    return {};
}

// Only what differs from the enclosing context is shown: an inheritance bug shows up as a line.
void dumpEffective(QString &out, const QString &indent, const EffectiveSettings &own,
                   const EffectiveSettings *parent)
{
    for (const auto &[key, value] : own) {
        if (!parent && value.isDefault)
            continue;
        if (parent) {
            const auto it = parent->find(key);
            if (it != parent->end() && sameValue(it->second, value))
                continue;
        }
        out += indent + key + u" = "_s + quoted(value.args) +
               (value.isDefault ? u" (default)"_s : at(value.where)) + QLatin1Char('\n');
    }
    if (!parent)
        return;
    for (const auto &[key, value] : *parent)
        if (!own.count(key))
            out += indent + key + u" (no longer set)\n"_s;
}

QString accessLogLine(const AccessLogTarget &t)
{
    if (t.off)
        return u"access_log off"_s + at(t.where);
    return u"access_log "_s + shortPath(t.path) + u" format="_s + t.formatName +
           (t.condition.isEmpty() ? QString() : u" if="_s + t.condition) +
           (t.isDefault ? u" (default)"_s : QString()) + at(t.where);
}

QString errorLogLine(const ErrorLogTarget &t)
{
    return u"error_log "_s + shortPath(t.path) + u" level="_s + t.level +
           (t.isDefault ? u" (default)"_s : QString()) + at(t.where);
}

template <typename T, typename F>
void dumpLogsIfChanged(QString &out, const QString &indent, const std::vector<T> &own,
                       const std::vector<T> *parent, F line)
{
    QStringList mine, theirs;
    for (const T &t : own)
        mine << line(t);
    if (parent)
        for (const T &t : *parent)
            theirs << line(t);
    if (parent && mine == theirs)
        return;
    for (const QString &l : mine)
        out += indent + l + QLatin1Char('\n');
}

void dumpLocation(QString &out, const ConfigModel &m, int index, int depth,
                  const EffectiveSettings &parentEffective, const std::vector<AccessLogTarget> &parentAccess,
                  const std::vector<ErrorLogTarget> &parentErrors)
{
    const Location &l = m.locations[static_cast<std::size_t>(index)];
    const QString indent(depth * 2, QLatin1Char(' '));
    out += indent + u"#"_s + QString::number(index) + QLatin1Char(' ') + l.displayName() + at(l.where) +
           QLatin1Char('\n');
    if (l.pass) {
        const PassTarget &p = *l.pass;
        out += indent + u"  pass "_s + passModuleName(p.module) + QLatin1Char(' ') + kindName(p.kind) +
               u" target="_s + p.target + u" uri="_s + p.uri + u" scheme="_s + p.scheme +
               (p.upstreamIndex >= 0 ? u" upstream=#"_s + QString::number(p.upstreamIndex) : QString()) +
               u" raw="_s + p.raw + at(p.where) + QLatin1Char('\n');
    }
    dumpEffective(out, indent + u"  "_s, l.effective, &parentEffective);
    dumpLogsIfChanged(out, indent + u"  "_s, l.accessLogs, &parentAccess, accessLogLine);
    dumpLogsIfChanged(out, indent + u"  "_s, l.errorLogs, &parentErrors, errorLogLine);
    for (int child : l.children)
        dumpLocation(out, m, child, depth + 1, l.effective, l.accessLogs, l.errorLogs);
}

QByteArray dumpModel(const ConfigModel &m)
{
    QString out =
        u"prefix: "_s + shortPath(m.prefix) + u"\nuser: "_s + m.workerUser + u"\n\n# log formats\n"_s;
    for (const LogFormatDefinition &f : m.logFormats)
        out += f.name + u" escape="_s + f.escape + at(f.where) + u"\n  "_s + f.format + QLatin1Char('\n');
    out += u"\n# main/http error logs\n"_s;
    for (const ErrorLogTarget &t : m.errorLogs)
        out += errorLogLine(t) + QLatin1Char('\n');
    out += u"\n# http\n"_s;
    dumpEffective(out, QString(), m.httpEffective, nullptr);
    for (const AccessLogTarget &t : m.httpAccessLogs)
        out += accessLogLine(t) + QLatin1Char('\n');
    out += u"\n# upstreams\n"_s;
    for (std::size_t i = 0; i < m.upstreams.size(); ++i) {
        const UpstreamGroup &g = m.upstreams[i];
        out += u"#%1 %2 balancing=\"%3\" keepalive=%4 keepalive_timeout=%5%6 keepalive_requests=%7%8%9\n"_s
                   .arg(i)
                   .arg(g.name, g.balancing)
                   .arg(g.keepalive)
                   .arg(g.keepaliveTimeout.text(), g.keepaliveTimeout.isDefault ? u"(default)"_s : QString(),
                        g.keepaliveRequests.text(),
                        g.keepaliveRequests.isDefault ? u"(default)"_s : QString(), at(g.where));
        for (const UpstreamServer &s : g.servers)
            out +=
                u"  server %1 weight=%2 max_fails=%3 fail_timeout=%4s max_conns=%5%6%7%8%9\n"_s.arg(s.address)
                    .arg(s.weight)
                    .arg(s.maxFails)
                    .arg(s.failTimeoutSec)
                    .arg(s.maxConns)
                    .arg(s.backup ? u" backup"_s : QString(), s.down ? u" down"_s : QString(),
                         s.resolve ? u" resolve"_s : QString(), at(s.where));
    }
    out += u"\n# servers\n"_s;
    for (std::size_t i = 0; i < m.servers.size(); ++i) {
        const Server &s = m.servers[i];
        out += u"#"_s + QString::number(i) + QLatin1Char(' ') + s.displayName() + at(s.where) +
               QLatin1Char('\n');
        for (const ListenAddress &l : s.listens)
            out += u"  listen "_s + l.raw + u" → address="_s + l.address + u" port="_s +
                   QString::number(l.port) + (l.ssl ? u" ssl"_s : QString()) +
                   (l.http2 ? u" http2"_s : QString()) +
                   (l.defaultServer ? u" default_server"_s : QString()) +
                   (l.isDefault ? u" (default)"_s : QString()) + QLatin1Char('\n');
        out += u"  server_name "_s + quoted(s.serverNames) + QLatin1Char('\n');
        dumpEffective(out, u"  "_s, s.effective, &m.httpEffective);
        dumpLogsIfChanged(out, u"  "_s, s.accessLogs, &m.httpAccessLogs, accessLogLine);
        for (const ErrorLogTarget &t : s.errorLogs)
            out += u"  "_s + errorLogLine(t) + QLatin1Char('\n');
        for (int l : s.locations)
            dumpLocation(out, m, l, 1, s.effective, s.accessLogs, s.errorLogs);
    }
    out += u"\n# all access logs\n"_s;
    for (const AccessLogTarget &t : m.allAccessLogs())
        out += accessLogLine(t) + QLatin1Char('\n');
    out += u"\n# all error logs\n"_s;
    for (const ErrorLogTarget &t : m.allErrorLogs())
        out += errorLogLine(t) + QLatin1Char('\n');
    out += u"\n# diagnostics\n"_s;
    for (const Diagnostic &d : m.diagnostics)
        out += severityName(d.severity) + QLatin1Char(' ') + shortPath(d.where.toString()) + u": "_s +
               shortPath(d.message) + QLatin1Char('\n');
    return out.toUtf8();
}

ConfigModel buildFixture(const QString &relative)
{
    const QString path = test::dataPath(relative);
    if (path.endsWith(u".dump"))
        return ConfigModel::build(
            ConfigParser::parseDump(test::readData(relative), QFileInfo(path).fileName()));
    return ConfigModel::build(ConfigParser::parseFile(path));
}

QString locationName(const ConfigModel &m, int index)
{
    return index < 0 ? u"-"_s : m.locations[static_cast<std::size_t>(index)].displayName();
}

} // namespace

class TestConfigModel final : public QObject
{
    Q_OBJECT
private slots:
    void goldenModel_data()
    {
        QTest::addColumn<QString>("input");
        const QDir dir(test::dataPath(u"config/model"_s));
        const QStringList inputs = dir.entryList({u"*.conf"_s, u"*.dump"_s}, QDir::Files, QDir::Name);
        QVERIFY(!inputs.isEmpty());
        for (const QString &name : inputs)
            QTest::newRow(qPrintable(name)) << u"config/model/"_s + name;
    }
    void goldenModel()
    {
        QFETCH(QString, input);
        const QString expected = input.left(input.lastIndexOf(QLatin1Char('.'))) + u".expected"_s;
        test::compareGolden(dumpModel(buildFixture(input)), expected);
    }

    void defaultsAreNginxDocumented_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        for (const char *m : {"proxy", "fastcgi", "uwsgi", "scgi", "grpc"}) {
            const QString p = QString::fromLatin1(m) + QLatin1Char('_');
            for (const auto &[key, value] : {std::pair{"connect_timeout", "60s"},
                                             {"send_timeout", "60s"},
                                             {"read_timeout", "60s"},
                                             {"buffer_size", "4k"},
                                             {"next_upstream", "error timeout"},
                                             {"next_upstream_tries", "0"},
                                             {"next_upstream_timeout", "0"}})
                QTest::newRow(qPrintable(p + QLatin1StringView(key)))
                    << p + QLatin1StringView(key) << QString::fromLatin1(value);
        }
        for (const char *m : {"proxy", "fastcgi", "uwsgi", "scgi"}) {
            const QString p = QString::fromLatin1(m) + QLatin1Char('_');
            QTest::newRow(qPrintable(p + u"buffers"_s)) << p + u"buffers"_s << u"8 4k"_s;
            QTest::newRow(qPrintable(p + u"busy_buffers_size"_s)) << p + u"busy_buffers_size"_s << u"8k"_s;
        }
        const std::pair<const char *, const char *> rest[] = {{"proxy_http_version", "1.0"},
                                                              {"resolver", ""},
                                                              {"resolver_timeout", "30s"},
                                                              {"proxy_ssl_server_name", "off"},
                                                              {"proxy_ssl_verify", "off"},
                                                              {"proxy_ssl_name", "$proxy_host"},
                                                              {"proxy_buffering", "on"},
                                                              {"proxy_intercept_errors", "off"},
                                                              {"fastcgi_intercept_errors", "off"},
                                                              {"large_client_header_buffers", "4 8k"},
                                                              {"client_max_body_size", "1m"},
                                                              {"keepalive_timeout", "75s"},
                                                              {"proxy_set_header Connection", "close"},
                                                              {"proxy_set_header Host", "$proxy_host"}};
        for (const auto &[key, value] : rest)
            QTest::newRow(key) << QString::fromLatin1(key) << QString::fromLatin1(value);
    }
    void defaultsAreNginxDocumented()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        const ConfigModel m =
            ConfigModel::build(ConfigParser::parseText("http { server { location / { } } }", u"d.conf"_s));
        for (const EffectiveSettings *e :
             {&m.httpEffective, &m.servers.front().effective, &m.locations.front().effective}) {
            QVERIFY2(e->count(key), qPrintable(key));
            const EffectiveValue &v = e->at(key);
            QVERIFY(v.isDefault);
            QVERIFY(!v.where.isValid());
            QCOMPARE(v.text(), value);
        }
    }

    void findServer_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>(
            "server"); // first server_name@first port of the expected server, "-" for none
        QTest::newRow("exact") << u"example.com"_s << 80 << u"example.com@80"_s;
        QTest::newRow("case and trailing dot") << u"EXAMPLE.com."_s << 80 << u"example.com@80"_s;
        QTest::newRow("port in Host") << u"example.com:80"_s << 80 << u"example.com@80"_s;
        QTest::newRow("exact beats wildcard") << u"www.example.com"_s << 80 << u"example.com@80"_s;
        QTest::newRow("leading wildcard") << u"shop.example.com"_s << 80 << u"*.example.com@80"_s;
        QTest::newRow("longest leading wildcard")
            << u"v1.api.example.com"_s << 80 << u"*.api.example.com@80"_s;
        QTest::newRow("wildcard needs a label") << u"api.example.com"_s << 80 << u"*.example.com@80"_s;
        QTest::newRow("trailing wildcard") << u"www.example.org"_s << 80 << u"www.example.*@80"_s;
        QTest::newRow("leading before trailing")
            << u"www.example.co.example.com"_s << 80 << u"*.example.com@80"_s;
        QTest::newRow("regex") << u"bob.users.example.net"_s << 80
                               << u"~^(?<user>[a-z]+)\\.users\\.example\\.net$@80"_s;
        QTest::newRow("first regex in order") << u"x.regex.test"_s << 80 << u"~^x\\.@80"_s;
        QTest::newRow("default_server") << u"unknown.test"_s << 80 << u"_@80"_s;
        QTest::newRow("empty host, empty name") << QString() << 80 << u"\"\"@80"_s;
        QTest::newRow("other port exact") << u"example.com"_s << 8080 << u"example.com@8080"_s;
        QTest::newRow("dot form exact") << u"wild.org"_s << 8080 << u".wild.org@8080"_s;
        QTest::newRow("dot form wildcard") << u"a.wild.org"_s << 8080 << u".wild.org@8080"_s;
        QTest::newRow("no default: first of port") << u"nothing.test"_s << 8080 << u"example.com@8080"_s;
        QTest::newRow("first of port 9090") << u"x"_s << 9090 << u"first9090@9090"_s;
        QTest::newRow("port nobody listens on") << u"example.com"_s << 1234 << u"-"_s;
        QTest::newRow("any port") << u"shop.example.com"_s << 0 << u"*.example.com@80"_s;
        QTest::newRow("invalid regex never matches") << u"(broken"_s << 80 << u"_@80"_s;
    }
    void findServer()
    {
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, server);
        const ConfigModel m = buildFixture(u"config/routing/servers.conf"_s);
        const int found = m.findServer(host, port);
        QString name = u"-"_s;
        if (found >= 0) {
            const Server &s = m.servers[static_cast<std::size_t>(found)];
            const QString first = s.serverNames.value(0);
            name = (first.isEmpty() ? u"\"\""_s : first) + u"@"_s + QString::number(s.listens.front().port);
        }
        QCOMPARE(name, server);
    }

    void matchLocation_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("location");
        QTest::newRow("exact root") << u"/"_s << u"location = /"_s;
        QTest::newRow("root prefix") << u"/index.html"_s << u"location /"_s;
        QTest::newRow("longest prefix") << u"/documents/a.txt"_s << u"location /documents/"_s;
        QTest::newRow("regex beats prefix") << u"/documents/a.jpg"_s << u"location ~* \\.(gif|jpg|jpeg)$"_s;
        QTest::newRow("^~ stops regexes") << u"/images/a.jpg"_s << u"location ^~ /images/"_s;
        QTest::newRow("prefix case-sensitive, ~* not")
            << u"/IMAGES/A.JPG"_s << u"location ~* \\.(gif|jpg|jpeg)$"_s;
        QTest::newRow("nested regex first") << u"/api/x.json"_s << u"location ~ \\.json$"_s;
        QTest::newRow("outer regex after nested miss") << u"/api/x"_s << u"location ~ ^/api/"_s;
        QTest::newRow("regex beats nested prefix") << u"/api/v2/x"_s << u"location ~ ^/api/"_s;
        QTest::newRow("nested regex under nested prefix")
            << u"/api/v2/data.json"_s << u"location ~ \\.json$"_s;
        QTest::newRow("exact") << u"/exact"_s << u"location = /exact"_s;
        QTest::newRow("exact is not a prefix") << u"/exact/more"_s << u"location /"_s;
        QTest::newRow("nested regex in prefix") << u"/static/site.css"_s << u"location ~ \\.css$"_s;
        QTest::newRow("outer regex after nested") << u"/static/x.php"_s << u"location ~ \\.php$"_s;
        QTest::newRow("regex nested in regex") << u"/admin/x.php"_s << u"location ~ ^/admin/"_s;
        QTest::newRow("percent-decoded") << u"/a%2Ephp"_s << u"location ~ \\.php$"_s;
        QTest::newRow("query ignored") << u"/x.php?y=1.jpg"_s << u"location ~ \\.php$"_s;
        QTest::newRow("slashes merged") << u"//documents//x"_s << u"location /documents/"_s;
        QTest::newRow("named never matches") << u"/fallback"_s << u"location /"_s;
        QTest::newRow("invalid regex skipped") << u"/(invalid"_s << u"location /"_s;
        QTest::newRow("no slash, nothing") << u"@fallback"_s << u"-"_s;
    }
    void matchLocation()
    {
        QFETCH(QString, uri);
        QFETCH(QString, location);
        const ConfigModel m = buildFixture(u"config/routing/locations.conf"_s);
        QCOMPARE(locationName(m, m.matchLocation(0, uri)), location);
    }

    void matchLocationOutOfRange()
    {
        const ConfigModel m = buildFixture(u"config/routing/locations.conf"_s);
        QCOMPARE(m.matchLocation(-1, u"/"), -1);
        QCOMPARE(m.matchLocation(99, u"/"), -1);
        QCOMPARE(m.matchLocation(1, u"/anything"), -1); // a server without locations
    }

    void invalidRegexIsLocated()
    {
        const ConfigModel m = buildFixture(u"config/routing/locations.conf"_s);
        bool found = false;
        for (const Diagnostic &d : m.diagnostics)
            found = found || (d.message.contains(u"invalid regular expression"_s) && d.where.line.value > 0);
        QVERIFY(found);
    }

    // The regex cache is shared by copies and used from several threads by the diagnosis.
    void matchingIsThreadSafe()
    {
        const ConfigModel m = buildFixture(u"config/routing/locations.conf"_s);
        const ConfigModel copy = m;
        std::atomic<int> mismatches{0};
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back(QThread::create([&, t] {
                const ConfigModel &model = t % 2 ? copy : m;
                for (int i = 0; i < 500; ++i)
                    if (locationName(model, model.matchLocation(0, u"/api/v2/data.json")) !=
                        u"location ~ \\.json$")
                        ++mismatches;
            }));
            threads.back()->start();
        }
        for (const std::unique_ptr<QThread> &t : threads)
            t->wait();
        QCOMPARE(mismatches.load(), 0);
    }

    void durationsAndSizes()
    {
        QCOMPARE(parseNginxDurationMs(u"60s"), std::optional<std::int64_t>(60000));
        QCOMPARE(parseNginxDurationMs(u"60"), std::optional<std::int64_t>(60000));
        QCOMPARE(parseNginxDurationMs(u"500ms"), std::optional<std::int64_t>(500));
        QCOMPARE(parseNginxDurationMs(u"1m30s"), std::optional<std::int64_t>(90000));
        QCOMPARE(parseNginxDurationMs(u"1h"), std::optional<std::int64_t>(3600000));
        QCOMPARE(parseNginxDurationMs(u"2d"), std::optional<std::int64_t>(172800000));
        QCOMPARE(parseNginxDurationMs(u"s"), std::nullopt);
        QCOMPARE(parseNginxDurationMs(u""), std::nullopt);
        QCOMPARE(parseNginxDurationMs(u"10x"), std::nullopt);
        QCOMPARE(parseNginxSizeBytes(u"4k"), std::optional<std::int64_t>(4096));
        QCOMPARE(parseNginxSizeBytes(u"8K"), std::optional<std::int64_t>(8192));
        QCOMPARE(parseNginxSizeBytes(u"1m"), std::optional<std::int64_t>(1048576));
        QCOMPARE(parseNginxSizeBytes(u"100"), std::optional<std::int64_t>(100));
        QCOMPARE(parseNginxSizeBytes(u"k"), std::nullopt);
        QCOMPARE(parseNginxSizeBytes(u"-1"), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestConfigModel)
#include "tst_configmodel.moc"
