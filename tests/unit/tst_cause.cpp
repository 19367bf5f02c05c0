// A Qt header first: moc follows includes and trips over <concepts> (via <compare>) otherwise.
#include "checks/checkengine.h"
#include "nginx/cause.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace gwb;

namespace {

// The public contract of `gwb diagnose --format json`, in enum order. Changing this list breaks users.
const QStringList kContractIds = {
    QStringLiteral("none"),
    QStringLiteral("backend-refused"),
    QStringLiteral("backend-unreachable"),
    QStringLiteral("connect-timeout"),
    QStringLiteral("socket-missing"),
    QStringLiteral("socket-permission"),
    QStringLiteral("connect-permission"),
    QStringLiteral("socket-backlog-full"),
    QStringLiteral("address-exhausted"),
    QStringLiteral("no-live-upstreams"),
    QStringLiteral("dns-failure"),
    QStringLiteral("tls-handshake"),
    QStringLiteral("tls-verify"),
    QStringLiteral("tls-timeout"),
    QStringLiteral("send-timeout"),
    QStringLiteral("send-failed"),
    QStringLiteral("read-timeout"),
    QStringLiteral("premature-close"),
    QStringLiteral("connection-reset"),
    QStringLiteral("keepalive-race"),
    QStringLiteral("header-too-big"),
    QStringLiteral("invalid-response"),
    QStringLiteral("fastcgi-error"),
    QStringLiteral("grpc-error"),
    QStringLiteral("body-truncated"),
    QStringLiteral("backend-status"),
    QStringLiteral("client-closed"),
    QStringLiteral("unclassified"),
    QStringLiteral("peer-disabled"),
    QStringLiteral("config-error"),
};

// The catalogue's "next check" must be a check that exists: built in, or from the php-fpm plugin that ships.
bool isKnownCheck(const QString &id)
{
    static const CheckRegistry registry = CheckRegistry::withBuiltins();
    return registry.find(id) || id == QLatin1StringView("php-fpm-pool") || id == QLatin1StringView("php-fpm-max-children");
}

} // namespace

class TestCause final : public QObject
{
    Q_OBJECT
private slots:
    void everyCauseHasItsColour()
    {
        QCOMPARE(causeColourHex(Cause::None), QStringLiteral("#8c8c8c")); // grey 140, as QColor::fromHsl(0, 0, 140)
        QSet<QString> seen;
        for (int c = 0; c < kCauseCount; ++c) {
            const Cause cause = static_cast<Cause>(c);
            const QString hex = causeColourHex(cause);
            QVERIFY2(QRegularExpression(QStringLiteral("^#[0-9a-f]{6}$")).match(hex).hasMatch(), qPrintable(hex));
            if (cause != Cause::None && cause != Cause::Unclassified && cause != Cause::ConfigError)
                QVERIFY2(!seen.contains(hex), qPrintable(QString(causeId(cause))));
            seen.insert(hex);
        }
    }

    void idsAreTheContract()
    {
        QCOMPARE(kCauseCount, int(kContractIds.size()));
        QStringList ids;
        for (int c = 0; c < kCauseCount; ++c)
            ids << causeId(static_cast<Cause>(c)).toString();
        QCOMPARE(ids, kContractIds);
    }

    void everyCause_data()
    {
        QTest::addColumn<int>("cause");
        for (int c = 0; c < kCauseCount; ++c)
            QTest::newRow(qPrintable(causeId(static_cast<Cause>(c)).toString())) << c;
    }
    void everyCause()
    {
        QFETCH(int, cause);
        const auto c = static_cast<Cause>(cause);
        const QString id = causeId(c).toString();
        QVERIFY(QRegularExpression(QStringLiteral("^[a-z]+(-[a-z]+)*$")).match(id).hasMatch());
        QCOMPARE(causeFromId(id), std::optional<Cause>(c));

        const CauseInfo &info = causeInfo(c);
        QCOMPARE(info.cause, c);
        QVERIFY(!info.title.isEmpty());
        QVERIFY(info.explanation.size() > 60);
        QVERIFY(info.advice.size() > 60);
        QVERIFY2(!info.title.endsWith(QLatin1Char('.')), "titles are headings");
        QVERIFY(info.explanation.endsWith(QLatin1Char('.')) && info.advice.endsWith(QLatin1Char('.')));
        if (c == Cause::None) {
            QVERIFY(info.nextCheck.isEmpty());
        } else {
            QVERIFY2(isKnownCheck(info.nextCheck), qPrintable(info.nextCheck));
            QVERIFY(!info.directives.isEmpty());
        }
        QVERIFY(QSet<int>({0, 200, 499, 500, 502, 504}).contains(info.typicalStatus));
    }

    void statusesFollowTheFacts()
    {
        for (const Cause c :
             {Cause::ConnectTimeout, Cause::TlsTimeout, Cause::SendTimeout, Cause::ReadTimeout})
            QCOMPARE(causeInfo(c).typicalStatus, 504);
        QCOMPARE(causeInfo(Cause::ClientClosed).typicalStatus, 499);
        QCOMPARE(causeInfo(Cause::BodyTruncated).typicalStatus, 200);
        QCOMPARE(causeInfo(Cause::ConfigError).typicalStatus, 500);
        for (const Cause c :
             {Cause::BackendRefused, Cause::NoLiveUpstreams, Cause::HeaderTooBig, Cause::KeepaliveRace})
            QCOMPARE(causeInfo(c).typicalStatus, 502);
    }

    void directivesThatMatter_data()
    {
        QTest::addColumn<QString>("cause");
        QTest::addColumn<QStringList>("directives");
        QTest::newRow("read-timeout")
            << QStringLiteral("read-timeout")
            << QStringList{QStringLiteral("proxy_read_timeout"), QStringLiteral("fastcgi_read_timeout")};
        QTest::newRow("header-too-big")
            << QStringLiteral("header-too-big")
            << QStringList{QStringLiteral("proxy_buffer_size"), QStringLiteral("fastcgi_buffer_size")};
        QTest::newRow("keepalive-race")
            << QStringLiteral("keepalive-race")
            << QStringList{QStringLiteral("keepalive"), QStringLiteral("keepalive_timeout"),
                           QStringLiteral("proxy_http_version"),
                           QStringLiteral("proxy_set_header Connection")};
        QTest::newRow("no-live-upstreams")
            << QStringLiteral("no-live-upstreams")
            << QStringList{QStringLiteral("max_fails"), QStringLiteral("fail_timeout")};
        QTest::newRow("dns-failure") << QStringLiteral("dns-failure")
                                     << QStringList{QStringLiteral("resolver")};
    }
    void directivesThatMatter()
    {
        QFETCH(QString, cause);
        QFETCH(QStringList, directives);
        const std::optional<Cause> c = causeFromId(cause);
        QVERIFY(c);
        for (const QString &d : directives)
            QVERIFY2(causeInfo(*c).directives.contains(d), qPrintable(d));
    }

    void phaseIds()
    {
        const QStringList expected = {QStringLiteral("unknown"),
                                      QStringLiteral("resolving"),
                                      QStringLiteral("connecting"),
                                      QStringLiteral("ssl-handshaking"),
                                      QStringLiteral("sending-request"),
                                      QStringLiteral("reading-response-header"),
                                      QStringLiteral("reading-upstream"),
                                      QStringLiteral("proxying-upgraded"),
                                      QStringLiteral("other")};
        for (int p = 0; p < expected.size(); ++p) {
            QCOMPARE(phaseId(static_cast<Phase>(p)).toString(), expected[p]);
            QCOMPARE(phaseFromId(expected[p]), std::optional<Phase>(static_cast<Phase>(p)));
        }
    }

    void unknownIdsAreRejected()
    {
        QCOMPARE(causeFromId(u"Backend-Refused"), std::nullopt);
        QCOMPARE(causeFromId(u""), std::nullopt);
        QCOMPARE(phaseFromId(u"reading"), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestCause)
#include "tst_cause.moc"
