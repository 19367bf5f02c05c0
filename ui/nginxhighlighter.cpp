#include "nginxhighlighter.h"

#include "causecolors.h"

#include <QGuiApplication>
#include <QPalette>

namespace gwb {

NginxHighlighter::NginxHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    // Colours derive from the palette's link colour and fixed mid-lightness hues, so they read on light and
    // dark backgrounds alike.
    const QPalette pal = QGuiApplication::palette();
    const bool dark = isDarkPalette(pal);
    const auto hue = [dark](int h) { return QColor::fromHsl(h, 160, dark ? 170 : 90); };

    QTextCharFormat directive;
    directive.setForeground(pal.color(QPalette::Link));
    directive.setFontWeight(QFont::Bold);
    QTextCharFormat block;
    block.setForeground(hue(280));
    block.setFontWeight(QFont::Bold);
    QTextCharFormat string;
    string.setForeground(hue(120));
    QTextCharFormat variable;
    variable.setForeground(hue(30));
    QTextCharFormat number;
    number.setForeground(hue(200));
    m_comment.setForeground(pal.color(QPalette::PlaceholderText));
    m_comment.setFontItalic(true);

    m_rules.push_back({QRegularExpression(QStringLiteral(R"(^\s*([A-Za-z_][A-Za-z0-9_]*))")), directive, 1});
    m_rules.push_back({QRegularExpression(QStringLiteral(
                           R"(^\s*(http|server|location|upstream|events|stream|map|geo|if|types|limit_except|split_clients)\b)")),
                       block, 1});
    m_rules.push_back({QRegularExpression(QStringLiteral(R"(\b\d+(?:ms|s|m|h|d|k|K|M|g|G)?\b)")), number, 0});
    m_rules.push_back({QRegularExpression(QStringLiteral(R"(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)")), variable, 0});
    m_rules.push_back({QRegularExpression(QStringLiteral(R"("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')")), string, 0});
}

void NginxHighlighter::highlightBlock(const QString &text)
{
    for (const Rule &rule : m_rules) {
        for (auto it = rule.pattern.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            setFormat(int(m.capturedStart(rule.group)), int(m.capturedLength(rule.group)), rule.format);
        }
    }
    // A '#' outside quotes starts a comment to the end of the line.
    QChar quote;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!quote.isNull()) {
            if (c == QLatin1Char('\\'))
                ++i;
            else if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            quote = c;
        } else if (c == QLatin1Char('#')) {
            setFormat(i, int(text.size()) - i, m_comment);
            break;
        }
    }
}

} // namespace gwb
