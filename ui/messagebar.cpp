#include "messagebar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>

namespace gwb {

MessageBar::MessageBar(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("messageBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(8, 4, 8, 4);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0); // the parsers report no fraction; a moving bar says "alive"
    m_busy->setMaximumWidth(160);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelLoad"));
    m_retry = new QPushButton(tr("Retry"), this);
    m_details = new QPushButton(tr("Details…"), this);
    m_close = new QPushButton(QStringLiteral("×"), this);
    m_close->setFlat(true);
    m_close->setToolTip(tr("Dismiss"));
    row->addWidget(m_text, 1);
    row->addWidget(m_busy);
    row->addWidget(m_cancel);
    row->addWidget(m_retry);
    row->addWidget(m_details);
    row->addWidget(m_close);
    connect(m_cancel, &QPushButton::clicked, this, &MessageBar::cancelRequested);
    connect(m_retry, &QPushButton::clicked, this, &MessageBar::retryRequested);
    connect(m_close, &QPushButton::clicked, this, &MessageBar::dismiss);
    connect(m_details, &QPushButton::clicked, this, [this] {
        auto *box = new QMessageBox(QMessageBox::Information, tr("Details"), m_text->text(), QMessageBox::Close, this);
        box->setDetailedText(m_detailText);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setModal(false);
        box->show();
    });
    hide();
}

void MessageBar::showProgress(const QString &text)
{
    setBackgroundRole(QPalette::AlternateBase);
    m_text->setText(text);
    m_busy->show();
    m_cancel->show();
    m_retry->hide();
    m_details->hide();
    m_close->hide();
    show();
}

void MessageBar::showError(const QString &text, const QString &details)
{
    // The highlight role keeps contrast in light and dark palettes without a hard-coded colour.
    setBackgroundRole(QPalette::ToolTipBase);
    setForegroundRole(QPalette::ToolTipText);
    m_text->setText(QStringLiteral("⚠ ") + text);
    m_detailText = details.isEmpty() ? text : details;
    m_busy->hide();
    m_cancel->hide();
    m_retry->show();
    m_details->show();
    m_close->show();
    show();
}

void MessageBar::showInfo(const QString &text)
{
    setBackgroundRole(QPalette::AlternateBase);
    m_text->setText(text);
    m_busy->hide();
    m_cancel->hide();
    m_retry->hide();
    m_details->hide();
    m_close->show();
    show();
}

void MessageBar::dismiss()
{
    hide();
}

bool MessageBar::isShowingProgress() const
{
    return isVisible() && m_busy->isVisible();
}

} // namespace gwb
