#include "configlexer.h"

using namespace Qt::StringLiterals;

namespace gwb {

namespace {

// nginx separates words by exactly these four bytes; anything else (form feed, NUL) is part of a word.
bool isConfigSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

QString describeByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f)
        return u"byte 0x%1"_s.arg(u, 2, 16, QLatin1Char('0'));
    return u"\"%1\""_s.arg(QLatin1Char(c));
}

} // namespace

QByteArray unescapeConfigWord(QByteArrayView raw)
{
    if (!raw.contains('\\'))
        return raw.toByteArray();
    QByteArray out;
    out.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '\\' && i + 1 < raw.size()) {
            const char n = raw[i + 1];
            switch (n) {
            case '"':
            case '\'':
            case '\\':
                out += n;
                ++i;
                continue;
            case 't':
                out += '\t';
                ++i;
                continue;
            case 'r':
                out += '\r';
                ++i;
                continue;
            case 'n':
                out += '\n';
                ++i;
                continue;
            default:
                break; // nginx keeps "\." and friends as two bytes: regexes rely on it
            }
        }
        out += c;
    }
    return out;
}

QString decodeConfigBytes(QByteArrayView bytes)
{
    if (bytes.isValidUtf8())
        return QString::fromUtf8(bytes);
    return QString::fromLatin1(bytes);
}

ConfigLexer::ConfigLexer(QByteArrayView text) : m_text(text)
{
    if (m_text.startsWith("\xEF\xBB\xBF")) {
        m_pos = 3;
        problem(
            1, u"the file starts with a UTF-8 byte order mark; nginx reads it as part of the first directive "
               u"name and rejects the file: save it without BOM"_s);
    }
}

char ConfigLexer::peek(qsizetype ahead) const
{
    const qsizetype at = m_pos + ahead;
    return at < m_text.size() ? m_text[at] : '\0';
}

char ConfigLexer::take()
{
    const char c = m_text[m_pos++];
    if (c == '\n')
        ++m_line;
    return c;
}

void ConfigLexer::problem(std::uint32_t line, QString message)
{
    m_problems.push_back({line, std::move(message)});
}

void ConfigLexer::noteEncoding(QByteArrayView raw, std::uint32_t line)
{
    if (m_firstNonUtf8Line == 0 && !raw.isValidUtf8())
        m_firstNonUtf8Line = line;
}

void ConfigLexer::skipSpaceAndComments()
{
    while (!atEnd()) {
        const char c = peek();
        if (isConfigSpace(c)) {
            take();
        } else if (c == '#') {
            // A comment only starts where a word could start: "a#b" is one word for nginx.
            while (!atEnd() && peek() != '\n')
                ++m_pos;
        } else {
            return;
        }
    }
}

ConfigToken ConfigLexer::next()
{
    skipSpaceAndComments();
    ConfigToken t;
    t.line = m_line;
    if (atEnd())
        return t;
    switch (peek()) {
    case ';':
        ++m_pos;
        t.kind = ConfigToken::Kind::Semicolon;
        return t;
    case '{':
        ++m_pos;
        t.kind = ConfigToken::Kind::BlockStart;
        return t;
    case '}':
        ++m_pos;
        t.kind = ConfigToken::Kind::BlockEnd;
        return t;
    case '"':
    case '\'':
        return readQuoted();
    default:
        return readWord();
    }
}

ConfigToken ConfigLexer::readWord()
{
    ConfigToken t;
    t.kind = ConfigToken::Kind::Word;
    t.line = m_line;
    const qsizetype start = m_pos;
    bool variable = false;
    while (!atEnd()) {
        const char c = peek();
        if (c == '\\') {
            take();
            if (!atEnd())
                take(); // the escaped byte never ends the word, even a newline
            variable = false;
            continue;
        }
        if (c == '{' && variable) { // "${name}": the brace belongs to the word, not a block
            ++m_pos;
            continue;
        }
        variable = c == '$';
        if (isConfigSpace(c) || c == ';' || c == '{')
            break;
        ++m_pos;
    }
    const QByteArrayView raw = m_text.sliced(start, m_pos - start);
    noteEncoding(raw, t.line);
    t.text = unescapeConfigWord(raw);
    return t;
}

ConfigToken ConfigLexer::readQuoted()
{
    ConfigToken t;
    t.kind = ConfigToken::Kind::Word;
    t.quoted = true;
    t.line = m_line;
    const char quote = take();
    const qsizetype start = m_pos;
    while (!atEnd() && peek() != quote) {
        if (take() == '\\' && !atEnd())
            take();
    }
    if (atEnd()) {
        // nginx would swallow the rest of the file into this argument. Ending it at the end of its own
        // line lets the directives below still be read.
        problem(t.line, u"unterminated %1 quote: nginx reads everything up to the end of the file into this "
                        u"argument; add the closing %1"_s.arg(QLatin1Char(quote)));
        qsizetype eol = start;
        while (eol < m_text.size() && m_text[eol] != '\n')
            ++eol;
        // `"text;` usually means the quote was forgotten before the ";": let that ";" end the directive.
        qsizetype last = eol;
        while (last > start && isConfigSpace(m_text[last - 1]))
            --last;
        if (last > start && m_text[last - 1] == ';')
            eol = last - 1;
        const QByteArrayView raw = m_text.sliced(start, eol - start);
        noteEncoding(raw, t.line);
        t.text = unescapeConfigWord(raw);
        m_pos = eol;
        m_line = t.line;
        return t;
    }
    const QByteArrayView raw = m_text.sliced(start, m_pos - start);
    noteEncoding(raw, t.line);
    t.text = unescapeConfigWord(raw);
    ++m_pos; // closing quote
    checkAfterQuote();
    return t;
}

void ConfigLexer::checkAfterQuote()
{
    if (atEnd())
        return;
    const char c = peek();
    // ")" is accepted by nginx so that `if ($a = "b")` works; it becomes the start of the next word.
    if (isConfigSpace(c) || c == ';' || c == '{' || c == ')')
        return;
    problem(m_line,
            u"unexpected %1 right after a quoted string: nginx needs a space, \";\" or \"{\" there"_s.arg(
                describeByte(c)));
}

int ConfigLexer::longBracketLevel(qsizetype at) const
{
    if (at >= m_text.size() || m_text[at] != '[')
        return -1;
    qsizetype i = at + 1;
    while (i < m_text.size() && m_text[i] == '=')
        ++i;
    if (i < m_text.size() && m_text[i] == '[')
        return static_cast<int>(i - at - 1);
    return -1;
}

bool ConfigLexer::skipLongBracket(int level)
{
    m_pos += level + 2;
    while (!atEnd()) {
        if (peek() == ']') {
            qsizetype i = m_pos + 1;
            int eq = 0;
            while (i < m_text.size() && m_text[i] == '=') {
                ++i;
                ++eq;
            }
            if (eq == level && i < m_text.size() && m_text[i] == ']') {
                m_pos = i + 1;
                return true;
            }
        }
        take();
    }
    return false;
}

void ConfigLexer::skipLuaString(char quote)
{
    ++m_pos;
    while (!atEnd()) {
        const char c = peek();
        if (c == quote) {
            ++m_pos;
            return;
        }
        if (c == '\n')
            return; // a short Lua string cannot span lines: stop here rather than eat the block
        take();
        if (c == '\\' && !atEnd())
            take();
    }
}

QByteArray ConfigLexer::readRawBlock(bool &ok)
{
    const qsizetype start = m_pos;
    const std::uint32_t firstLine = m_line;
    int depth = 1;
    ok = false;
    while (!atEnd()) {
        const char c = peek();
        if (c == '-' && peek(1) == '-') {
            m_pos += 2;
            const int level = longBracketLevel(m_pos);
            if (level >= 0) {
                skipLongBracket(level);
            } else {
                while (!atEnd() && peek() != '\n')
                    ++m_pos;
            }
        } else if (c == '[' && longBracketLevel(m_pos) >= 0) {
            skipLongBracket(longBracketLevel(m_pos));
        } else if (c == '"' || c == '\'') {
            skipLuaString(c);
        } else if (c == '{') {
            ++depth;
            ++m_pos;
        } else if (c == '}') {
            if (--depth == 0) {
                const QByteArrayView body = m_text.sliced(start, m_pos - start);
                noteEncoding(body, firstLine);
                ++m_pos;
                ok = true;
                return body.toByteArray();
            }
            ++m_pos;
        } else {
            take();
        }
    }
    const QByteArrayView body = m_text.sliced(start);
    noteEncoding(body, firstLine);
    return body.toByteArray();
}

} // namespace gwb
