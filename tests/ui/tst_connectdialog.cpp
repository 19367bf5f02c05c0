// The connect dialog lists the Host aliases of an ssh config (a file the test writes) with what the config
// says about them, keeps saved targets, and turns the form into a request.
#include "connectdialog.h"
#include "uitest.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTreeWidget>

using namespace gwb;

namespace {

void writeFile(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

QTreeWidgetItem *itemNamed(QTreeWidget *tree, const QString &name)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0) == name)
            return tree->topLevelItem(i);
    return nullptr;
}

QStringList names(QTreeWidget *tree)
{
    QStringList out;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        out << tree->topLevelItem(i)->text(0);
    return out;
}

} // namespace

class TestConnectDialog final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_config;

private slots:
    void initTestCase()
    {
        uitest::isolateSettings();
        QSettings().remove(QStringLiteral("connect/targets"));
        m_config = m_dir.filePath(QStringLiteral("ssh/config"));
        writeFile(m_config, "# test config\n"
                            "Host web1\n"
                            "    HostName 10.0.0.11\n"
                            "    User deploy\n"
                            "    Port 2222\n"
                            "    IdentityFile ~/.ssh/web_ed25519\n"
                            "Host lb-a lb-b\n"
                            "    HostName=lb.example.net\n"
                            "Host db-*\n"
                            "    User postgres\n"
                            "Host !bastion *.internal\n"
                            "    ProxyJump bastion\n"
                            "Include conf.d/*.conf\n"
                            "Match host x\n"
                            "    User nobody\n"
                            "Host *\n"
                            "    User ops\n"
                            "    Port 22\n");
        writeFile(m_dir.filePath(QStringLiteral("ssh/conf.d/10-extra.conf")),
                  "Host \"cache1\"\n  HostName 10.0.0.21\n");
    }

    void parsesAliasesButNotPatterns()
    {
        const QList<SshConfigHost> hosts = readSshConfigHosts(m_config);
        QStringList aliases;
        for (const SshConfigHost &h : hosts)
            aliases << h.alias;
        QCOMPARE(aliases, (QStringList{QStringLiteral("web1"), QStringLiteral("lb-a"), QStringLiteral("lb-b"),
                                       QStringLiteral("cache1")}));
        const SshConfigHost &web = hosts[0];
        QCOMPARE(web.hostName, QStringLiteral("10.0.0.11"));
        QCOMPARE(web.user, QStringLiteral("deploy")); // its own block wins over Host *
        QCOMPARE(web.port, quint16(2222));
        QCOMPARE(web.identityFile, QStringLiteral("~/.ssh/web_ed25519"));
        QCOMPARE(hosts[1].hostName, QStringLiteral("lb.example.net"));
        QCOMPARE(hosts[1].user, QStringLiteral("ops")); // filled by Host *
        QCOMPARE(hosts[1].port, quint16(22));
        QCOMPARE(hosts[3].hostName, QStringLiteral("10.0.0.21")); // from the included file
        QVERIFY(readSshConfigHosts(m_dir.filePath(QStringLiteral("missing"))).isEmpty());
    }

    void listsTheHostsOfTheGivenConfig()
    {
        ConnectDialog dialog(nullptr, m_config);
        dialog.show();
        QTreeWidget *list = dialog.hostList();
        QCOMPARE(names(list), (QStringList{QStringLiteral("web1"), QStringLiteral("lb-a"),
                                           QStringLiteral("lb-b"), QStringLiteral("cache1")}));
        QTreeWidgetItem *web = itemNamed(list, QStringLiteral("web1"));
        QCOMPARE(web->text(1), QStringLiteral("10.0.0.11"));
        QCOMPARE(web->text(2), QStringLiteral("deploy"));
        QCOMPARE(web->text(3), QStringLiteral("2222"));
    }

    void pickingHostsFillsTheRequest()
    {
        ConnectDialog dialog(nullptr, m_config);
        QTreeWidget *list = dialog.hostList();
        list->setCurrentItem(itemNamed(list, QStringLiteral("web1")));
        QCOMPARE(dialog.hostEdit()->text(), QStringLiteral("web1"));
        itemNamed(list, QStringLiteral("lb-a"))->setSelected(true);
        QCOMPARE(dialog.hostEdit()->text(), QStringLiteral("web1, lb-a"));
        dialog.windowBox()->setCurrentIndex(
            dialog.windowBox()->findData(int(WindowChoice::Preset::LastHour)));
        const ConnectRequest r = dialog.request();
        QCOMPARE(r.targets.size(), 2);
        QCOMPARE(r.targets[0].host, QStringLiteral("web1"));
        QVERIFY(r.targets[0].user.isEmpty()); // the ssh config decides
        QCOMPARE(r.targets[0].port, quint16(0));
        QCOMPARE(r.sshConfigPath, m_config);
        QCOMPARE(r.targets[0].sshOptions(r.sshConfigPath).sshConfigPath, m_config);
        QCOMPARE(r.window.preset, WindowChoice::Preset::LastHour);
        QCOMPARE(r.window.span(), std::chrono::milliseconds(std::chrono::hours(1)));
    }

    void typedTargetsAndCustomWindow()
    {
        ConnectDialog dialog(nullptr, m_config);
        dialog.hostEdit()->setText(QStringLiteral("admin@10.1.1.1:2200 [::1]:22"));
        dialog.windowBox()->setCurrentIndex(dialog.windowBox()->findData(int(WindowChoice::Preset::Custom)));
        const ConnectRequest r = dialog.request();
        QCOMPARE(r.targets.size(), 2);
        QCOMPARE(r.targets[0].user, QStringLiteral("admin"));
        QCOMPARE(r.targets[0].port, quint16(2200));
        QCOMPARE(r.targets[1].host, QStringLiteral("::1"));
        QCOMPARE(r.targets[1].spec(), QStringLiteral("[::1]:22"));
        QCOMPARE(r.window.preset, WindowChoice::Preset::Custom);
        QVERIFY(r.window.since != kNoTime && r.window.since < r.window.until);
    }

    void badInputKeepsTheDialogOpen()
    {
        ConnectDialog dialog(nullptr, m_config);
        dialog.show();
        dialog.hostEdit()->setText(QStringLiteral("not a host!"));
        dialog.accept();
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        bool said = false;
        for (QLabel *l : dialog.findChildren<QLabel *>())
            said = said || (l->isVisible() && l->text().contains(QStringLiteral("not [user@]host[:port]")));
        QVERIFY(said);
    }

    void savedTargetsPersistWithoutSecrets()
    {
        {
            ConnectDialog dialog(nullptr, m_config);
            dialog.show();
            dialog.hostEdit()->setText(QStringLiteral("ops@203.0.113.7:2022"));
            dialog.setKeychainAvailable(true, {});
            dialog.rememberPasswordBox()->setChecked(true);
            dialog.accept();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        const QList<SavedTarget> saved = SavedTarget::loadAll();
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved.first().spec(), QStringLiteral("ops@203.0.113.7:2022"));
        QVERIFY(saved.first().rememberPassword);
        QSettings settings;
        for (const QString &key : settings.allKeys())
            QVERIFY2(!key.contains(QStringLiteral("password"), Qt::CaseInsensitive) ||
                         key == QStringLiteral("connect/targets"),
                     qPrintable(key));

        ConnectDialog next(nullptr, m_config);
        QTreeWidget *list = next.hostList();
        QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("ops@203.0.113.7:2022"));
        list->setCurrentItem(list->topLevelItem(0));
        QCOMPARE(next.request().targets.first().port, quint16(2022));
        SavedTarget::forget(QStringLiteral("ops@203.0.113.7:2022"));
        QVERIFY(SavedTarget::loadAll().isEmpty());
    }

    void rememberIsDisabledWithoutKeychain()
    {
        ConnectDialog dialog(nullptr, m_config);
        dialog.setKeychainAvailable(false, QStringLiteral("no qtkeychain in this build"));
        QVERIFY(!dialog.rememberPasswordBox()->isEnabled());
        QVERIFY(!dialog.rememberPasswordBox()->isChecked());
        QCOMPARE(dialog.rememberPasswordBox()->toolTip(), QStringLiteral("no qtkeychain in this build"));
        dialog.hostEdit()->setText(QStringLiteral("web1"));
        QVERIFY(!dialog.request().targets.first().rememberPassword);
    }

    // Every field readable at the default size; GWB_UI_SHOTS_DIR=DIR keeps the picture for a person to look
    // at.
    void rendersEveryFieldAtItsDefaultSize()
    {
        ConnectDialog dialog(nullptr, m_config);
        dialog.show();
        dialog.hostList()->setCurrentItem(dialog.hostList()->topLevelItem(0));
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        for (QWidget *w : dialog.findChildren<QWidget *>())
            if (w->isVisible())
                QVERIFY2(w->width() >= w->minimumSizeHint().width() || w->minimumSizeHint().width() <= 0,
                         qPrintable(w->objectName() + QLatin1Char(' ') +
                                    QString::fromLatin1(w->metaObject()->className())));
        const QImage image = dialog.grab().toImage();
        QVERIFY(!image.isNull());
        if (const QString dir = qEnvironmentVariable("GWB_UI_SHOTS_DIR"); !dir.isEmpty())
            QVERIFY(image.save(QDir(dir).filePath(QStringLiteral("connect-dialog.png"))));
    }
};

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
