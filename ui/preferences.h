#pragma once

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace gwb {

// User preferences kept in QSettings: how many evidence lines a finding carries and which tab an
// investigation opens on.
struct Preferences
{
    int evidencePerFinding = 5;
    int defaultTab = 0; // InvestigationView::Tab

    static Preferences load();
    void save() const;
};

class PreferencesDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget *parent = nullptr);
    Preferences preferences() const;

private:
    QSpinBox *m_evidence = nullptr;
    QComboBox *m_tab = nullptr;
};

} // namespace gwb
