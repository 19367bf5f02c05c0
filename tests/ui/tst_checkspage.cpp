// The guided Checks panel: subjects for the findings, steps run on a worker with verdicts shown, captures
// refused without consent (no command sent), saved results restored, and the shared selection followed.
#include "uitest.h"

#include "checkspage.h"
#include "investigationview.h"
#include "selectionstate.h"

#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>

#include <atomic>

using namespace gwb;

namespace {

// A host that answers nothing and counts what it was asked.
class CountingTransport final : public Transport
{
public:
    explicit CountingTransport(std::shared_ptr<std::atomic_int> count) : m_count(std::move(count)) {}
    Result<CommandOutput> run(const RemoteCommand &, std::chrono::milliseconds, const CancelToken &) override
    {
        ++*m_count;
        return Error{Error::Kind::Network, QStringLiteral("test host: refused")};
    }
    Result<StreamEnd> stream(const RemoteCommand &, const ChunkSink &, const ProgressSink &,
                             const CancelToken &) override
    {
        ++*m_count;
        return Error{Error::Kind::Network, QStringLiteral("test host: refused")};
    }
    QString describe() const override { return QStringLiteral("counting"); }

private:
    std::shared_ptr<std::atomic_int> m_count;
};

int planIndexOf(const ChecksPage *page, const QString &id)
{
    for (size_t i = 0; i < page->plan().size(); ++i)
        if (page->plan()[i].check->id() == id)
            return int(i);
    return -1;
}

CheckStepCard *cardOf(const ChecksPage *page, const QString &id)
{
    for (CheckStepCard *c : page->cards())
        if (c->checkId() == id)
            return c;
    return nullptr;
}

bool runAndWait(ChecksPage *page, int planIndex)
{
    QSignalSpy finished(page, &ChecksPage::runFinished);
    page->runPlannedAt(planIndex);
    return finished.wait(30000);
}

} // namespace

class TestChecksPage final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void listsSubjectsForTheFindings()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        const SessionPtr session = window.investigationView()->session();
        ChecksPage *page = window.investigationView()->checks();
        QVERIFY(page);
        QVERIFY(!page->subjects().empty());
        QCOMPARE(page->currentSubject(), 0);
        QSet<int> findings;
        for (const CheckSubject &s : page->subjects())
            if (s.finding >= 0)
                findings.insert(s.finding);
        QCOMPARE(findings.size(), qsizetype(session->result.findings.size()));
        QCOMPARE(page->subjectTree()->topLevelItemCount(), findings.size());
        // Worst first: the first group has at least as many failures as the second.
        const auto &fs = session->result.findings;
        QVERIFY(fs[size_t(page->subjects()[0].finding)].count >= fs[size_t(page->subjects().back().finding)].count);
        QVERIFY(!page->plan().empty());
        QVERIFY(!page->cards().isEmpty());
        QVERIFY(!page->capturesBox()->isChecked());
        QVERIFY(!page->capturesAllowed());
    }

    void meaningAndLogStepsShowVerdicts()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        window.investigationView()->showTab(InvestigationView::ChecksTab);
        ChecksPage *page = window.investigationView()->checks();
        page->setTransportFactory({}); // no host: these steps read the logs only
        QSignalSpy changed(page, &ChecksPage::resultsChanged);
        for (const QString &id : {QStringLiteral("status-meaning"), QStringLiteral("log-evidence")}) {
            const int index = planIndexOf(page, id);
            QVERIFY2(index >= 0, qPrintable(id));
            QVERIFY(runAndWait(page, index));
            CheckStepCard *card = cardOf(page, id);
            QVERIFY(card);
            QVERIFY2(!card->verdictText().isEmpty(), qPrintable(id));
            QTRY_VERIFY(card->badge()->isVisibleTo(page));
            QVERIFY(!card->details()->text().isEmpty());
        }
        QCOMPARE(page->results().results.size(), size_t(2));
        const CheckRun run = page->results();
        for (const CheckResult &r : run.results)
            QVERIFY2(r.verdict != Verdict::CouldNotRun, qPrintable(r.checkId + QStringLiteral(": ") + r.summary));
        QCOMPARE(changed.size(), 2);
        const QJsonObject last = changed.last().first().toJsonObject();
        QVERIFY(checkRunFromJson(last).value().results.size() == 2);
        QVERIFY(page->runNextButton()->isEnabled() || !page->nextPlanned());
    }

    void runNextFollowsTheTree()
    {
        MainWindow window;
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        ChecksPage *page = window.investigationView()->checks();
        page->setTransportFactory({});
        const std::optional<PlannedCheck> first = page->nextPlanned();
        QVERIFY(first);
        QSignalSpy finished(page, &ChecksPage::runFinished);
        page->runNextButton()->click();
        QVERIFY(page->cancelButton()->isEnabled());
        QVERIFY(finished.wait(30000));
        QCOMPARE(page->results().results.size(), size_t(1));
        QCOMPARE(page->results().results[0].checkId, first->check->id());
        if (page->nextPlanned())
            QVERIFY(page->nextPlanned()->check != first->check);
    }

    void captureWithoutConsentSendsNothing()
    {
        MainWindow window;
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        ChecksPage *page = window.investigationView()->checks();
        auto count = std::make_shared<std::atomic_int>(0);
        page->setTransportFactory([count](const CancelToken &) { return std::unique_ptr<Transport>(std::make_unique<CountingTransport>(count)); });
        int index = -1;
        for (int s = 0; s < int(page->subjects().size()) && index < 0; ++s) {
            page->selectSubject(s);
            index = planIndexOf(page, QStringLiteral("tcpdump-capture"));
        }
        QVERIFY2(index >= 0, "no subject proposes tcpdump-capture");
        QVERIFY(runAndWait(page, index));
        QCOMPARE(page->results().results.size(), size_t(1));
        const CheckRun run = page->results();
        const CheckResult &r = run.results[0];
        QCOMPARE(r.checkId, QStringLiteral("tcpdump-capture"));
        QCOMPARE(r.verdict, Verdict::CouldNotRun);
        QVERIFY(r.commands.empty());
        QCOMPARE(count->load(), 0);
        QCOMPARE(cardOf(page, QStringLiteral("tcpdump-capture"))->verdictText(), verdictLabel(Verdict::CouldNotRun));
    }

    void restoresSavedResults()
    {
        QJsonObject saved;
        {
            MainWindow window;
            QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
            ChecksPage *page = window.investigationView()->checks();
            page->setTransportFactory({});
            QVERIFY(runAndWait(page, planIndexOf(page, QStringLiteral("status-meaning"))));
            saved = checkRunToJson(page->results());
        }
        MainWindow window;
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        ChecksPage *page = window.investigationView()->checks();
        QVERIFY(cardOf(page, QStringLiteral("status-meaning"))->verdictText().isEmpty());
        page->restoreResults(saved);
        QCOMPARE(page->results().results.size(), size_t(1));
        CheckStepCard *card = cardOf(page, QStringLiteral("status-meaning"));
        QVERIFY(card);
        QCOMPARE(card->verdictText(), verdictLabel(page->results().results[0].verdict));
        QVERIFY(!page->subjectTree()->topLevelItem(0)->child(0)->text(1).isEmpty());
    }

    void followsTheSharedSelection()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        InvestigationView *view = window.investigationView();
        ChecksPage *page = view->checks();
        const CheckSubject last = page->subjects().back();
        view->selection()->setFinding(last.finding);
        QCOMPARE(page->subjects()[size_t(page->currentSubject())].finding, last.finding);

        // Picking a subject in the panel narrows the other views to its finding.
        QTreeWidgetItem *item = page->subjectTree()->topLevelItem(0)->child(0);
        page->subjectTree()->setCurrentItem(item);
        QCOMPARE(view->selection()->filter().finding, page->subjects()[0].finding);
        QCOMPARE(page->currentSubject(), 0);
    }

    // With GWB_CHECKS_SCREENSHOT=file.png: the panel after running a subject's steps on this machine.
    void screenshot()
    {
        const QString path = qEnvironmentVariable("GWB_CHECKS_SCREENSHOT");
        if (path.isEmpty())
            QSKIP("set GWB_CHECKS_SCREENSHOT to write the picture");
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        window.investigationView()->showTab(InvestigationView::ChecksTab);
        ChecksPage *page = window.investigationView()->checks();
        QSignalSpy finished(page, &ChecksPage::runFinished);
        page->runAllForSubject();
        QVERIFY(finished.wait(120000));
        QTest::qWait(300); // let the rebuilt steps lay out
        QVERIFY(window.grab().save(path));
    }
};

QTEST_MAIN(TestChecksPage)
#include "tst_checkspage.moc"
