#include "trainingfile.h"

#include <QRegularExpression>

namespace gwb {

QString ContentProblem::toString() const
{
    if (line <= 0)
        return QString(file + QStringLiteral(": ") + message);
    return QString(file + QLatin1Char(':') + QString::number(line) + QStringLiteral(": ") + message);
}

QString joinProblems(const std::vector<ContentProblem> &problems)
{
    QStringList lines;
    for (const ContentProblem &p : problems)
        lines << p.toString();
    return lines.join(QLatin1Char('\n'));
}

QString TrainingSection::text() const
{
    QStringList parts;
    for (const TrainingLine &l : lines)
        parts << l.text;
    return parts.join(QLatin1Char('\n'));
}

namespace {

bool isHeading(QStringView line)
{
    return line.startsWith(u"## ") || line == u"##";
}

void trimBlankEnds(std::vector<TrainingLine> &lines)
{
    while (!lines.empty() && lines.back().text.trimmed().isEmpty())
        lines.pop_back();
    while (!lines.empty() && lines.front().text.trimmed().isEmpty())
        lines.erase(lines.begin());
}

} // namespace

TrainingFile TrainingFile::read(QStringView text, const QString &fileName,
                                std::vector<ContentProblem> &problems)
{
    static const QRegularExpression fieldPattern(QStringLiteral("^([a-z][a-z0-9-]*):(.*)$"));
    TrainingFile file;
    file.fileName = fileName;
    if (text.startsWith(QChar(0xFEFF)))
        text = text.mid(1);
    const QList<QStringView> lines = text.split(u'\n');
    int number = 0;
    for (QStringView raw : lines) {
        ++number;
        QString line = raw.toString();
        while (line.endsWith(QLatin1Char('\r')) || line.endsWith(QLatin1Char(' ')) ||
               line.endsWith(QLatin1Char('\t')))
            line.chop(1);
        if (isHeading(line)) {
            TrainingSection section;
            section.name = line.mid(2).simplified().toLower();
            section.line = number;
            if (section.name.isEmpty())
                problems.push_back(
                    {fileName, number, QStringLiteral("a section heading needs a name (\"## text\")")});
            file.sections.push_back(std::move(section));
            continue;
        }
        if (!file.sections.empty()) {
            file.sections.back().lines.push_back({number, line});
            continue;
        }
        if (line.trimmed().isEmpty())
            continue;
        const QRegularExpressionMatch m = fieldPattern.match(line);
        if (!m.hasMatch()) {
            problems.push_back(
                {fileName, number,
                 QStringLiteral("expected \"key: value\" in the header (before the first \"## \" "
                                "section), found \"%1\"")
                     .arg(line.left(60))});
            continue;
        }
        const QString key = m.captured(1);
        if (file.field(key)) {
            problems.push_back({fileName, number, QStringLiteral("\"%1\" is given twice").arg(key)});
            continue;
        }
        file.header.push_back({key, m.captured(2).trimmed(), number});
    }
    for (TrainingSection &section : file.sections)
        trimBlankEnds(section.lines);
    if (file.sections.empty() && !file.header.empty())
        problems.push_back(
            {fileName, 0, QStringLiteral("no sections: the content starts at a \"## \" heading")});
    if (file.sections.empty() && file.header.empty())
        problems.push_back({fileName, 0, QStringLiteral("the file is empty")});
    return file;
}

const TrainingField *TrainingFile::field(QStringView key) const
{
    for (const TrainingField &f : header)
        if (f.key == key)
            return &f;
    return nullptr;
}

void TrainingFile::checkHeader(const QStringList &allowed, const QStringList &required,
                               std::vector<ContentProblem> &problems) const
{
    for (const TrainingField &f : header)
        if (!allowed.contains(f.key))
            problems.push_back({fileName, f.line,
                                QStringLiteral("unknown key \"%1\" (known: %2)")
                                    .arg(f.key, allowed.join(QStringLiteral(", ")))});
    for (const QString &key : required) {
        const TrainingField *f = field(key);
        if (!f)
            problems.push_back({fileName, 0, QStringLiteral("the header lacks \"%1:\"").arg(key)});
        else if (f->value.isEmpty())
            problems.push_back({fileName, f->line, QStringLiteral("\"%1:\" is empty").arg(key)});
    }
}

QStringList splitList(QStringView value)
{
    QStringList items;
    for (QStringView part : value.split(u','))
        if (const QString item = part.trimmed().toString(); !item.isEmpty())
            items << item;
    return items;
}

namespace {

QString inlineHtml(QStringView text)
{
    const QString escaped = text.toString().toHtmlEscaped();
    QString out;
    bool inCode = false, inBold = false;
    for (qsizetype i = 0; i < escaped.size(); ++i) {
        const QChar c = escaped.at(i);
        if (c == QLatin1Char('`')) {
            out += inCode ? QStringLiteral("</code>") : QStringLiteral("<code>");
            inCode = !inCode;
        } else if (!inCode && c == QLatin1Char('*') && escaped.mid(i, 2) == u"**") {
            out += inBold ? QStringLiteral("</b>") : QStringLiteral("<b>");
            inBold = !inBold;
            ++i;
        } else {
            out += c;
        }
    }
    if (inCode)
        out += QStringLiteral("</code>");
    if (inBold)
        out += QStringLiteral("</b>");
    return out;
}

enum class BlockKind
{
    Paragraph,
    Bullets,
    Numbers
};

BlockKind kindOf(QStringView firstLine)
{
    // A numbered list starts at "1. ": a paragraph may well begin with "504. nginx…".
    if (firstLine.startsWith(u"- "))
        return BlockKind::Bullets;
    if (firstLine.startsWith(u"1. "))
        return BlockKind::Numbers;
    return BlockKind::Paragraph;
}

QString blockHtml(const QStringList &lines)
{
    static const QRegularExpression itemStart(QStringLiteral("^(- |\\d+\\.\\s)"));
    const BlockKind kind = kindOf(lines.first());
    if (kind == BlockKind::Paragraph)
        return QString(QStringLiteral("<p>") + inlineHtml(lines.join(QLatin1Char(' '))) +
                       QStringLiteral("</p>"));
    QStringList items;
    for (const QString &line : lines) {
        const QRegularExpressionMatch m = itemStart.match(line);
        if (m.hasMatch())
            items << line.mid(m.capturedLength()).trimmed();
        else if (!items.isEmpty())
            items.last() += QLatin1Char(' ') + line.trimmed(); // continuation of the item above
    }
    const QString tag = kind == BlockKind::Bullets ? QStringLiteral("ul") : QStringLiteral("ol");
    QString html = QLatin1Char('<') + tag + QLatin1Char('>');
    for (const QString &item : items)
        html += QStringLiteral("<li>") + inlineHtml(item) + QStringLiteral("</li>");
    html += QStringLiteral("</") + tag + QLatin1Char('>');
    return html;
}

} // namespace

QString trainingTextToHtml(QStringView text)
{
    QString html;
    QStringList block;
    for (QStringView line : text.split(u'\n')) {
        if (line.trimmed().isEmpty()) {
            if (!block.isEmpty())
                html += blockHtml(block);
            block.clear();
            continue;
        }
        block << line.toString();
    }
    if (!block.isEmpty())
        html += blockHtml(block);
    return html;
}

} // namespace gwb
