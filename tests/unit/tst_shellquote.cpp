// The one quoting function and the command templates, checked against a real /bin/sh: hostile file names
// must be read as data, and nothing they spell may execute.
#include "../integration/hostilenames.h"
#include "transport/command.h"
#include "transport/localtransport.h"
#include "transport/shellquote.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace gwb;
using namespace std::chrono_literals;

namespace {

// POSIX calls: QFile names are QString and cannot carry a file name that is not UTF-8.
bool writeRaw(const QByteArray &path, const QByteArray &content)
{
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, content.constData(), static_cast<size_t>(content.size())) == content.size() &&
                    ::fchmod(fd, 0644) == 0; // whatever the umask, so that the stat check is exact
    ::close(fd);
    return ok;
}

bool existsRaw(const QByteArray &path)
{
    return ::access(path.constData(), F_OK) == 0;
}

} // namespace

class TestShellQuote final : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_previousCwd;
    LocalTransport m_local;

    QByteArray dirBytes() const { return QFile::encodeName(m_dir.path()); }
    QStringList markers() const
    {
        return QDir(m_dir.path()).entryList({QStringLiteral("pwned*")}, QDir::AllEntries | QDir::Hidden);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_previousCwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(m_dir.path()));
    }
    void cleanupTestCase()
    {
        QDir::setCurrent(m_previousCwd);
        // QTemporaryDir cannot remove a file whose name is not UTF-8: unlink them by their bytes, even when a
        // failed row left them behind.
        for (const QByteArray &name : test::hostileNames())
            ::unlink(QByteArray(dirBytes() + '/' + name).constData());
    }

    void quotesIntoOneWord()
    {
        QCOMPARE(*shellQuote(""), QByteArray("''"));
        QCOMPARE(*shellQuote("abc"), QByteArray("'abc'"));
        QCOMPARE(*shellQuote("it's"), QByteArray("'it'\\''s'"));
        QCOMPARE(*shellQuote("$(x) `y` \"z\""), QByteArray("'$(x) `y` \"z\"'"));
        QCOMPARE(*shellQuote("a\nb"), QByteArray("'a\nb'"));
    }
    void refusesNulBytes()
    {
        const auto quoted = shellQuote(QByteArrayView("a\0b", 3));
        QVERIFY(!quoted.ok());
        QCOMPARE(quoted.error().kind, Error::Kind::Input);
        QVERIFY(quoted.error().message.contains(QStringLiteral("NUL")));
        const auto command = RemoteCommand::readFile(QByteArray("/tmp/a\0b", 8)).render();
        QVERIFY(!command.ok());
    }
    void rendersTemplates()
    {
        QCOMPARE(*RemoteCommand::readFile("/var/log/nginx/error.log").render(),
                 QByteArray("cat -- '/var/log/nginx/error.log'"));
        QCOMPARE(*RemoteCommand::readFile("/x").withSudo(SudoUse::Allowed).render(),
                 QByteArray("sudo -n -- cat -- '/x'"));
        QCOMPARE(*RemoteCommand::readFile("/x").withSudo(SudoUse::No).render(), QByteArray("cat -- '/x'"));
        QCOMPARE(*RemoteCommand::readFile("-rf").render(), QByteArray("cat -- './-rf'"));
        QCOMPARE(*RemoteCommand::readFileFrom("/a", ByteOffset(10)).render(),
                 QByteArray("tail -c +11 -- '/a'"));
        QCOMPARE(*RemoteCommand::readGzip("/a.gz").render(), QByteArray("gzip -dc -- '/a.gz'"));
        QCOMPARE(*RemoteCommand::statFile("/a").render(),
                 QByteArray("stat -L -c '%s %Y %i %U %G %a' -- '/a'"));
        QCOMPARE(*RemoteCommand::testReadable("/a").render(), QByteArray("test -r '/a'"));
        QCOMPARE(*RemoteCommand::listRotated("/var/log/nginx/", "acc[1]*.log").render(),
                 QByteArray("find '/var/log/nginx/' -maxdepth 1 -type f -name 'acc\\[1\\]\\*.log*' -print0"));
        QCOMPARE(*RemoteCommand::nginxDump("/usr/sbin/nginx", "/etc/nginx/", "/etc/nginx/nginx.conf")
                      .withSudo(SudoUse::Allowed)
                      .render(),
                 QByteArray("sudo -n -- '/usr/sbin/nginx' -T -p '/etc/nginx/' -c '/etc/nginx/nginx.conf'"));
        QCOMPARE(*RemoteCommand::nginxDump("nginx").render(), QByteArray("'nginx' -T"));
        QCOMPARE(*RemoteCommand::nginxVersion("/usr/local/openresty/nginx/sbin/nginx").render(),
                 QByteArray("'/usr/local/openresty/nginx/sbin/nginx' -V"));
        // Templates that gain nothing from root never get sudo.
        QCOMPARE(*RemoteCommand::id().withSudo(SudoUse::Allowed).render(), QByteArray("id -un; id -Gn"));
        QVERIFY(!RemoteCommand::id().withSudo(SudoUse::Allowed).usesSudo());
    }
    void refusesWhatIsNotNginx_data()
    {
        QTest::addColumn<QByteArray>("binary");
        for (const char *b : {"/tmp/evil", "nginx; touch pwned", "../nginx", "sbin/nginx",
                              "/usr/sbin/nginx x", "$(nginx)", "", "/usr/sbin/"})
            QTest::newRow(b) << QByteArray(b);
    }
    void refusesWhatIsNotNginx()
    {
        QFETCH(QByteArray, binary);
        const auto rendered = RemoteCommand::nginxDump(binary).render();
        QVERIFY(!rendered.ok());
        QCOMPARE(rendered.error().kind, Error::Kind::Input);
    }
    void refusesEmptyPath()
    {
        const auto rendered = RemoteCommand::readFile("").render();
        QVERIFY(!rendered.ok());
        QVERIFY(rendered.error().message.contains(QStringLiteral("empty path")));
    }

    void hostileNamesAreData_data()
    {
        QTest::addColumn<QByteArray>("name");
        int i = 0;
        for (const QByteArray &name : test::hostileNames())
            QTest::newRow(qPrintable(QStringLiteral("%1").arg(++i))) << name;
    }
    void hostileNamesAreData()
    {
        QFETCH(QByteArray, name);
        const QByteArray content = "content of [" + name + "]\n";
        const QByteArray absolute = dirBytes() + '/' + name;
        QVERIFY2(writeRaw(absolute, content), name.constData());

        for (const QByteArray &path : {absolute, name}) { // absolute, and relative (gets ./)
            const auto read = m_local.run(RemoteCommand::readFile(path), 10s, {});
            QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().message));
            QCOMPARE(read->exitCode, 0);
            QCOMPARE(read->out, content);

            const auto from = m_local.run(RemoteCommand::readFileFrom(path, ByteOffset(8)), 10s, {});
            QVERIFY(from.ok());
            QCOMPARE(from->out, content.mid(8));

            const auto stat = m_local.run(RemoteCommand::statFile(path), 10s, {});
            QVERIFY(stat.ok());
            QCOMPARE(stat->exitCode, 0);
            const auto parsed = parseStatOutput(stat->out);
            QVERIFY2(parsed.ok(), stat->out.constData());
            QCOMPARE(parsed->size, quint64(content.size()));
            QCOMPARE(parsed->mode, 0644);

            const auto readable = m_local.run(RemoteCommand::testReadable(path), 10s, {});
            QVERIFY(readable.ok());
            QCOMPARE(readable->exitCode, 0);
        }
        // The name is also found literally as a rotation base (glob characters in it are not patterns).
        const auto list = m_local.run(RemoteCommand::listRotated(dirBytes(), name), 10s, {});
        QVERIFY(list.ok());
        QCOMPARE(list->exitCode, 0);
        QVERIFY2(splitNulList(list->out).contains(dirBytes() + '/' + name), list->out.constData());

        QVERIFY2(markers().isEmpty(), qPrintable(markers().join(u',')));
        QVERIFY(::unlink(absolute.constData()) == 0);
    }

    // Paths with a '/' cannot be file names in one directory: feed them as paths that do not exist. The
    // commands must fail as "no such file" and the absolute marker must not appear.
    void hostilePathsAreData_data()
    {
        QTest::addColumn<QByteArray>("path");
        const QByteArray marker = dirBytes() + "/pwned-abs";
        QTest::newRow("subst") << "$(touch " + marker + ")";
        QTest::newRow("backtick") << "`touch " + marker + "`";
        QTest::newRow("semicolon") << "/nonexistent; touch " + marker;
        QTest::newRow("and") << "/nonexistent && touch " + marker;
        QTest::newRow("newline") << "/nonexistent\ntouch " + marker;
        QTest::newRow("quote") << "/nonexistent'; touch " + marker + "; '";
        QTest::newRow("dquote") << "/nonexistent\"; touch " + marker + "; \"";
        QTest::newRow("glob") << QByteArray("/etc/*");
    }
    void hostilePathsAreData()
    {
        QFETCH(QByteArray, path);
        const QList<RemoteCommand> commands = {RemoteCommand::readFile(path),
                                               RemoteCommand::readGzip(path),
                                               RemoteCommand::statFile(path),
                                               RemoteCommand::testReadable(path),
                                               RemoteCommand::readFileFrom(path, ByteOffset(0)),
                                               RemoteCommand::listRotated(path, path)};
        for (const RemoteCommand &command : commands) {
            const auto result = m_local.run(command, 10s, {});
            QVERIFY(result.ok());
            QVERIFY2(result->exitCode != 0 || command.kind() == RemoteCommand::Template::ListRotated,
                     qPrintable(command.label()));
            QVERIFY(result->out.isEmpty());
        }
        QVERIFY(!existsRaw(dirBytes() + "/pwned-abs"));
        QVERIFY2(markers().isEmpty(), qPrintable(markers().join(u',')));
    }

    void parsesStat()
    {
        const auto s = parseStatOutput("1234 1700000000 42 www-data adm 640\n");
        QVERIFY(s.ok());
        QCOMPARE(s->size, 1234u);
        QCOMPARE(s->mtimeSeconds, 1700000000);
        QCOMPARE(s->inode, 42u);
        QCOMPARE(s->owner, QStringLiteral("www-data"));
        QCOMPARE(s->group, QStringLiteral("adm"));
        QCOMPARE(s->mode, 0640);
        QVERIFY(!parseStatOutput("stat: cannot stat").ok());
    }
};

QTEST_GUILESS_MAIN(TestShellQuote)
#include "tst_shellquote.moc"
