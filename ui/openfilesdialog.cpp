#include "openfilesdialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>

namespace gwb {

namespace {

QWidget *fileRow(QWidget *parent, QLineEdit *edit, const QString &title)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *browse = new QPushButton(QObject::tr("Browse…"), row);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit, title] {
        const QString f = QFileDialog::getOpenFileName(edit, title, edit->text());
        if (!f.isEmpty())
            edit->setText(f);
    });
    return row;
}

QWidget *listRow(QWidget *parent, QListWidget *list, const QString &title)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *buttons = new QVBoxLayout;
    auto *add = new QPushButton(QObject::tr("Add…"), row);
    auto *remove = new QPushButton(QObject::tr("Remove"), row);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    list->setMaximumHeight(90);
    layout->addWidget(list, 1);
    layout->addLayout(buttons);
    QObject::connect(add, &QPushButton::clicked, list, [list, title] {
        list->addItems(QFileDialog::getOpenFileNames(list, title, {}, QObject::tr("Logs (*.log *.gz *.log.*);;All files (*)")));
    });
    QObject::connect(remove, &QPushButton::clicked, list, [list] { qDeleteAll(list->selectedItems()); });
    return row;
}

QStringList items(const QListWidget *list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        out << list->item(i)->text();
    return out;
}

} // namespace

OpenFilesDialog::OpenFilesDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Open an investigation"));
    m_dump = new QLineEdit(this);
    m_dump->setPlaceholderText(tr("output of nginx -T"));
    m_config = new QLineEdit(this);
    m_config->setPlaceholderText(tr("/etc/nginx/nginx.conf (includes are followed)"));
    m_access = new QListWidget(this);
    m_access->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_error = new QListWidget(this);
    m_error->setSelectionMode(QAbstractItemView::ExtendedSelection);
    auto *form = new QFormLayout;
    form->addRow(tr("Config dump:"), fileRow(this, m_dump, tr("nginx -T output")));
    form->addRow(tr("or config file:"), fileRow(this, m_config, tr("nginx.conf")));
    form->addRow(tr("Access logs:"), listRow(this, m_access, tr("Access logs")));
    form->addRow(tr("Error logs:"), listRow(this, m_error, tr("Error logs")));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(640, 420);
}

LocalInputs OpenFilesDialog::inputs() const
{
    LocalInputs in;
    in.configDump = m_dump->text().trimmed();
    in.configFile = m_config->text().trimmed();
    in.accessLogs = items(m_access);
    in.errorLogs = items(m_error);
    return in;
}

} // namespace gwb
