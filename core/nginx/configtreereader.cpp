#include "configtreereader.h"

#include "configlexer.h"

#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace gwb {

namespace {

// Directives that virtually never appear as an argument of another one. When such a word starts a line
// inside an unfinished directive, the ";" before it was almost surely forgotten (nginx's most common
// configuration error), and reading it as a new directive keeps the rest of the file meaningful.
bool startsDirectiveForSure(const QString &word)
{
    static const QSet<QString> names = [] {
        QSet<QString> s;
        for (const char *n : {"listen",
                              "server_name",
                              "root",
                              "alias",
                              "index",
                              "location",
                              "proxy_pass",
                              "fastcgi_pass",
                              "uwsgi_pass",
                              "scgi_pass",
                              "grpc_pass",
                              "proxy_set_header",
                              "proxy_read_timeout",
                              "proxy_connect_timeout",
                              "proxy_send_timeout",
                              "proxy_http_version",
                              "proxy_buffering",
                              "proxy_buffer_size",
                              "proxy_buffers",
                              "fastcgi_param",
                              "fastcgi_index",
                              "fastcgi_read_timeout",
                              "include",
                              "return",
                              "rewrite",
                              "try_files",
                              "add_header",
                              "access_log",
                              "error_log",
                              "error_page",
                              "upstream",
                              "expires",
                              "client_max_body_size",
                              "keepalive_timeout",
                              "ssl_certificate",
                              "ssl_certificate_key",
                              "ssl_protocols",
                              "ssl_ciphers",
                              "sendfile",
                              "resolver",
                              "log_format",
                              "charset",
                              "autoindex",
                              "worker_processes",
                              "worker_connections",
                              "default_type"})
            s.insert(QString::fromLatin1(n));
        return s;
    }();
    return names.contains(word);
}

class TreeBuilder final
{
public:
    TreeBuilder(QByteArrayView text, const QString &file, std::vector<Diagnostic> &diagnostics)
        : m_lexer(text), m_file(file), m_diagnostics(diagnostics)
    {
        m_stack.emplace_back(); // the file's top level
    }

    std::vector<ConfigDirective> run();
    bool endedInside() const { return m_endedInside; }

private:
    void onWord(const ConfigToken &t);
    void onSemicolon(const ConfigToken &t);
    void onBlockStart(const ConfigToken &t);
    void onBlockEnd(const ConfigToken &t);
    void onEnd(const ConfigToken &t);
    void skipBlock();
    void checkPlacement(const ConfigDirective &block);
    ConfigDirective takePending();
    void append(ConfigDirective d) { m_stack.back().children.push_back(std::move(d)); }
    void report(std::uint32_t line, QString message, Diagnostic::Severity s = Diagnostic::Severity::Error);
    QString pendingText() const;

    ConfigLexer m_lexer;
    const QString &m_file;
    std::vector<Diagnostic> &m_diagnostics;
    std::vector<ConfigDirective> m_stack; // open blocks; [0] collects the top level
    QStringList m_words;                  // the directive being read
    std::uint32_t m_wordsLine = 0;
    std::uint32_t m_lastTokenEnd = 0; // line where the previous token ended
    bool m_endedInside = false;
};

void TreeBuilder::report(std::uint32_t line, QString message, Diagnostic::Severity s)
{
    m_diagnostics.push_back({s, {m_file, LineNumber(line)}, std::move(message)});
}

QString TreeBuilder::pendingText() const
{
    QString text = m_words.join(QLatin1Char(' '));
    if (text.size() > 60)
        text = text.left(57) + u"..."_s;
    return text;
}

ConfigDirective TreeBuilder::takePending()
{
    ConfigDirective d;
    d.where = {m_file, LineNumber(m_wordsLine)};
    if (!m_words.isEmpty()) {
        d.name = m_words.takeFirst();
        d.args = std::move(m_words);
    }
    m_words.clear();
    return d;
}

std::vector<ConfigDirective> TreeBuilder::run()
{
    for (;;) {
        const ConfigToken t = m_lexer.next();
        switch (t.kind) {
        case ConfigToken::Kind::Word:
            onWord(t);
            break;
        case ConfigToken::Kind::Semicolon:
            onSemicolon(t);
            break;
        case ConfigToken::Kind::BlockStart:
            onBlockStart(t);
            break;
        case ConfigToken::Kind::BlockEnd:
            onBlockEnd(t);
            break;
        case ConfigToken::Kind::End:
            onEnd(t);
            for (const ConfigLexProblem &p : m_lexer.problems())
                report(p.line, p.message);
            if (m_lexer.firstNonUtf8Line())
                report(
                    m_lexer.firstNonUtf8Line(),
                    u"the file holds bytes that are not valid UTF-8 (first on this line); they were read as "
                    u"Latin-1: if names or paths look wrong, check the file's encoding"_s,
                    Diagnostic::Severity::Note);
            return std::move(m_stack.front().children);
        }
        m_lastTokenEnd = m_lexer.line();
    }
}

void TreeBuilder::onWord(const ConfigToken &t)
{
    QString word = decodeConfigBytes(t.text);
    const bool startsLine = t.line > m_lastTokenEnd;
    if (m_words.size() >= 2 && startsLine && !t.quoted && startsDirectiveForSure(word) &&
        startsDirectiveForSure(m_words.front())) {
        report(m_wordsLine, u"missing \";\" after \"%1\": nginx rejects this; line %2 was read as a new "
                            u"directive"_s.arg(pendingText())
                                .arg(t.line));
        append(takePending());
    }
    if (m_words.isEmpty())
        m_wordsLine = t.line;
    m_words.append(std::move(word));
}

void TreeBuilder::onSemicolon(const ConfigToken &t)
{
    if (m_words.isEmpty()) {
        report(t.line, u"unexpected \";\" with no directive before it: remove it"_s);
        return;
    }
    append(takePending());
}

void TreeBuilder::onBlockStart(const ConfigToken &t)
{
    if (m_words.isEmpty()) {
        report(t.line,
               u"unexpected \"{\": a block needs a directive name before it (as in \"server {\"); its "
               u"contents were read as a nameless block"_s);
        m_wordsLine = t.line;
    }
    ConfigDirective d = takePending();
    d.hasBlock = true;
    if (ConfigTreeReader::isRawBlock(d.name)) {
        bool closed = false;
        d.rawBlock = decodeConfigBytes(m_lexer.readRawBlock(closed));
        if (!closed)
            report(d.where.line.value,
                   u"the \"%1\" block opened here is not closed: the file ends inside it; "
                   u"add the missing \"}\" (or collect the whole file)"_s.arg(d.name));
        append(std::move(d));
        return;
    }
    checkPlacement(d);
    if (static_cast<int>(m_stack.size()) > ConfigTreeReader::kMaxDepth) {
        report(t.line, u"blocks are nested more than %1 levels deep here; the contents of this block were "
                       u"skipped"_s.arg(ConfigTreeReader::kMaxDepth));
        skipBlock();
        append(std::move(d));
        return;
    }
    m_stack.push_back(std::move(d));
}

// A missing "}" only shows at the end of the file, far from the mistake. A block that cannot live where
// it is (a server inside a location) points much closer to it.
void TreeBuilder::checkPlacement(const ConfigDirective &block)
{
    if (m_stack.size() < 2)
        return;
    static const QStringList topLevelOnly{u"http"_s, u"events"_s, u"stream"_s, u"mail"_s};
    static const QStringList notInRequestBlocks{u"server"_s, u"upstream"_s, u"map"_s, u"geo"_s,
                                                u"split_clients"_s};
    static const QStringList requestBlocks{u"server"_s, u"location"_s, u"if"_s, u"limit_except"_s};
    const ConfigDirective &outer = m_stack.back();
    if (!topLevelOnly.contains(block.name) &&
        !(notInRequestBlocks.contains(block.name) && requestBlocks.contains(outer.name)))
        return;
    report(block.where.line.value,
           u"\"%1\" block inside the \"%2\" block opened on line %3: nginx does not "
           u"allow this; most likely a \"}\" is missing above this line"_s.arg(block.name, outer.name)
               .arg(outer.where.line.value));
}

void TreeBuilder::skipBlock()
{
    int depth = 1;
    while (depth > 0) {
        const ConfigToken t = m_lexer.next();
        if (t.kind == ConfigToken::Kind::End)
            return;
        if (t.kind == ConfigToken::Kind::BlockStart)
            ++depth;
        else if (t.kind == ConfigToken::Kind::BlockEnd)
            --depth;
    }
}

void TreeBuilder::onBlockEnd(const ConfigToken &t)
{
    if (!m_words.isEmpty()) {
        report(m_wordsLine,
               u"missing \";\" after \"%1\" before the \"}\" on line %2: nginx rejects this; add "
               u"the \";\""_s.arg(pendingText())
                   .arg(t.line));
        append(takePending());
    }
    if (m_stack.size() == 1) {
        report(t.line, u"unexpected \"}\": no block is open here; remove it or look above for a block whose "
                       u"\"{\" is missing"_s);
        return;
    }
    ConfigDirective closed = std::move(m_stack.back());
    m_stack.pop_back();
    append(std::move(closed));
}

void TreeBuilder::onEnd(const ConfigToken &t)
{
    m_endedInside = !m_words.isEmpty() || m_stack.size() > 1;
    if (!m_words.isEmpty()) {
        report(m_wordsLine,
               u"unexpected end of file after \"%1\": the directive has no \";\"; add it (or the "
               u"file was cut short)"_s.arg(pendingText()));
        append(takePending());
    }
    while (m_stack.size() > 1) {
        ConfigDirective open = std::move(m_stack.back());
        m_stack.pop_back();
        const QString what =
            QString(open.name + QLatin1Char(' ') + open.args.join(QLatin1Char(' '))).trimmed();
        report(open.where.line.value,
               u"the \"%1\" block opened here is not closed: the file ends on line %2 "
               u"inside it; add the missing \"}\" (a truncated nginx -T dump looks like "
               u"this too)"_s.arg(what)
                   .arg(t.line));
        append(std::move(open));
    }
}

} // namespace

bool ConfigTreeReader::isRawBlock(QStringView name)
{
    return name.endsWith(u"_by_lua_block");
}

std::vector<ConfigDirective> ConfigTreeReader::read(QByteArrayView text, const QString &file,
                                                    std::vector<Diagnostic> &diagnostics, bool *endedInside)
{
    const auto first = static_cast<std::ptrdiff_t>(diagnostics.size());
    TreeBuilder builder(text, file, diagnostics);
    std::vector<ConfigDirective> tree = builder.run();
    if (endedInside)
        *endedInside = builder.endedInside();
    // Lexer problems are collected apart; present this file's findings in line order.
    std::stable_sort(diagnostics.begin() + first, diagnostics.end(),
                     [](const Diagnostic &a, const Diagnostic &b) { return a.where.line < b.where.line; });
    return tree;
}

} // namespace gwb
