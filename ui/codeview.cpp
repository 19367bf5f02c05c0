#include "codeview.h"

#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

namespace gwb {

class CodeGutter final : public QWidget
{
public:
    explicit CodeGutter(CodeView *view) : QWidget(view), m_view(view) {}
    QSize sizeHint() const override { return {m_view->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_view->paintGutter(event); }
    bool event(QEvent *e) override
    {
        if (e->type() == QEvent::ToolTip) {
            auto *help = static_cast<QHelpEvent *>(e);
            const int line = m_view->lineAt(QPoint(0, help->pos().y()));
            if (const auto it = m_view->marks().find(line); it != m_view->marks().end())
                QToolTip::showText(help->globalPos(), it->second.text, this);
            else
                QToolTip::hideText();
            return true;
        }
        return QWidget::event(e);
    }

private:
    CodeView *m_view;
};

CodeView::CodeView(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    setFont(mono);
    m_gutter = new CodeGutter(this);
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
        if (dy)
            m_gutter->scroll(0, dy);
        else
            m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
    });
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

int CodeView::gutterWidth() const
{
    const int digits = QString::number(std::max(1, blockCount())).size();
    return 14 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(3, digits) + 8;
}

void CodeView::setMarks(std::map<int, Mark> marks)
{
    m_marks = std::move(marks);
    m_gutter->update();
}

void CodeView::goToLine(int line)
{
    const QTextBlock block = document()->findBlockByNumber(std::max(0, line - 1));
    QTextCursor cursor(block);
    setTextCursor(cursor);
    QTextEdit::ExtraSelection sel;
    sel.format.setBackground(palette().color(QPalette::Highlight).lighter(isEnabled() ? 100 : 120));
    sel.format.setForeground(palette().color(QPalette::HighlightedText));
    sel.format.setProperty(QTextFormat::FullWidthSelection, true);
    sel.cursor = cursor;
    setExtraSelections({sel});
    centerCursor();
}

int CodeView::lineAt(const QPoint &viewportPos) const
{
    return cursorForPosition(QPoint(0, viewportPos.y())).blockNumber() + 1;
}

void CodeView::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect cr = contentsRect();
    m_gutter->setGeometry(QRect(cr.left(), cr.top(), gutterWidth(), cr.height()));
}

void CodeView::paintGutter(QPaintEvent *event)
{
    QPainter p(m_gutter);
    p.fillRect(event->rect(), palette().color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    const int lineHeight = fontMetrics().height();
    p.setFont(font());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int number = block.blockNumber() + 1;
        if (block.isVisible()) {
            if (const auto it = m_marks.find(number); it != m_marks.end()) {
                p.setPen(Qt::NoPen);
                p.setBrush(it->second.color);
                p.drawEllipse(QRectF(3, top + (lineHeight - 9) / 2.0, 9, 9));
            }
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(0, top, m_gutter->width() - 4, lineHeight, Qt::AlignRight, QString::number(number));
        }
        top += qRound(blockBoundingRect(block).height());
        block = block.next();
    }
}

void CodeView::mouseMoveEvent(QMouseEvent *event)
{
    QPlainTextEdit::mouseMoveEvent(event);
}

bool CodeView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        QTextCursor c = cursorForPosition(help->pos());
        c.select(QTextCursor::WordUnderCursor);
        const QString word = c.selectedText();
        if (!word.isEmpty())
            emit hoveredWord(c.blockNumber() + 1, word, help->globalPos());
        else
            QToolTip::hideText();
        return true;
    }
    return QPlainTextEdit::viewportEvent(event);
}

void CodeView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const QTextCursor c = cursorForPosition(event->position().toPoint());
    emit lineActivated(c.blockNumber() + 1, c.block().text());
    QPlainTextEdit::mouseDoubleClickEvent(event);
}

} // namespace gwb
