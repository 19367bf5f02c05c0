#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace gwb {

// Highlighting for nginx configuration: directives, block openers, strings, variables, comments, numbers
// with units. The project's own, because KF6 SyntaxHighlighting is not packaged on Debian 12.
class NginxHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit NginxHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;

private:
    struct Rule
    {
        QRegularExpression pattern;
        QTextCharFormat format;
        int group = 0;
    };
    std::vector<Rule> m_rules;
    QTextCharFormat m_comment;
};

} // namespace gwb
