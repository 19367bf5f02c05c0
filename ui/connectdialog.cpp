#include "connectdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace gwb {

namespace {

// ---- ~/.ssh/config -------------------------------------------------------------------------------------

struct ConfigBlock
{
    QStringList patterns;                        // empty: before the first Host line (applies to every host)
    QList<std::pair<QString, QString>> settings; // keyword (lower case), value
};

QString unquote(QString v)
{
    v = v.trimmed();
    if (v.size() >= 2 && v.startsWith(QLatin1Char('"')) && v.endsWith(QLatin1Char('"')))
        v = v.mid(1, v.size() - 2);
    return v;
}

QString expandHome(const QString &path)
{
    if (path == QLatin1StringView("~") || path.startsWith(QLatin1StringView("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

void readConfigFile(const QString &path, const QString &baseDir, int depth, QList<ConfigBlock> &blocks)
{
    QFile f(path);
    if (depth > 16 || !f.open(QIODevice::ReadOnly | QIODevice::Text))
        return;
    static const QRegularExpression split(QStringLiteral("^\\s*(\\S+?)(?:\\s*=\\s*|\\s+)(.*)$"));
    while (!f.atEnd()) {
        QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const auto m = split.match(line);
        if (!m.hasMatch())
            continue;
        const QString key = m.captured(1).toLower();
        const QString value = m.captured(2).trimmed();
        if (key == QLatin1StringView("host")) {
            QStringList patterns;
            for (const QString &p :
                 value.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
                patterns << unquote(p);
            blocks.append({patterns, {}});
        } else if (key == QLatin1StringView("match")) {
            blocks.append(
                {{QStringLiteral("!*")}, {}}); // conditions we do not evaluate: applies to nothing here
        } else if (key == QLatin1StringView("include")) {
            for (const QString &pattern :
                 value.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
                QString p = expandHome(unquote(pattern));
                if (QDir::isRelativePath(p))
                    p = QDir(baseDir).filePath(p);
                const QFileInfo info(p);
                const QStringList names =
                    QDir(info.path()).entryList({info.fileName()}, QDir::Files, QDir::Name);
                for (const QString &name : names)
                    readConfigFile(QDir(info.path()).filePath(name), baseDir, depth + 1, blocks);
            }
        } else {
            if (blocks.isEmpty())
                blocks.append(ConfigBlock{});
            blocks.last().settings.append({key, unquote(value)});
        }
    }
}

bool isPlainAlias(const QString &pattern)
{
    static const QRegularExpression wild(QStringLiteral("[*?!]"));
    return !pattern.contains(wild);
}

bool blockMatches(const ConfigBlock &block, const QString &alias)
{
    if (block.patterns.isEmpty())
        return true;
    bool matched = false;
    for (const QString &pattern : block.patterns) {
        const bool negated = pattern.startsWith(QLatin1Char('!'));
        const QString glob = negated ? pattern.mid(1) : pattern;
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(glob),
                                    QRegularExpression::CaseInsensitiveOption);
        if (re.match(alias).hasMatch()) {
            if (negated)
                return false;
            matched = true;
        }
    }
    return matched;
}

// "[user@]host[:port]" ([v6]:port for IPv6 addresses).
struct HostSpec
{
    QString user, host;
    quint16 port = 0;
};
std::optional<HostSpec> parseHostSpec(const QString &spec)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$)"));
    const auto m = re.match(spec);
    const uint port = m.captured(3).toUInt();
    if (!m.hasMatch() || port > 65535)
        return std::nullopt;
    HostSpec s{m.captured(1), m.captured(2), quint16(port)};
    if (s.host.startsWith(QLatin1Char('[')))
        s.host = s.host.mid(1, s.host.size() - 2);
    return s;
}

QStringList hostSpecs(const QString &text)
{
    return text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
}

QVariantMap toMap(const SavedTarget &t)
{
    return {{QStringLiteral("host"), t.host},
            {QStringLiteral("user"), t.user},
            {QStringLiteral("port"), int(t.port)},
            {QStringLiteral("identityFile"), t.identityFile},
            {QStringLiteral("knownHostsFile"), t.knownHostsFile},
            {QStringLiteral("nginxConf"), t.nginxConf},
            {QStringLiteral("sudo"), t.sudo},
            {QStringLiteral("rememberPassword"), t.rememberPassword}};
}

SavedTarget fromMap(const QVariantMap &m)
{
    SavedTarget t;
    t.host = m.value(QStringLiteral("host")).toString();
    t.user = m.value(QStringLiteral("user")).toString();
    t.port = quint16(m.value(QStringLiteral("port")).toUInt());
    t.identityFile = m.value(QStringLiteral("identityFile")).toString();
    t.knownHostsFile = m.value(QStringLiteral("knownHostsFile")).toString();
    t.nginxConf = m.value(QStringLiteral("nginxConf")).toString();
    t.sudo = m.value(QStringLiteral("sudo")).toBool();
    t.rememberPassword = m.value(QStringLiteral("rememberPassword")).toBool();
    return t;
}

const QString kTargetsKey = QStringLiteral("connect/targets");
constexpr int kMaxSaved = 30;
enum Role
{
    ConfigIndexRole = Qt::UserRole + 1,
    SavedIndexRole
};

QWidget *withBrowse(QWidget *parent, QLineEdit *edit, const QString &title)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *browse = new QPushButton(QObject::tr("Browse…"), row);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit, title] {
        const QString start =
            edit->text().isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh") : edit->text();
        const QString f = QFileDialog::getOpenFileName(edit, title, start);
        if (!f.isEmpty())
            edit->setText(f);
    });
    return row;
}

} // namespace

QList<SshConfigHost> readSshConfigHosts(const QString &path)
{
    QList<ConfigBlock> blocks;
    readConfigFile(path, QFileInfo(path).absolutePath(), 0, blocks);
    QList<SshConfigHost> out;
    QStringList seen;
    for (const ConfigBlock &b : blocks)
        for (const QString &alias : b.patterns)
            if (isPlainAlias(alias) && !seen.contains(alias))
                seen << alias;
    for (const QString &alias : seen) {
        SshConfigHost h;
        h.alias = alias;
        for (const ConfigBlock &b : blocks) {
            if (!blockMatches(b, alias))
                continue;
            for (const auto &[key, value] : b.settings) {
                if (key == QLatin1StringView("hostname") && h.hostName.isEmpty())
                    h.hostName = value;
                else if (key == QLatin1StringView("user") && h.user.isEmpty())
                    h.user = value;
                else if (key == QLatin1StringView("port") && h.port == 0)
                    h.port = quint16(value.toUInt());
                else if (key == QLatin1StringView("identityfile") && h.identityFile.isEmpty())
                    h.identityFile = value;
            }
        }
        out << h;
    }
    return out;
}

QString defaultSshConfigPath()
{
    return QDir::homePath() + QStringLiteral("/.ssh/config");
}

QString SavedTarget::spec() const
{
    QString s = user.isEmpty() ? host : user + QLatin1Char('@') + host;
    if (host.contains(QLatin1Char(':')) && port)
        s = (user.isEmpty() ? QString() : user + QLatin1Char('@')) + QLatin1Char('[') + host +
            QLatin1Char(']');
    return port ? s + QLatin1Char(':') + QString::number(port) : s;
}

SshOptions SavedTarget::sshOptions(const QString &sshConfigPath) const
{
    SshOptions o;
    o.host = host;
    o.user = user;
    o.port = port;
    if (!identityFile.isEmpty())
        o.identityFiles = {expandHome(identityFile)};
    o.knownHostsPath = expandHome(knownHostsFile);
    o.sshConfigPath = sshConfigPath;
    return o;
}

QList<SavedTarget> SavedTarget::loadAll()
{
    QList<SavedTarget> out;
    for (const QVariant &v : QSettings().value(kTargetsKey).toList())
        out << fromMap(v.toMap());
    return out;
}

void SavedTarget::remember(const SavedTarget &target)
{
    QList<SavedTarget> all = loadAll();
    all.removeIf([&target](const SavedTarget &t) { return t.spec() == target.spec(); });
    all.prepend(target);
    QVariantList stored;
    for (qsizetype i = 0; i < std::min<qsizetype>(all.size(), kMaxSaved); ++i)
        stored << toMap(all[i]);
    QSettings().setValue(kTargetsKey, stored);
}

void SavedTarget::forget(const QString &spec)
{
    QList<SavedTarget> all = loadAll();
    all.removeIf([&spec](const SavedTarget &t) { return t.spec() == spec; });
    QVariantList stored;
    for (const SavedTarget &t : all)
        stored << toMap(t);
    QSettings().setValue(kTargetsKey, stored);
}

std::chrono::milliseconds WindowChoice::span() const
{
    using namespace std::chrono;
    switch (preset) {
    case Preset::Last15Minutes:
        return minutes(15);
    case Preset::LastHour:
        return hours(1);
    case Preset::Last24Hours:
        return hours(24);
    case Preset::Last2Hours:
    case Preset::Custom:
        break;
    }
    return hours(2);
}

QString WindowChoice::label() const
{
    switch (preset) {
    case Preset::Last15Minutes:
        return QObject::tr("last 15 minutes");
    case Preset::LastHour:
        return QObject::tr("last hour");
    case Preset::Last2Hours:
        return QObject::tr("last 2 hours");
    case Preset::Last24Hours:
        return QObject::tr("last 24 hours");
    case Preset::Custom:
        break;
    }
    const auto text = [](TimeMs t) {
        return t == kNoTime
                   ? QStringLiteral("…")
                   : QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    };
    return text(since) + QStringLiteral(" – ") + text(until);
}

ConnectDialog::ConnectDialog(QWidget *parent, const QString &sshConfigPath)
    : QDialog(parent), m_sshConfigPath(sshConfigPath)
{
    setObjectName(QStringLiteral("connectDialog"));
    setWindowTitle(tr("Connect to a server"));

    m_hosts = new QTreeWidget(this);
    m_hosts->setObjectName(QStringLiteral("hostList"));
    m_hosts->setHeaderLabels({tr("Host"), tr("HostName"), tr("User"), tr("Port")});
    m_hosts->setRootIsDecorated(false);
    m_hosts->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_hosts->setAllColumnsShowFocus(true);
    m_hosts->header()->setStretchLastSection(false);
    m_hosts->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_hosts->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_hosts->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_hosts->header()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    auto *forget = new QPushButton(tr("Forget saved target"), this);
    forget->setEnabled(false);

    m_host = new QLineEdit(this);
    m_host->setObjectName(QStringLiteral("hostEdit"));
    m_host->setPlaceholderText(tr("web1, deploy@10.0.0.5:2222 (several: collected side by side)"));
    m_user = new QLineEdit(this);
    m_user->setPlaceholderText(tr("from the ssh config, else your user name"));
    m_port = new QSpinBox(this);
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("from the ssh config, else 22"));
    m_identity = new QLineEdit(this);
    m_identity->setPlaceholderText(tr("ssh-agent, IdentityFile, ~/.ssh/id_*"));
    m_knownHosts = new QLineEdit(this);
    m_knownHosts->setPlaceholderText(QStringLiteral("~/.ssh/known_hosts"));
    m_nginxConf = new QLineEdit(this);
    m_nginxConf->setPlaceholderText(tr("only when several nginx run: the -c of the one to read"));
    m_sudo = new QCheckBox(tr("Allow sudo -n for nginx -T and logs the login user cannot read"), this);
    m_sudo->setToolTip(tr("Only non-interactive sudo is tried; no password is ever sent to sudo."));

    m_window = new QComboBox(this);
    m_window->setObjectName(QStringLiteral("windowBox"));
    for (const WindowChoice::Preset p : {WindowChoice::Preset::Last15Minutes, WindowChoice::Preset::LastHour,
                                         WindowChoice::Preset::Last2Hours, WindowChoice::Preset::Last24Hours})
        m_window->addItem(WindowChoice{p, kNoTime, kNoTime}.label(), int(p));
    m_window->addItem(tr("custom…"), int(WindowChoice::Preset::Custom));
    m_window->setCurrentIndex(2);
    const QDateTime now = QDateTime::currentDateTime();
    m_since = new QDateTimeEdit(now.addSecs(-3600), this);
    m_until = new QDateTimeEdit(now, this);
    for (QDateTimeEdit *e : {m_since, m_until}) {
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        e->setCalendarPopup(true);
        e->setEnabled(false);
    }
    auto *windowRow = new QWidget(this);
    auto *wl = new QHBoxLayout(windowRow);
    wl->setContentsMargins(0, 0, 0, 0);
    wl->addWidget(m_window);
    wl->addWidget(new QLabel(tr("since"), windowRow));
    wl->addWidget(m_since);
    wl->addWidget(new QLabel(tr("until"), windowRow));
    wl->addWidget(m_until);
    wl->addStretch(1);

    m_remember = new QCheckBox(tr("Remember the password in the desktop keychain"), this);
    m_remember->setObjectName(QStringLiteral("rememberPassword"));
    m_keep = new QCheckBox(tr("Keep this target in the list (no password is kept here)"), this);
    m_keep->setChecked(true);
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setForegroundRole(QPalette::BrightText);
    m_problem->hide();

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Identity file:"), withBrowse(this, m_identity, tr("Private key")));
    form->addRow(tr("&known_hosts:"), withBrowse(this, m_knownHosts, tr("known_hosts file")));
    form->addRow(tr("nginx &config:"), m_nginxConf);
    form->addRow(tr("&Time window:"), windowRow);
    form->addRow(
        QString(),
        new QLabel(tr("<small>Times are the server's own wall clock, as in its logs.</small>"), this));
    form->addRow(QString(), m_sudo);
    form->addRow(QString(), m_remember);
    form->addRow(QString(), m_keep);

    auto *left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("<b>Saved targets and ~/.ssh/config hosts</b>"), this));
    left->addWidget(m_hosts, 1);
    left->addWidget(forget, 0, Qt::AlignLeft);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 2);
    columns->addSpacing(12);
    columns->addLayout(form, 3);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    auto *connectButton = buttons->addButton(tr("&Collect"), QDialogButtonBox::AcceptRole);
    connectButton->setObjectName(QStringLiteral("collectButton"));
    connectButton->setDefault(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_window, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = m_window->currentData().toInt() == int(WindowChoice::Preset::Custom);
        m_since->setEnabled(custom);
        m_until->setEnabled(custom);
    });
    connect(m_hosts, &QTreeWidget::itemSelectionChanged, this, [this, forget] {
        useSelectedHosts();
        const auto items = m_hosts->selectedItems();
        forget->setEnabled(items.size() == 1 && items.first()->data(0, SavedIndexRole).isValid());
    });
    connect(m_hosts, &QTreeWidget::itemActivated, this, &ConnectDialog::accept);
    connect(forget, &QPushButton::clicked, this, [this] {
        const auto items = m_hosts->selectedItems();
        if (items.size() != 1 || !items.first()->data(0, SavedIndexRole).isValid())
            return;
        SavedTarget::forget(m_saved.value(items.first()->data(0, SavedIndexRole).toInt()).spec());
        fillHosts();
    });
    fillHosts();
    resize(1000, 520);
}

void ConnectDialog::fillHosts()
{
    m_hosts->clear();
    m_saved = SavedTarget::loadAll();
    m_configHosts = readSshConfigHosts(m_sshConfigPath.isEmpty() ? defaultSshConfigPath() : m_sshConfigPath);
    const auto portText = [](quint16 p) { return p ? QString::number(p) : QString(); };
    for (int i = 0; i < m_saved.size(); ++i) {
        const SavedTarget &t = m_saved[i];
        auto *item = new QTreeWidgetItem(m_hosts, {t.spec(), tr("saved"), t.user, portText(t.port)});
        item->setData(0, SavedIndexRole, i);
        item->setIcon(0, style()->standardIcon(QStyle::SP_DialogSaveButton));
        item->setToolTip(0, tr("Saved target; sudo %1").arg(t.sudo ? tr("allowed") : tr("not used")));
    }
    for (int i = 0; i < m_configHosts.size(); ++i) {
        const SshConfigHost &h = m_configHosts[i];
        auto *item = new QTreeWidgetItem(m_hosts, {h.alias, h.hostName, h.user, portText(h.port)});
        item->setData(0, ConfigIndexRole, i);
        item->setIcon(0, style()->standardIcon(QStyle::SP_ComputerIcon));
        item->setToolTip(0, h.identityFile.isEmpty() ? tr("From the ssh config")
                                                     : tr("From the ssh config; key %1").arg(h.identityFile));
    }
    if (m_hosts->topLevelItemCount() == 0) {
        auto *none = new QTreeWidgetItem(
            m_hosts,
            {tr("No saved targets and no Host entries in %1")
                 .arg(m_sshConfigPath.isEmpty() ? QStringLiteral("~/.ssh/config") : m_sshConfigPath)});
        none->setFlags(Qt::NoItemFlags);
        none->setFirstColumnSpanned(true);
    }
}

void ConnectDialog::useSelectedHosts()
{
    const auto items = m_hosts->selectedItems();
    if (items.isEmpty())
        return;
    if (items.size() == 1 && items.first()->data(0, SavedIndexRole).isValid()) {
        setTarget(m_saved.value(items.first()->data(0, SavedIndexRole).toInt()));
        return;
    }
    QStringList names;
    for (const QTreeWidgetItem *item : items)
        names << (item->data(0, SavedIndexRole).isValid()
                      ? m_saved.value(item->data(0, SavedIndexRole).toInt()).spec()
                      : item->text(0));
    // Aliases bring their own HostName, User, Port and IdentityFile from the ssh config.
    m_host->setText(names.join(QStringLiteral(", ")));
    m_user->clear();
    m_port->setValue(0);
    m_identity->clear();
}

void ConnectDialog::setTarget(const SavedTarget &t)
{
    m_host->setText(t.host.contains(QLatin1Char(':')) ? QLatin1Char('[') + t.host + QLatin1Char(']')
                                                      : t.host);
    m_user->setText(t.user);
    m_port->setValue(t.port);
    m_identity->setText(t.identityFile);
    m_knownHosts->setText(t.knownHostsFile);
    m_nginxConf->setText(t.nginxConf);
    m_sudo->setChecked(t.sudo);
    if (m_remember->isEnabled())
        m_remember->setChecked(t.rememberPassword);
}

void ConnectDialog::setKeychainAvailable(bool available, const QString &why)
{
    m_remember->setEnabled(available);
    if (!available) {
        m_remember->setChecked(false);
        m_remember->setToolTip(why);
    } else {
        m_remember->setToolTip(
            tr("Stored by the desktop's secret service (GNOME Keyring, KWallet), never in a file "
               "of this program; only after a collection logged in with it."));
    }
}

ConnectRequest ConnectDialog::request() const
{
    ConnectRequest r;
    r.sshConfigPath = m_sshConfigPath;
    for (const QString &spec : hostSpecs(m_host->text())) {
        const auto parsed = parseHostSpec(spec);
        if (!parsed)
            continue;
        SavedTarget t;
        t.host = parsed->host;
        t.user = parsed->user.isEmpty() ? m_user->text().trimmed() : parsed->user;
        t.port = parsed->port ? parsed->port : quint16(m_port->value());
        t.identityFile = m_identity->text().trimmed();
        t.knownHostsFile = m_knownHosts->text().trimmed();
        t.nginxConf = m_nginxConf->text().trimmed();
        t.sudo = m_sudo->isChecked();
        t.rememberPassword = m_remember->isEnabled() && m_remember->isChecked();
        r.targets << t;
    }
    r.window.preset = WindowChoice::Preset(m_window->currentData().toInt());
    if (r.window.preset == WindowChoice::Preset::Custom) {
        // The fields show the server's wall clock: keep their digits, "as if UTC", like the logs' timestamps.
        const auto wall = [](const QDateTime &t) {
            return QDateTime(t.date(), t.time(), Qt::UTC).toMSecsSinceEpoch();
        };
        r.window.since = wall(m_since->dateTime());
        r.window.until = wall(m_until->dateTime());
    }
    return r;
}

void ConnectDialog::accept()
{
    const QStringList specs = hostSpecs(m_host->text());
    QString problem;
    if (specs.isEmpty())
        problem = tr("Name a host: pick one on the left or type [user@]host[:port].");
    for (const QString &spec : specs)
        if (!parseHostSpec(spec))
            problem = tr("\"%1\" is not [user@]host[:port].").arg(spec);
    if (m_window->currentData().toInt() == int(WindowChoice::Preset::Custom) &&
        m_since->dateTime() >= m_until->dateTime())
        problem = tr("The window must start before it ends.");
    if (!problem.isEmpty()) {
        m_problem->setText(QStringLiteral("⚠ ") + problem);
        m_problem->show();
        return;
    }
    if (m_keep->isChecked())
        for (const SavedTarget &t : request().targets)
            SavedTarget::remember(t);
    QDialog::accept();
}

} // namespace gwb
