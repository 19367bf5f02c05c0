#include "screenshots.h"

#include "chainview.h"
#include "checkspage.h"
#include "configpage.h"
#include "investigationview.h"
#include "logspage.h"
#include "mainwindow.h"
#include "overviewpage.h"
#include "selectionstate.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QEventLoop>
#include <QTimer>
#include <QGraphicsView>
#include <QTableView>

namespace gwb {

ScreenshotRunner::ScreenshotRunner(MainWindow *window, QString dir, QObject *parent)
    : QObject(parent), m_window(window), m_dir(std::move(dir))
{
    QDir().mkpath(m_dir);
}

void ScreenshotRunner::save(const QString &name)
{
    QApplication::processEvents();
    const QString path = m_dir + QLatin1Char('/') + name + QStringLiteral(".png");
    if (m_window->grab().save(path))
        m_written << path;
}

void ScreenshotRunner::captureWelcome()
{
    m_window->resize(1400, 900);
    m_window->show();
    save(QStringLiteral("welcome"));
}

void ScreenshotRunner::captureViews()
{
    InvestigationView *view = m_window->investigationView();
    const SessionPtr session = view->session();
    if (!session)
        return;
    view->showTab(InvestigationView::OverviewTab);
    view->overview()->selectFinding(0);
    save(QStringLiteral("overview"));

    // The chain with the first finding's path highlighted: what the SRE sees after picking it.
    view->showTab(InvestigationView::ChainTab);
    QApplication::processEvents();
    auto *gv = view->chain()->graphicsView();
    gv->fitInView(gv->scene()->itemsBoundingRect().adjusted(-10, -10, 10, 10), Qt::KeepAspectRatio);
    if (gv->transform().m11() > 1.0)
        gv->resetTransform();
    save(QStringLiteral("chain"));

    view->selection()->clear();
    view->showTab(InvestigationView::TimelineTab);
    save(QStringLiteral("timeline"));

    view->showTab(InvestigationView::LogsTab);
    QComboBox *status = view->logs()->statusFilter();
    status->setCurrentIndex(status->findData(5)); // 5xx
    view->logs()->table()->selectRow(0);
    save(QStringLiteral("logs"));
    status->setCurrentIndex(0);

    // The config at a directive a finding points to, so the gutter marker is in the picture.
    for (const Finding &f : session->result.findings)
        for (const ConfigEvidence &c : f.config)
            if (c.where.isValid()) {
                view->showTab(InvestigationView::ConfigTab);
                QApplication::processEvents(); // laid out first, so that the line can be centred
                if (!view->config()->openAt(c.where))
                    continue;
                save(QStringLiteral("config"));
                captureChecks();
                return;
            }
    view->showTab(InvestigationView::ConfigTab);
    save(QStringLiteral("config"));
    captureChecks();
}

void ScreenshotRunner::captureChecks()
{
    // The guided checks of the first subject, run on this machine (the lab's host), verdicts shown.
    InvestigationView *view = m_window->investigationView();
    ChecksPage *checks = view->checks();
    view->showTab(InvestigationView::ChecksTab);
    if (!checks->subjects().empty()) {
        checks->selectSubject(0);
        QEventLoop loop;
        connect(checks, &ChecksPage::runFinished, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        checks->runAllForSubject();
        if (checks->isRunning())
            loop.exec();
        checks->cancel();
    }
    save(QStringLiteral("checks"));
}

} // namespace gwb
