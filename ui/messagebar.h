#pragma once

#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;

namespace gwb {

// The inline bar above the views: shows a running load (busy bar + Cancel) or an error (Retry, Details,
// ×). Never modal, so whatever is already loaded stays usable underneath.
class MessageBar final : public QFrame
{
    Q_OBJECT
public:
    explicit MessageBar(QWidget *parent = nullptr);

    void showProgress(const QString &text);
    void showError(const QString &text, const QString &details = {});
    void showInfo(const QString &text);
    void dismiss();
    bool isShowingProgress() const;
    QPushButton *cancelButton() const { return m_cancel; }

signals:
    void cancelRequested();
    void retryRequested();

private:
    QLabel *m_text = nullptr;
    QProgressBar *m_busy = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_details = nullptr;
    QPushButton *m_close = nullptr;
    QString m_detailText;
};

} // namespace gwb
