#pragma once

#include <QPlainTextEdit>

#include <map>

namespace gwb {

// A read-only text view with line numbers and a gutter of markers (one colour and tooltip per line).
class CodeView final : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit CodeView(QWidget *parent = nullptr);

    struct Mark
    {
        QColor color;
        QString text;
    };
    void setMarks(std::map<int, Mark> marks); // 1-based line → mark
    const std::map<int, Mark> &marks() const { return m_marks; }
    void goToLine(int line);                  // 1-based; highlights the line
    int lineAt(const QPoint &viewportPos) const;
    int gutterWidth() const;

signals:
    void hoveredWord(int line, const QString &word, const QPoint &globalPos);
    void lineActivated(int line, const QString &text); // Ctrl+click or double click

protected:
    void resizeEvent(QResizeEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    friend class CodeGutter;
    void paintGutter(QPaintEvent *event);
    QWidget *m_gutter = nullptr;
    std::map<int, Mark> m_marks;
};

} // namespace gwb
