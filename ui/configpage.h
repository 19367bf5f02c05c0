#pragma once

#include "session.h"

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace gwb {

class CodeView;
class NginxHighlighter;
class SelectionState;

// The files of the configuration: a tree, the text with line numbers and highlighting, markers where
// findings and lint point, the effective value of a directive on hover, and include jumps.
class ConfigPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ConfigPage(QWidget *parent = nullptr);

    void setSession(SessionPtr session);
    bool openAt(const SourceLocation &where); // false when the file is not part of the config
    QString currentFile() const { return m_currentFile; }
    CodeView *codeView() const { return m_code; }

private:
    void showFile(int index);
    void updateMarks();
    void showEffectiveValue(int line, const QString &word, const QPoint &globalPos);
    void followInclude(int line, const QString &text);
    int fileIndexOf(const QString &path) const;

    SessionPtr m_session;
    QTreeWidget *m_files = nullptr;
    CodeView *m_code = nullptr;
    NginxHighlighter *m_highlighter = nullptr;
    QLabel *m_header = nullptr;
    QString m_currentFile;
};

} // namespace gwb
