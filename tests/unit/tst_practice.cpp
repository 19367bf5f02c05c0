// Practice rounds (random pick with a seed, scoring right / partly right / wrong) and trainee progress files.
#include "nginx/configmodel.h"
#include "training/practice.h"
#include "training/progress.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <set>

using namespace gwb;

namespace {

PracticeScenario scenario(const char *id, const char *lab, const char *accept, const char *related)
{
    const QString text =
        QStringLiteral("id: %1\ntitle: Title of %1\nlab: %2\nlevel: beginner\naccept: %3\nrelated: %4\n\n"
                       "## report\nSomething fails.\n\n## hint\nLook at the errno.\n\n"
                       "## explanation\nThe real story.\n\n## fastest path\n- first\n- second\n")
            .arg(QString::fromUtf8(id), QString::fromUtf8(lab), QString::fromUtf8(accept),
                 QString::fromUtf8(related));
    Result<PracticeScenario> r =
        parsePracticeScenario(text, QString::fromUtf8(id) + QStringLiteral(".scenario"));
    if (!r)
        qFatal("%s", qPrintable(r.error().message));
    return std::move(r).value();
}

std::vector<PracticeScenario> scenarios()
{
    return {scenario("refused-one", "refused", "backend-refused", "backend-unreachable"),
            scenario("slow-one", "read-timeout", "read-timeout", "connect-timeout"),
            scenario("ka-one", "keepalive-race", "keepalive-race", "premature-close, connection-reset")};
}

// The round for `seed` whose scenario is `id` (seeds are deterministic, so the search is too).
PracticeRound roundFor(const QString &id)
{
    for (std::uint32_t seed = 1; seed < 1000; ++seed) {
        std::optional<PracticeRound> r = PracticeRound::start(scenarios(), seed);
        if (r && r->scenario().id == id)
            return *r;
    }
    qFatal("no seed picks %s", qPrintable(id));
}

} // namespace

class TestPractice final : public QObject
{
    Q_OBJECT
private slots:
    void aSeedPicksTheSameRoundEveryTime()
    {
        const auto a = PracticeRound::start(scenarios(), 42);
        const auto b = PracticeRound::start(scenarios(), 42);
        QVERIFY(a && b);
        QCOMPARE(a->scenario().id, b->scenario().id);
        QCOMPARE(a->brokenLocation(), b->brokenLocation());
        QVERIFY(practiceLocations().contains(a->brokenLocation()));
        std::set<QString> picked, places;
        for (std::uint32_t seed = 0; seed < 50; ++seed) {
            const auto r = PracticeRound::start(scenarios(), seed);
            picked.insert(r->scenario().id);
            places.insert(r->brokenLocation());
        }
        QCOMPARE(picked.size(), std::size_t(3));
        QCOMPARE(places.size(), std::size_t(3));
        QVERIFY(!PracticeRound::start({}, 1));
    }

    void masteredScenariosWaitTheirTurn()
    {
        const QSet<QString> mastered = {QStringLiteral("refused-one"), QStringLiteral("slow-one")};
        for (std::uint32_t seed = 0; seed < 20; ++seed)
            QCOMPARE(PracticeRound::start(scenarios(), seed, mastered)->scenario().id,
                     QStringLiteral("ka-one"));
        const QSet<QString> all = {QStringLiteral("refused-one"), QStringLiteral("slow-one"),
                                   QStringLiteral("ka-one")};
        QVERIFY(PracticeRound::start(scenarios(), 7, all)); // everything mastered: practice on anything
    }

    void theRightAnswerScoresRight()
    {
        const PracticeRound round = roundFor(QStringLiteral("slow-one"));
        const PracticeScore s =
            round.score(Cause::ReadTimeout, QStringLiteral("location ") + round.brokenLocation());
        QCOMPARE(s.verdict, PracticeScore::Verdict::Right);
        QCOMPARE(s.points, 100);
        QVERIFY(s.causeRight && s.whereRight);
        QCOMPARE(s.realCause, Cause::ReadTimeout);
        QCOMPARE(s.realLocation, round.brokenLocation());
        QCOMPARE(s.explanation, QStringLiteral("The real story."));
        QCOMPARE(s.fastestPath, (QStringList{QStringLiteral("first"), QStringLiteral("second")}));
        QCOMPARE(verdictName(s.verdict), QStringLiteral("right"));
    }

    void aWrongAnswerScoresWrong()
    {
        const PracticeRound round = roundFor(QStringLiteral("slow-one"));
        const QString elsewhere =
            round.brokenLocation() == u"/shop" ? QStringLiteral("/search") : QStringLiteral("/shop");
        const PracticeScore s = round.score(Cause::BackendRefused, elsewhere);
        QCOMPARE(s.verdict, PracticeScore::Verdict::Wrong);
        QCOMPARE(s.points, 0);
        QVERIFY(s.feedback.contains(QStringLiteral("read-timeout")));
        QVERIFY(s.feedback.contains(round.brokenLocation()));
        // The right place does not rescue a wrong cause.
        const PracticeScore placeOnly = round.score(Cause::HeaderTooBig, round.brokenLocation());
        QCOMPARE(placeOnly.verdict, PracticeScore::Verdict::Wrong);
        QCOMPARE(placeOnly.points, PracticeRound::kWherePoints);
    }

    void partlyRightAnswers()
    {
        PracticeRound round = roundFor(QStringLiteral("ka-one"));
        const PracticeScore noPlace = round.score(Cause::KeepaliveRace, QString());
        QCOMPARE(noPlace.verdict, PracticeScore::Verdict::PartlyRight);
        QCOMPARE(noPlace.points, 70);
        const PracticeScore neighbour = round.score(Cause::PrematureClose, round.brokenLocation());
        QCOMPARE(neighbour.verdict, PracticeScore::Verdict::PartlyRight);
        QVERIFY(neighbour.causeRelated);
        QCOMPARE(neighbour.points, 35 + 30);
        QCOMPARE(round.hint(), QStringLiteral("Look at the errno."));
        const PracticeScore withHint = round.score(Cause::KeepaliveRace, round.brokenLocation());
        QCOMPARE(withHint.verdict, PracticeScore::Verdict::Right);
        QCOMPARE(withHint.points, 90);
        QVERIFY(withHint.hintUsed);
    }

    void theLocationOrAPeerCounts_data()
    {
        QTest::addColumn<QString>("where");
        QTest::addColumn<bool>("right");
        QTest::newRow("path") << QStringLiteral("/account") << true;
        QTest::newRow("bare word") << QStringLiteral("account") << true;
        QTest::newRow("as the finding says") << QStringLiteral("location /account") << true;
        QTest::newRow("url") << QStringLiteral("http://127.0.0.1:18180/account?x=1") << true;
        QTest::newRow("sub path") << QStringLiteral("/account/orders") << true;
        QTest::newRow("peer") << QStringLiteral("127.0.0.1:15083") << true;
        QTest::newRow("upstream url")
            << QStringLiteral("upstream: \"http://127.0.0.1:15083/account\"") << true;
        QTest::newRow("group") << QStringLiteral("ACCOUNT_backend") << true;
        QTest::newRow("socket") << QStringLiteral("/tmp/lab/run/sock/app.sock") << true;
        QTest::newRow("other location") << QStringLiteral("/shop") << false;
        QTest::newRow("longer name") << QStringLiteral("/accounts") << false;
        QTest::newRow("port prefix") << QStringLiteral("127.0.0.1:1508") << false;
        QTest::newRow("longer port") << QStringLiteral("127.0.0.1:150831") << false;
        QTest::newRow("empty") << QString() << false;
    }

    void theLocationOrAPeerCounts()
    {
        QFETCH(QString, where);
        QFETCH(bool, right);
        std::optional<PracticeRound> round;
        for (std::uint32_t seed = 0; !round || round->brokenLocation() != u"/account"; ++seed)
            round = PracticeRound::start(scenarios(), seed);
        round->setBrokenPeers({QStringLiteral("account_backend"), QStringLiteral("127.0.0.1:15083"),
                               QStringLiteral("unix:/tmp/lab/run/sock/app.sock")});
        QCOMPARE(round->score(Cause::Unclassified, where).whereRight, right);
    }

    void peersComeFromThePracticeConfig()
    {
        const QByteArray conf =
            "http {\n"
            "  upstream shop_backend { server 127.0.0.1:15081; }\n"
            "  upstream search_backend { server 127.0.0.1:15092 max_fails=1; server 127.0.0.1:15093; }\n"
            "  server { listen 127.0.0.1:15080;\n"
            "    location /shop { proxy_pass http://shop_backend; }\n"
            "    location /search { proxy_pass http://search_backend; }\n"
            "    location /account { proxy_pass http://unix:/run/app.sock; }\n"
            "  }\n}\n";
        const ConfigModel model =
            ConfigModel::build(ConfigParser::parseText(conf, QStringLiteral("nginx.conf")));
        QCOMPARE(practicePeers(model, QStringLiteral("/search")),
                 (QStringList{QStringLiteral("search_backend"), QStringLiteral("127.0.0.1:15092"),
                              QStringLiteral("127.0.0.1:15093")}));
        QCOMPARE(practicePeers(model, QStringLiteral("/account")),
                 QStringList{QStringLiteral("unix:/run/app.sock")});
        QVERIFY(practicePeers(model, QStringLiteral("/nowhere")).isEmpty());
    }

    void progressIsSavedAndReloaded()
    {
        QTemporaryDir dir;
        const ProgressStore store(dir.path());
        Result<TraineeProgress> fresh = store.load(QStringLiteral("Ada L."));
        QVERIFY(fresh.ok());
        QCOMPARE(fresh->trainee, QStringLiteral("Ada L."));
        QVERIFY(fresh->rounds.empty());

        TraineeProgress p = *fresh;
        p.recordPrediction(QStringLiteral("timeouts#1"), true);
        p.recordPrediction(QStringLiteral("timeouts#2"), false);
        p.recordPrediction(QStringLiteral("timeouts#2"),
                           true); // a second try does not change the first answer
        p.completeLesson(QStringLiteral("timeouts"));
        p.completeLesson(QStringLiteral("timeouts"));
        const PracticeRound round = roundFor(QStringLiteral("refused-one"));
        const QDateTime when(QDate(2026, 11, 24), QTime(10, 0), Qt::UTC);
        p.recordRound(round.score(Cause::BackendRefused, round.brokenLocation()), when);
        p.recordRound(round.score(Cause::ReadTimeout, QString()), when.addSecs(60));
        QVERIFY(store.save(p).ok());
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("Ada_L..json"))));

        const Result<TraineeProgress> again = store.load(QStringLiteral("Ada L."));
        QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().message));
        QCOMPARE(again->trainee, QStringLiteral("Ada L."));
        QCOMPARE(again->lessonsCompleted, QStringList{QStringLiteral("timeouts")});
        QCOMPARE(again->predictionsRight(), 1);
        QCOMPARE(again->predictionsWrong(), 1);
        QCOMPARE(again->rounds.size(), std::size_t(2));
        QCOMPARE(again->rounds[0].scenarioId, QStringLiteral("refused-one"));
        QCOMPARE(again->rounds[0].verdict, QStringLiteral("right"));
        QCOMPARE(again->rounds[0].submittedCause, QStringLiteral("backend-refused"));
        QCOMPARE(again->rounds[0].when, when);
        QCOMPARE(again->rounds[1].verdict, QStringLiteral("wrong"));
        QCOMPARE(again->totalPoints(), 100);
        QCOMPARE(again->roundsRight(), 1);
        QCOMPARE(again->masteredScenarios(), QStringList{QStringLiteral("refused-one")});
        QCOMPARE(store.trainees(), QStringList{QStringLiteral("Ada L.")});
    }

    void traineeNamesAreSafeFileNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("file");
        QTest::newRow("plain") << QStringLiteral("ada") << QStringLiteral("ada");
        QTest::newRow("spaces") << QStringLiteral("  Ada  Lovelace ") << QStringLiteral("Ada_Lovelace");
        QTest::newRow("traversal") << QStringLiteral("../../etc/passwd") << QStringLiteral("_.._etc_passwd");
        QTest::newRow("hidden") << QStringLiteral(".bashrc") << QStringLiteral("bashrc");
        QTest::newRow("non-ascii") << QStringLiteral("Zoë") << QStringLiteral("Zo_");
        QTest::newRow("empty") << QString() << QStringLiteral("trainee");
        QTest::newRow("only symbols") << QStringLiteral("/// ") << QStringLiteral("trainee");
    }

    void traineeNamesAreSafeFileNames()
    {
        QFETCH(QString, name);
        QFETCH(QString, file);
        QCOMPARE(ProgressStore::fileNameFor(name), file);
        QVERIFY(
            !ProgressStore::fileNameFor(name + QString(200, QLatin1Char('x'))).contains(QLatin1Char('/')));
        QVERIFY(ProgressStore::fileNameFor(QString(200, QLatin1Char('x'))).size() <= 64);
    }

    void aDamagedProgressFileIsAnError()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("bob.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{ not json");
        f.close();
        const Result<TraineeProgress> r = ProgressStore(dir.path()).load(QStringLiteral("bob"));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("bob.json")));
    }
};

QTEST_GUILESS_MAIN(TestPractice)
#include "tst_practice.moc"
