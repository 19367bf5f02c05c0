#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <cstdint>
#include <vector>

namespace gwb {

// One token of nginx configuration syntax. Words carry their bytes with quotes removed and escapes resolved
// exactly as ngx_conf_read_token() does (\" \' \\ \t \r \n; any other backslash pair is kept as written).
struct ConfigToken
{
    enum class Kind
    {
        Word,
        Semicolon,
        BlockStart,
        BlockEnd,
        End
    };
    Kind kind = Kind::End;
    QByteArray text;
    std::uint32_t line = 0;
    bool quoted = false;
};

// A problem the lexer found, on a line of the text it reads; the parser adds the file name.
struct ConfigLexProblem
{
    std::uint32_t line = 0;
    QString message;
};

// Splits one file's text into tokens the way nginx does, but never stops at the first error: each problem
// is recorded and the lexer resynchronises so the rest of the file is still read.
class ConfigLexer final
{
public:
    explicit ConfigLexer(QByteArrayView text);

    ConfigToken next();

    // Called right after the `{` of a block nginx hands to a module verbatim (*_by_lua_block): returns the
    // body up to the matching `}` (which is consumed), honouring Lua strings, long brackets and comments so
    // that braces inside them do not count. `ok` is false when the text ends first.
    QByteArray readRawBlock(bool &ok);

    std::uint32_t line() const { return m_line; }
    const std::vector<ConfigLexProblem> &problems() const { return m_problems; }
    // First line holding a byte sequence that is not UTF-8 (0 when the text is clean).
    std::uint32_t firstNonUtf8Line() const { return m_firstNonUtf8Line; }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek(qsizetype ahead = 0) const;
    char take();
    void skipSpaceAndComments();
    ConfigToken readWord();
    ConfigToken readQuoted();
    void checkAfterQuote();
    void noteEncoding(QByteArrayView raw, std::uint32_t line);
    void problem(std::uint32_t line, QString message);

    // Lua lexical elements inside raw blocks.
    int longBracketLevel(qsizetype at) const;
    bool skipLongBracket(int level);
    void skipLuaString(char quote);

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    std::uint32_t m_line = 1;
    std::uint32_t m_firstNonUtf8Line = 0;
    std::vector<ConfigLexProblem> m_problems;
};

// Resolves nginx's escape pairs in the raw bytes of one word.
QByteArray unescapeConfigWord(QByteArrayView raw);

// Decodes bytes of a configuration file for display and comparison: UTF-8 when valid, Latin-1 otherwise
// (so that no byte is lost or turned into an error).
QString decodeConfigBytes(QByteArrayView bytes);

} // namespace gwb
