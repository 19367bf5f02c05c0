#include "configpage.h"

#include "causecolors.h"
#include "codeview.h"
#include "nginxhighlighter.h"

#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QRegularExpression>
#include <QSplitter>
#include <QToolTip>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace gwb {

namespace {
constexpr int kFileRole = Qt::UserRole + 1;
} // namespace

ConfigPage::ConfigPage(QWidget *parent) : QWidget(parent)
{
    m_files = new QTreeWidget(this);
    m_files->setObjectName(QStringLiteral("configFiles"));
    m_files->setHeaderLabel(tr("Configuration files"));
    m_code = new CodeView(this);
    m_code->setObjectName(QStringLiteral("configText"));
    m_highlighter = new NginxHighlighter(m_code->document());
    m_header = new QLabel(this);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setToolTip(tr("Hover a directive for its effective value; double-click an include to open it"));
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_header);
    rightLayout->addWidget(m_code, 1);
    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("configSplitter"));
    split->addWidget(m_files);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    m_files->setMinimumWidth(160);
    m_files->resize(220, m_files->height());
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    connect(m_files, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item && item->data(0, kFileRole).isValid())
            showFile(item->data(0, kFileRole).toInt());
    });
    connect(m_code, &CodeView::hoveredWord, this, &ConfigPage::showEffectiveValue);
    connect(m_code, &CodeView::lineActivated, this, &ConfigPage::followInclude);
}

void ConfigPage::setSession(SessionPtr session)
{
    m_session = std::move(session);
    m_files->clear();
    m_code->clear();
    m_currentFile.clear();
    if (!m_session)
        return;
    const auto &files = m_session->investigation.parsedConfig.files;
    std::map<QString, QTreeWidgetItem *> dirs;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const QFileInfo info(files[i].path);
        QTreeWidgetItem *&dir = dirs[info.path()];
        if (!dir) {
            dir = new QTreeWidgetItem(m_files, {info.path()});
            dir->setFlags(Qt::ItemIsEnabled);
        }
        auto *item = new QTreeWidgetItem(dir, {info.fileName()});
        item->setToolTip(0, files[i].path);
        item->setData(0, kFileRole, int(i));
    }
    m_files->expandAll();
    if (!files.empty())
        openAt({files.front().path, LineNumber(1)});
}

int ConfigPage::fileIndexOf(const QString &path) const
{
    if (!m_session)
        return -1;
    const auto &files = m_session->investigation.parsedConfig.files;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (files[i].path == path)
            return int(i);
    // The config may have been read from another prefix (a bundle): fall back to the file name.
    for (std::size_t i = 0; i < files.size(); ++i)
        if (QFileInfo(files[i].path).fileName() == QFileInfo(path).fileName())
            return int(i);
    return -1;
}

bool ConfigPage::openAt(const SourceLocation &where)
{
    const int index = fileIndexOf(where.file);
    if (index < 0)
        return false;
    for (QTreeWidgetItemIterator it(m_files); *it; ++it)
        if ((*it)->data(0, kFileRole).isValid() && (*it)->data(0, kFileRole).toInt() == index) {
            m_files->setCurrentItem(*it);
            break;
        }
    showFile(index);
    m_code->goToLine(int(std::max<std::uint32_t>(1, where.line.value)));
    return true;
}

void ConfigPage::showFile(int index)
{
    const auto &files = m_session->investigation.parsedConfig.files;
    if (index < 0 || std::size_t(index) >= files.size() || files[std::size_t(index)].path == m_currentFile)
        return;
    m_currentFile = files[std::size_t(index)].path;
    m_code->setPlainText(QString::fromUtf8(files[std::size_t(index)].text));
    m_header->setText(m_currentFile);
    updateMarks();
}

void ConfigPage::updateMarks()
{
    std::map<int, CodeView::Mark> marks;
    const auto mark = [&marks, this](const SourceLocation &where, const QColor &color, const QString &text) {
        if (where.isValid() && where.line.value && fileIndexOf(where.file) == fileIndexOf(m_currentFile)) {
            CodeView::Mark &m = marks[int(where.line.value)];
            if (!m.color.isValid())
                m.color = color;
            m.text += (m.text.isEmpty() ? QString() : QStringLiteral("\n")) + text;
        }
    };
    const DiagnosisResult &r = m_session->result;
    for (std::size_t i = 0; i < r.findings.size(); ++i)
        for (const ConfigEvidence &c : r.findings[i].config)
            mark(c.where, causeColor(r.findings[i].cause),
                 tr("finding %1: %2").arg(i + 1).arg(r.findings[i].title));
    for (const LintResult &l : r.lint)
        for (const ConfigEvidence &c : l.config)
            mark(c.where, healthColor(0.01), tr("lint %1: %2").arg(l.rule, l.message));
    for (const Diagnostic &d : r.diagnostics)
        mark(d.where, healthColor(1.0), d.message);
    m_code->setMarks(std::move(marks));
}

void ConfigPage::showEffectiveValue(int line, const QString &word, const QPoint &globalPos)
{
    const ConfigModel *config = m_session ? m_session->config() : nullptr;
    if (!config)
        return;
    // The enclosing block is approximated by the nearest location (else server) that starts above the
    // hovered line in the same file: exact for the usual one-block-after-another layout.
    const auto nearest = [&](const auto &blocks) -> int {
        int best = -1;
        std::uint32_t bestLine = 0;
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            const SourceLocation &w = blocks[i].where;
            if (fileIndexOf(w.file) == fileIndexOf(m_currentFile) && w.line.value <= std::uint32_t(line)
                && w.line.value >= bestLine) {
                best = int(i);
                bestLine = w.line.value;
            }
        }
        return best;
    };
    const EffectiveSettings *settings = &config->httpEffective;
    QString context = tr("http");
    if (const int loc = nearest(config->locations); loc >= 0) {
        settings = &config->locations[std::size_t(loc)].effective;
        context = config->locations[std::size_t(loc)].displayName();
    } else if (const int srv = nearest(config->servers); srv >= 0) {
        settings = &config->servers[std::size_t(srv)].effective;
        context = tr("server %1").arg(config->servers[std::size_t(srv)].displayName());
    }
    const auto it = settings->find(word);
    if (it == settings->end()) {
        QToolTip::hideText();
        return;
    }
    const EffectiveValue &v = it->second;
    QToolTip::showText(globalPos, tr("%1 in %2: <b>%3</b><br>%4")
                                      .arg(word, context.toHtmlEscaped(), v.text().toHtmlEscaped(),
                                           v.isDefault ? tr("nginx default") : v.where.toString().toHtmlEscaped()),
                       m_code);
}

void ConfigPage::followInclude(int, const QString &text)
{
    static const QRegularExpression include(QStringLiteral(R"(^\s*include\s+["']?([^"';\s]+))"));
    const QRegularExpressionMatch m = include.match(text);
    if (!m.hasMatch() || !m_session)
        return;
    QString pattern = m.captured(1);
    if (QDir::isRelativePath(pattern))
        pattern = m_session->investigation.parsedConfig.prefix + QLatin1Char('/') + pattern;
    const QRegularExpression glob(QRegularExpression::wildcardToRegularExpression(pattern));
    for (const ConfigFileText &f : m_session->investigation.parsedConfig.files)
        if (glob.match(f.path).hasMatch() || f.path == pattern) {
            openAt({f.path, LineNumber(1)});
            return;
        }
}

} // namespace gwb
