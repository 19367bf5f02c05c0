#include "loglinedelegate.h"

#include "causecolors.h"
#include "views/logtablemodel.h"

#include <QApplication>
#include <QPainter>
#include <QTextLayout>

namespace gwb {

LogLineDelegate::LogLineDelegate(QObject *parent)
    : QStyledItemDelegate(parent),
      m_status(QStringLiteral(R"((?<=" )[1-5]\d\d(?= ))")),
      m_address(QStringLiteral(R"(\b\d{1,3}(?:\.\d{1,3}){3}:\d+\b|unix:[^\s",]+)")),
      m_error(QStringLiteral(R"(\[(?:error|crit|alert|emerg|warn)\]|upstream timed out|connect\(\) [^,]*failed[^,]*|)"
                             R"(no live upstreams|prematurely closed[^,]*|Connection reset by peer|too big header|)"
                             R"(invalid header|no valid HTTP[^,]*)"))
{
}

static QColor statusColor(int status)
{
    if (status >= 500 || status == 499 || (status > 0 && status < 100))
        return healthColor(1.0);
    if (status >= 400)
        return healthColor(0.01);
    return {};
}

void LogLineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (index.column() == LogTableModel::TextColumn) {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        paintLine(painter, opt, text);
        return;
    }
    QStyleOptionViewItem opt = option;
    if (index.column() == LogTableModel::StatusColumn) {
        if (const QColor c = statusColor(index.data().toInt()); c.isValid() && !(option.state & QStyle::State_Selected)) {
            opt.palette.setColor(QPalette::Text, c);
            opt.font.setBold(true);
        }
    } else if (index.column() == LogTableModel::CauseColumn) {
        const QVariant cause = index.data(LogTableModel::CauseRole);
        if (cause.isValid() && cause.toInt() != int(Cause::None)) {
            const QColor c = causeColor(static_cast<Cause>(cause.toInt()));
            painter->fillRect(QRectF(option.rect.left() + 1, option.rect.top() + 3, 4, option.rect.height() - 6), c);
            opt.rect.adjust(6, 0, 0, 0);
        }
    }
    QStyledItemDelegate::paint(painter, opt, index);
}

void LogLineDelegate::paintLine(QPainter *painter, const QStyleOptionViewItem &opt, const QString &text) const
{
    const bool selected = opt.state & QStyle::State_Selected;
    QList<QTextLayout::FormatRange> ranges;
    const auto add = [&ranges](const QRegularExpression &re, const QString &s, const QTextCharFormat &f) {
        for (auto it = re.globalMatch(s); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            if (m.capturedLength() > 0)
                ranges.append({int(m.capturedStart()), int(m.capturedLength()), f});
        }
    };
    if (!selected) {
        QTextCharFormat address;
        address.setForeground(opt.palette.color(QPalette::Link));
        QTextCharFormat error;
        error.setForeground(causeColor(Cause::BackendRefused));
        error.setFontWeight(QFont::DemiBold);
        add(m_address, text, address);
        add(m_error, text, error);
        // The status after the request line, coloured as in the Status column: a 200 stays plain text.
        for (auto it = m_status.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const QColor c = statusColor(m.captured().toInt());
            if (!c.isValid())
                continue;
            QTextCharFormat status;
            status.setFontWeight(QFont::Bold);
            status.setForeground(c);
            ranges.append({int(m.capturedStart()), int(m.capturedLength()), status});
        }
    }
    QTextLayout layout(text, opt.font);
    layout.setFormats(ranges);
    QTextOption to;
    to.setWrapMode(QTextOption::NoWrap);
    layout.setTextOption(to);
    layout.beginLayout();
    QTextLine line = layout.createLine();
    layout.endLayout();
    if (!line.isValid())
        return;
    painter->save();
    painter->setClipRect(opt.rect);
    painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    const qreal y = opt.rect.top() + (opt.rect.height() - line.height()) / 2;
    layout.draw(painter, QPointF(opt.rect.left() + 3, y));
    painter->restore();
}

} // namespace gwb
