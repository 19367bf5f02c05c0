// Host-key prompts: an unknown key shows its type and SHA256 fingerprint with Trust / Reject; a changed key
// or a key of another type is a refusal with no way to connect from the dialog. Credential prompts never
// keep what was typed.
#include "collectrunner.h"
#include "hostkeydialog.h"
#include "secretstore.h"
#include "uitest.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace gwb;

namespace {

HostKeyInfo key(HostKeyInfo::Status status)
{
    HostKeyInfo k;
    k.status = status;
    k.host = QStringLiteral("[127.0.0.1]:2222");
    k.keyType = QStringLiteral("ssh-ed25519");
    k.fingerprint = QStringLiteral("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
    k.knownHostsPath = QStringLiteral("/home/me/.ssh/known_hosts");
    return k;
}

QString allText(const QDialog &d)
{
    QString text;
    for (const QLabel *l : d.findChildren<QLabel *>())
        text += l->text() + QLatin1Char('\n');
    return text;
}

// Every button that could say yes: anything in an accept or yes role, or named like it.
int acceptingButtons(const QDialog &d)
{
    int n = 0;
    for (const QDialogButtonBox *box : d.findChildren<QDialogButtonBox *>())
        for (QAbstractButton *b : box->buttons()) {
            const auto role = box->buttonRole(b);
            if (role == QDialogButtonBox::AcceptRole || role == QDialogButtonBox::YesRole ||
                role == QDialogButtonBox::ApplyRole)
                ++n;
        }
    return n;
}

} // namespace

class TestHostKeyDialog final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void unknownKeyShowsFingerprintAndAsks()
    {
        HostKeyDialog d(key(HostKeyInfo::Status::Unknown));
        d.show();
        QVERIFY(!d.isRefusal());
        QVERIFY(d.trustButton());
        QVERIFY(d.rejectButton()->isDefault()); // Enter never trusts by accident
        const QString text = allText(d);
        QVERIFY(text.contains(QStringLiteral("ssh-ed25519")));
        QVERIFY(text.contains(QStringLiteral("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")));
        QVERIFY(text.contains(QStringLiteral("/home/me/.ssh/known_hosts")));
        QTest::mouseClick(d.trustButton(), Qt::LeftButton);
        QCOMPARE(d.result(), int(QDialog::Accepted));
    }

    void changedKeyIsRefusedWithoutOverride_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("words");
        QTest::newRow("changed") << int(HostKeyInfo::Status::Changed) << QStringLiteral("CHANGED");
        QTest::newRow("other type") << int(HostKeyInfo::Status::OtherType) << QStringLiteral("another type");
    }
    void changedKeyIsRefusedWithoutOverride()
    {
        QFETCH(int, status);
        QFETCH(QString, words);
        HostKeyDialog d(key(HostKeyInfo::Status(status)));
        d.show();
        QVERIFY(d.isRefusal());
        QVERIFY(!d.trustButton());
        QCOMPARE(acceptingButtons(d), 0);
        const QList<QPushButton *> buttons = d.findChildren<QPushButton *>();
        QCOMPARE(buttons.size(), 1); // Close, nothing else
        const QString text = allText(d);
        QVERIFY(text.contains(words));
        QVERIFY(text.contains(QStringLiteral("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")));
        QVERIFY(text.contains(QStringLiteral("ssh-keygen -R")));
        QTest::keyClick(&d, Qt::Key_Return);
        QCOMPARE(d.result(), int(QDialog::Rejected));
    }

    void refusalFromTheConnectionMessage()
    {
        std::unique_ptr<HostKeyDialog> d(HostKeyDialog::refusal(
            QStringLiteral("WARNING: the host key of [127.0.0.1]:2222 has CHANGED (…). Not connecting; …")));
        QVERIFY(d->isRefusal());
        QCOMPARE(acceptingButtons(*d), 0);
        QVERIFY(allText(*d).contains(QStringLiteral("has CHANGED")));
    }

    // A prompt as the SSH worker publishes it, through the presenter the main window uses.
    void presenterAsksAndRefuses()
    {
        QWidget window;
        window.show();
        CollectRunner runner;
        SecretStore secrets;
        PromptPresenter presenter(&runner, &window, &secrets);
        QSignalSpy shown(&presenter, &PromptPresenter::dialogShown);

        Prompt unknown;
        unknown.id = 1;
        unknown.kind = Prompt::Kind::HostKey;
        unknown.hostKey = key(HostKeyInfo::Status::Unknown);
        Prompt changed = unknown;
        changed.id = 2;
        changed.hostKey = key(HostKeyInfo::Status::Changed);
        emit runner.promptRequested(unknown);
        emit runner.promptRequested(changed);
        QCOMPARE(shown.size(), 1); // one question at a time
        auto *first = qobject_cast<HostKeyDialog *>(shown.at(0).at(0).value<QDialog *>());
        QVERIFY(first && !first->isRefusal());
        QVERIFY(first->isVisible());
        QCOMPARE(first->windowModality(), Qt::WindowModal);
        QTest::mouseClick(first->rejectButton(), Qt::LeftButton);
        QTRY_COMPARE(shown.size(), 2);
        auto *second = qobject_cast<HostKeyDialog *>(shown.at(1).at(0).value<QDialog *>());
        QVERIFY(second && second->isRefusal());
        QCOMPARE(acceptingButtons(*second), 0);
        second->close();
    }

    void passwordFieldIsClearedAndRememberNeedsAKeychain()
    {
        CredentialRequest r;
        r.kind = CredentialRequest::Kind::Password;
        r.target = QStringLiteral("deploy@web1:22");
        r.prompt = QStringLiteral("Password for deploy@web1:22");
        CredentialDialog d(r, false, true, QStringLiteral("no keychain here"));
        d.show();
        QCOMPARE(d.field()->echoMode(), QLineEdit::Password);
        auto *remember = d.findChild<QCheckBox *>();
        QVERIFY(remember);
        QVERIFY(!remember->isEnabled());
        QVERIFY(!remember->isChecked());
        QCOMPARE(remember->toolTip(), QStringLiteral("no keychain here"));
        QByteArray seen;
        connect(&d, &QDialog::finished, &d, [&] { seen = d.secret(); });
        QTest::keyClicks(d.field(), QStringLiteral("s3cret"));
        QTest::keyClick(d.field(), Qt::Key_Return);
        QCOMPARE(seen, QByteArray("s3cret"));
        QVERIFY(d.field()->text().isEmpty());

        CredentialRequest otp;
        otp.kind = CredentialRequest::Kind::KeyboardInteractive;
        otp.prompt = QStringLiteral("Verification code: ");
        QVERIFY(!isPasswordRequest(otp)); // one-time codes are never remembered
        otp.prompt = QStringLiteral("Password: ");
        QVERIFY(isPasswordRequest(otp));
        CredentialDialog passphrase(
            {CredentialRequest::Kind::KeyPassphrase, r.target, QStringLiteral("Passphrase"), {}, false}, true,
            true, {});
        QVERIFY(!passphrase.findChild<QCheckBox *>());
    }

    void rendersForAPerson()
    {
        const QString dir = qEnvironmentVariable("GWB_UI_SHOTS_DIR");
        if (dir.isEmpty())
            QSKIP("set GWB_UI_SHOTS_DIR to keep pictures of the dialogs");
        for (const auto &[status, name] : {std::pair{HostKeyInfo::Status::Unknown, "hostkey-unknown"},
                                           std::pair{HostKeyInfo::Status::Changed, "hostkey-changed"}}) {
            HostKeyDialog d(key(status));
            d.show();
            QVERIFY(QTest::qWaitForWindowExposed(&d));
            QVERIFY(d.grab().save(QDir(dir).filePath(QString::fromLatin1(name) + QStringLiteral(".png"))));
        }
        CredentialRequest r{CredentialRequest::Kind::Password,
                            QStringLiteral("deploy@web1:22"),
                            QStringLiteral("Password for deploy@web1:22"),
                            {},
                            false};
        CredentialDialog c(r, true, true, {});
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QVERIFY(c.grab().save(QDir(dir).filePath(QStringLiteral("password.png"))));
    }
};

QTEST_MAIN(TestHostKeyDialog)
#include "tst_hostkeydialog.moc"
