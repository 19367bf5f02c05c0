#pragma once

#include "diagnosis/investigation.h"
#include "practicerunner.h"
#include "training/practice.h"

#include <QSet>
#include <QWidget>
#include <optional>
#include <vector>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;

namespace gwb {

// The Practice tab: starts a round on the practice lab (one backend broken, the trainee is not told which),
// tells where the lab's config and logs are, takes the trainee's diagnosis and shows the score, the real
// cause and the fastest path to it.
class TrainingPracticePanel final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingPracticePanel(QWidget *parent = nullptr);
    ~TrainingPracticePanel() override;

    void setScenarios(std::vector<PracticeScenario> scenarios) { m_scenarios = std::move(scenarios); }
    void setMastered(const QSet<QString> &ids) { m_mastered = ids; }
    bool roundOpen() const { return m_round.has_value() && !m_scored; }
    bool labMayBeUp() const { return m_labMayBeUp; }

    void startRound();
    void submit();
    void stopLab();

signals:
    void roundScored(const gwb::PracticeScore &score);
    void investigateRequested(const gwb::LocalInputs &inputs); // "Open in the workbench"

private:
    void onFinished(PracticeRunner::Action action, const QString &output);
    void onFailed(PracticeRunner::Action action, const QString &message);
    void showWhereToLook();
    void showScore(const PracticeScore &score);
    void updateButtons();
    LocalInputs labInputs() const;

    PracticeRunner *m_runner = nullptr;
    std::vector<PracticeScenario> m_scenarios;
    QSet<QString> m_mastered;
    std::optional<PracticeRound> m_round;
    bool m_scored = false;
    bool m_labMayBeUp = false;

    QPushButton *m_start = nullptr, *m_traffic = nullptr, *m_stop = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_ticket = nullptr;
    QGroupBox *m_whereBox = nullptr;
    QLabel *m_where = nullptr;
    QPushButton *m_open = nullptr;
    QPlainTextEdit *m_clients = nullptr;
    QPushButton *m_hintButton = nullptr;
    QLabel *m_hint = nullptr;
    QComboBox *m_cause = nullptr;
    QLineEdit *m_place = nullptr;
    QPushButton *m_submit = nullptr;
    QTextBrowser *m_result = nullptr;
};

} // namespace gwb
