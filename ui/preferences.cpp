#include "preferences.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSettings>
#include <QSpinBox>

namespace gwb {

Preferences Preferences::load()
{
    QSettings s;
    Preferences p;
    p.evidencePerFinding = std::clamp(s.value(QStringLiteral("prefs/evidencePerFinding"), 5).toInt(), 1, 100);
    p.defaultTab = std::clamp(s.value(QStringLiteral("prefs/defaultTab"), 0).toInt(), 0, 4);
    return p;
}

void Preferences::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("prefs/evidencePerFinding"), evidencePerFinding);
    s.setValue(QStringLiteral("prefs/defaultTab"), defaultTab);
}

PreferencesDialog::PreferencesDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    const Preferences p = Preferences::load();
    m_evidence = new QSpinBox(this);
    m_evidence->setRange(1, 100);
    m_evidence->setValue(p.evidencePerFinding);
    m_tab = new QComboBox(this);
    m_tab->addItems({tr("Overview"), tr("Chain"), tr("Timeline"), tr("Logs"), tr("Config")});
    m_tab->setCurrentIndex(p.defaultTab);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Evidence lines per finding:"), m_evidence);
    form->addRow(tr("Open investigations on:"), m_tab);
    form->addRow(buttons);
}

Preferences PreferencesDialog::preferences() const
{
    Preferences p;
    p.evidencePerFinding = m_evidence->value();
    p.defaultTab = m_tab->currentIndex();
    return p;
}

} // namespace gwb
