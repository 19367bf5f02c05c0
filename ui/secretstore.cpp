#include "secretstore.h"

#ifdef GWB_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace gwb {

SecretStore::SecretStore(QObject *parent) : QObject(parent) {}

bool SecretStore::isAvailable()
{
#ifdef GWB_HAVE_QTKEYCHAIN
    return true;
#else
    return false;
#endif
}

QString SecretStore::unavailableReason()
{
    if (isAvailable())
        return {};
    return tr(
        "This build has no desktop keychain support (qtkeychain for Qt 6 was not found when it was built; "
        "on Debian: qtkeychain-qt6-dev). Passwords are asked each time and never stored.");
}

#ifdef GWB_HAVE_QTKEYCHAIN

void SecretStore::read(const QString &account, ReadDone done)
{
    auto *job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(account);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        auto *r = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (r->error() == QKeychain::NoError) {
            done(r->binaryData(), QString());
            return;
        }
        done(std::nullopt, r->error() == QKeychain::EntryNotFound
                               ? QString()
                               : tr("the desktop keychain could not be read: %1").arg(r->errorString()));
    });
    job->start();
}

void SecretStore::write(const QString &account, const QByteArray &secret, WriteDone done)
{
    auto *job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(account);
    job->setBinaryData(secret);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        if (done)
            done(j->error() == QKeychain::NoError
                     ? QString()
                     : tr("the password could not be stored in the desktop keychain: %1")
                           .arg(j->errorString()));
    });
    job->start();
}

void SecretStore::remove(const QString &account, WriteDone done)
{
    auto *job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setKey(account);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        if (done)
            done(j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound
                     ? QString()
                     : j->errorString());
    });
    job->start();
}

#else

// Answered on the next turn of the event loop, as the keychain would, so callers have one code path.
void SecretStore::read(const QString &, ReadDone done)
{
    QMetaObject::invokeMethod(
        this, [done = std::move(done)] { done(std::nullopt, unavailableReason()); }, Qt::QueuedConnection);
}

void SecretStore::write(const QString &, const QByteArray &, WriteDone done)
{
    if (done)
        QMetaObject::invokeMethod(
            this, [done = std::move(done)] { done(unavailableReason()); }, Qt::QueuedConnection);
}

void SecretStore::remove(const QString &, WriteDone done)
{
    if (done)
        QMetaObject::invokeMethod(
            this, [done = std::move(done)] { done(QString()); }, Qt::QueuedConnection);
}

#endif

} // namespace gwb
