#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out, err;
};

Run gwb(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(GWB_EXECUTABLE), args);
    if (!p.waitForFinished(120'000))
        qFatal("gwb did not finish");
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}

QString lab(const char *file)
{
    return QDir(QStringLiteral(GWB_TEST_DATA_DIR)).filePath(QStringLiteral("lab/") + QLatin1StringView(file));
}

} // namespace

class TestGwbCli final : public QObject
{
    Q_OBJECT
private slots:
    void versionAndHelp()
    {
        Run r = gwb({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("gwb " GWB_VERSION));
        r = gwb({QStringLiteral("diagnose"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--config-dump"));
        QVERIFY(r.out.contains("--since"));
        r = gwb({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("diagnose"));
    }

    void usageErrorsExitTwoWithOneSentence_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("no command") << QStringList{} << QByteArray("Usage: gwb");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << QByteArray("unknown command");
        QTest::newRow("nothing to read") << QStringList{QStringLiteral("diagnose")} << QByteArray("nothing to read");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("diagnose"), QStringLiteral("--bogus")} << QByteArray("bogus");
        QTest::newRow("bad format") << QStringList{QStringLiteral("diagnose"), QStringLiteral("--access-log"), lab("access.log"), QStringLiteral("--format"), QStringLiteral("xml")} << QByteArray("unknown --format");
        QTest::newRow("bad time") << QStringList{QStringLiteral("diagnose"), QStringLiteral("--access-log"), lab("access.log"), QStringLiteral("--since"), QStringLiteral("yesterday-ish")} << QByteArray("cannot read the time");
        QTest::newRow("both configs") << QStringList{QStringLiteral("diagnose"), QStringLiteral("--config"), QStringLiteral("a"), QStringLiteral("--config-dump"), QStringLiteral("b")} << QByteArray("either --config-dump or --config");
    }
    void usageErrorsExitTwoWithOneSentence()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const Run r = gwb(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void followStopsAfterItsDurationWithASummary()
    {
        // `gwb follow` on files of this machine: usage errors, then a bounded run that ends with the summary.
        Run r = gwb({QStringLiteral("follow")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("nothing to follow"), r.err.constData());
        r = gwb({QStringLiteral("follow"), QStringLiteral("--local"), QStringLiteral("--access-log"), lab("access.log")});
        QCOMPARE(r.exitCode, 2);
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("access.log"));
        QVERIFY(QFile::copy(lab("access.log"), log));
        r = gwb({QStringLiteral("follow"), QStringLiteral("--access-log"), log, QStringLiteral("--config-dump"),
                 lab("nginx-T.txt"), QStringLiteral("--duration"), QStringLiteral("0.5"), QStringLiteral("--interval"),
                 QStringLiteral("100"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject summary = QJsonDocument::fromJson(r.out.trimmed()).object();
        QCOMPARE(summary[QStringLiteral("schema")].toString(), QStringLiteral("gwb.follow/1"));
        QCOMPARE(summary[QStringLiteral("type")].toString(), QStringLiteral("summary"));
        QCOMPARE(summary[QStringLiteral("new_lines")].toInt(), 0); // the lines already there are not news
        QCOMPARE(summary[QStringLiteral("files")].toInt(), 1);
        r = gwb({QStringLiteral("follow"), QStringLiteral("--access-log"), QStringLiteral("/nonexistent/access.log")});
        QCOMPARE(r.exitCode, 3);
    }

    void unreadableInputExitsThree()
    {
        Run r = gwb({QStringLiteral("diagnose"), QStringLiteral("--error-log"), QStringLiteral("/nonexistent/error.log")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.startsWith("gwb: cannot read /nonexistent/error.log"));
        QCOMPARE(r.err.count('\n'), 1);

        QTemporaryDir dir;
        const QString locked = dir.filePath(QStringLiteral("locked.log"));
        QFile f(locked);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x\n");
        f.close();
        f.setPermissions(QFileDevice::Permissions{});
        if (QFileInfo(locked).isReadable())
            return; // root reads anything; the permission message is covered in tst_textsource
        r = gwb({QStringLiteral("diagnose"), QStringLiteral("--access-log"), locked});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("permission denied"));
    }

    void jsonContract()
    {
        const Run r = gwb({QStringLiteral("diagnose"), QStringLiteral("--config-dump"), lab("nginx-T.txt"),
                           QStringLiteral("--access-log"), lab("access.log"), QStringLiteral("--error-log"), lab("error.log"),
                           QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        QJsonParseError err;
        const QJsonObject doc = QJsonDocument::fromJson(r.out, &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QCOMPARE(doc.value(QStringLiteral("schema")).toString(), QStringLiteral("gwb.diagnosis/1"));
        const QJsonArray findings = doc.value(QStringLiteral("findings")).toArray();
        QVERIFY(findings.size() >= 15);
        for (const QJsonValue &v : findings) {
            const QJsonObject f = v.toObject();
            for (const char *key : {"cause", "status", "phase", "count", "upstream", "peer", "server", "location",
                                    "first", "last", "evidence", "config", "advice"})
                QVERIFY2(f.contains(QLatin1StringView(key)), key);
            QVERIFY(f.value(QStringLiteral("evidence")).toArray().first().toObject().value(QStringLiteral("line")).toInt() > 0);
        }
        QVERIFY(doc.value(QStringLiteral("totals")).toObject().value(QStringLiteral("byStatus")).toObject().contains(QStringLiteral("502")));
        QVERIFY(doc.contains(QStringLiteral("diagnostics")));
    }

    void textSummaryWorstFirst()
    {
        const Run r = gwb({QStringLiteral("diagnose"), QStringLiteral("--config-dump"), lab("nginx-T.txt"),
                           QStringLiteral("--access-log"), lab("access.log"), QStringLiteral("--error-log"), lab("error.log")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("Gateway Workbench diagnosis:"));
        QVERIFY(r.out.contains("1. "));
        QVERIFY(r.out.contains("backend-refused"));
        QVERIFY(r.out.contains("where:"));
    }

    void outputFileIsWritten()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("d.json"));
        const Run r = gwb({QStringLiteral("diagnose"), QStringLiteral("--access-log"), lab("access_combined.log"),
                           QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 0);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("gwb.diagnosis/1"));
    }
};

QTEST_GUILESS_MAIN(TestGwbCli)
#include "tst_gwbcli.moc"
