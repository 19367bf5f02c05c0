#pragma once

#include "diagnosis/investigation.h"

#include <QDialog>

class QLineEdit;
class QListWidget;

namespace gwb {

// Picks the inputs of an investigation: a config (dump or file) and any number of access and error logs.
class OpenFilesDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit OpenFilesDialog(QWidget *parent = nullptr);
    LocalInputs inputs() const;

private:
    QLineEdit *m_dump = nullptr;
    QLineEdit *m_config = nullptr;
    QListWidget *m_access = nullptr;
    QListWidget *m_error = nullptr;
};

} // namespace gwb
