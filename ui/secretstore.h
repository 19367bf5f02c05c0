#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace gwb {

// SSH passwords the user asked to remember, kept by the desktop keychain (Secret Service, KWallet) through
// qtkeychain — never in QSettings, a file of ours or a log, and never with qtkeychain's plain-text fallback.
// Every call is asynchronous and answers on the thread that asked (the UI thread): a keychain may have to
// ask the user to unlock it.
class SecretStore final : public QObject
{
    Q_OBJECT
public:
    explicit SecretStore(QObject *parent = nullptr);

    // Built with qtkeychain. A desktop without a running secret service still fails at run time; read and
    // write then report why.
    static bool isAvailable();
    static QString unavailableReason(); // empty when available

    // The secret of `account` ("deploy@web1:22"), or nullopt with a reason ("" when simply none is stored).
    using ReadDone = std::function<void(std::optional<QByteArray> secret, const QString &problem)>;
    using WriteDone = std::function<void(const QString &problem)>;
    void read(const QString &account, ReadDone done);
    void write(const QString &account, const QByteArray &secret, WriteDone done = {});
    void remove(const QString &account, WriteDone done = {});

    static QString serviceName() { return QStringLiteral("gateway-workbench-ssh"); }
};

} // namespace gwb
