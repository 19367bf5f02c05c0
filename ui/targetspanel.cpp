#include "targetspanel.h"

#include "causecolors.h"

#include <QFileInfo>
#include <QHeaderView>

namespace gwb {

namespace {
constexpr int kPathRole = Qt::UserRole + 1;
constexpr int kIsConfigRole = Qt::UserRole + 2;
} // namespace

TargetsPanel::TargetsPanel(QWidget *parent) : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("targetsPanel"));
    setHeaderLabels({tr("Input"), tr("Lines"), tr("Events")});
    setRootIsDecorated(true);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QString path = item->data(0, kPathRole).toString();
        if (path.isEmpty())
            return;
        if (item->data(0, kIsConfigRole).toBool())
            emit openConfig({path, LineNumber(1)});
        else
            emit openLog({path, LineNumber(1)});
    });
}

void TargetsPanel::setSession(const SessionPtr &session)
{
    clear();
    if (!session)
        return;
    auto *host = new QTreeWidgetItem(this, {session->title()});
    host->setToolTip(0, tr("This machine's files (local or a copied bundle)"));
    std::map<QString, int> problems;
    for (const Diagnostic &d : session->result.diagnostics)
        ++problems[d.where.file];
    for (const InputSummary &in : session->result.inputs) {
        QString name = QFileInfo(in.path).fileName();
        if (!in.format.isEmpty())
            name += QStringLiteral(" (%1)").arg(in.format);
        std::uint64_t lines = in.lines;
        if (in.kind == QLatin1StringView("config") && lines == 0) // the summary counts no config lines: the text does
            for (const ConfigFileText &f : session->investigation.parsedConfig.files)
                lines += std::uint64_t(f.text.count('\n'));
        auto *item = new QTreeWidgetItem(host, {name, QString::number(lines), QString::number(in.events)});
        QString tip = in.kind + QStringLiteral(": ") + in.path;
        const int bad = problems.count(in.path) ? problems[in.path] : 0;
        if (in.malformed || bad || in.outsideWindow) {
            tip += tr("\n%1 malformed lines, %2 outside the time window, %3 diagnostics")
                       .arg(in.malformed)
                       .arg(in.outsideWindow)
                       .arg(bad);
            item->setText(0, QStringLiteral("⚠ ") + name);
            item->setForeground(0, healthColor(0.01));
        }
        if (in.compressed)
            tip += tr("\ngzip-compressed");
        item->setToolTip(0, tip);
        item->setData(0, kPathRole, in.path);
        item->setData(0, kIsConfigRole, in.kind == QLatin1StringView("config"));
        item->setTextAlignment(1, Qt::AlignRight);
        item->setTextAlignment(2, Qt::AlignRight);
    }
    if (session->result.inputs.empty())
        for (const ConfigFileText &f : session->investigation.parsedConfig.files) {
            auto *item = new QTreeWidgetItem(host, {QFileInfo(f.path).fileName()});
            item->setData(0, kPathRole, f.path);
            item->setData(0, kIsConfigRole, true);
        }
    expandAll();
    resizeColumnToContents(1);
    resizeColumnToContents(2);
}

} // namespace gwb
