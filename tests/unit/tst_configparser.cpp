#include "nginx/configlexer.h"
#include "nginx/configmodel.h"
#include "nginx/configparser.h"
#include "testutil.h"

#include <QDirIterator>
#include <QRandomGenerator>
#include <QTest>

using namespace gwb;
using namespace Qt::StringLiterals;

namespace {

// Arguments are shown quoted with C-like escapes so that empty strings, spaces and control bytes are
// visible in the golden files.
QString renderArg(const QString &arg)
{
    QString out = u"\""_s;
    for (const QChar c : arg) {
        if (c == QLatin1Char('\\'))
            out += u"\\\\"_s;
        else if (c == QLatin1Char('"'))
            out += u"\\\""_s;
        else if (c == QLatin1Char('\n'))
            out += u"\\n"_s;
        else if (c == QLatin1Char('\t'))
            out += u"\\t"_s;
        else if (c == QLatin1Char('\r'))
            out += u"\\r"_s;
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += u"\\x%1"_s.arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out + QLatin1Char('"');
}

QString shortPath(const QString &path)
{
    const QString root = test::dataPath(u"config/"_s);
    return path.startsWith(root) ? path.mid(root.size()) : path;
}

QString where(const SourceLocation &w)
{
    return shortPath(w.file) + QLatin1Char(':') + QString::number(w.line.value);
}

// Included files' directives are shown under their include, one level deeper.
void dumpDirectives(QString &out, const std::vector<ConfigDirective> &directives, int depth)
{
    const QString indent(depth * 2, QLatin1Char(' '));
    for (const ConfigDirective &d : directives) {
        out += indent + where(d.where) + QLatin1Char(' ') + (d.name.isEmpty() ? u"\"\""_s : d.name);
        for (const QString &a : d.args)
            out += QLatin1Char(' ') + renderArg(a);
        if (!d.hasBlock) {
            out += u";\n"_s;
            dumpDirectives(out, d.children, depth + 1);
            continue;
        }
        out += u" {\n"_s;
        if (!d.rawBlock.isNull()) {
            for (const QString &line : d.rawBlock.split(QLatin1Char('\n')))
                out += indent + u"  | "_s + line + QLatin1Char('\n');
        }
        dumpDirectives(out, d.children, depth + 1);
        out += indent + u"}\n"_s;
    }
}

QByteArray dumpParsed(const ParsedConfig &p)
{
    QString out =
        u"main: "_s + shortPath(p.mainFile) + u"\nprefix: "_s + shortPath(p.prefix) + u"\n\n# files\n"_s;
    for (const ConfigFileText &f : p.files)
        out += shortPath(f.path) + u" ("_s + QString::number(f.text.size()) + u" bytes)\n"_s;
    out += u"\n# directives\n"_s;
    dumpDirectives(out, p.directives, 0);
    out += u"\n# diagnostics\n"_s;
    for (const Diagnostic &d : p.diagnostics)
        out += severityName(d.severity) + QLatin1Char(' ') + where(d.where) + u": "_s +
               QString(d.message).replace(test::dataPath(u"config/"_s), QString()) + QLatin1Char('\n');
    return out.toUtf8();
}

ParsedConfig parseFixture(const QString &path)
{
    if (path.endsWith(u".dump")) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(path));
        return ConfigParser::parseDump(f.readAll(), QFileInfo(path).fileName());
    }
    return ConfigParser::parseFile(path);
}

void countDirectives(const std::vector<ConfigDirective> &directives, int &count)
{
    for (const ConfigDirective &d : directives) {
        ++count;
        countDirectives(d.children, count);
    }
}

} // namespace

class TestConfigParser final : public QObject
{
    Q_OBJECT
private slots:
    void goldenTree_data()
    {
        QTest::addColumn<QString>("input");
        const QDir dir(test::dataPath(u"config/parser"_s));
        const QStringList inputs = dir.entryList({u"*.conf"_s, u"*.dump"_s}, QDir::Files, QDir::Name);
        QVERIFY(!inputs.isEmpty());
        for (const QString &name : inputs)
            QTest::newRow(qPrintable(name)) << dir.filePath(name);
    }
    void goldenTree()
    {
        QFETCH(QString, input);
        const ParsedConfig parsed = parseFixture(input);
        const QString expected = u"config/parser/"_s + QFileInfo(input).completeBaseName() + u".expected"_s;
        test::compareGolden(dumpParsed(parsed), expected);
    }

    void unescapesLikeNginx_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("word");
        QTest::newRow("plain") << QByteArray("abc") << QByteArray("abc");
        QTest::newRow("quotes") << QByteArray("a\\\"b\\'c") << QByteArray("a\"b'c");
        QTest::newRow("backslash") << QByteArray("a\\\\b") << QByteArray("a\\b");
        QTest::newRow("controls") << QByteArray("\\t\\r\\n") << QByteArray("\t\r\n");
        QTest::newRow("regex escapes kept") << QByteArray("\\.php\\d$") << QByteArray("\\.php\\d$");
        QTest::newRow("trailing backslash") << QByteArray("abc\\") << QByteArray("abc\\");
    }
    void unescapesLikeNginx()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, word);
        QCOMPARE(unescapeConfigWord(raw), word);
    }

    void variableBracesStayInWord()
    {
        ConfigLexer lexer("set $x ${a}b${c};");
        QStringList words;
        for (ConfigToken t = lexer.next(); t.kind == ConfigToken::Kind::Word; t = lexer.next())
            words << QString::fromUtf8(t.text);
        QCOMPARE(words, (QStringList{u"set"_s, u"$x"_s, u"${a}b${c}"_s}));
    }

    void parseTextKeepsIncludesUnresolved()
    {
        const ParsedConfig p =
            ConfigParser::parseText("http { include conf.d/*.conf; }", u"/etc/nginx/nginx.conf"_s);
        QCOMPARE(p.directives.size(), 1u);
        const ConfigDirective &include = p.directives.front().children.front();
        QVERIFY(include.isInclude());
        QCOMPARE(include.args, QStringList{u"conf.d/*.conf"_s});
        QVERIFY(include.children.empty());
        QVERIFY(p.diagnostics.empty());
        QCOMPARE(p.prefix, u"/etc/nginx"_s);
    }

    void unreadableMainFileIsLocated()
    {
        const ParsedConfig p = ConfigParser::parseFile(u"/nonexistent/gwb/nginx.conf"_s);
        QVERIFY(p.directives.empty());
        QCOMPARE(p.diagnostics.size(), 1u);
        QCOMPARE(p.diagnostics.front().where.file, u"/nonexistent/gwb/nginx.conf"_s);
        QVERIFY(p.diagnostics.front().message.contains(u"cannot read"_s));
    }

    // Every prefix of a tricky file is what a truncated dump looks like: never a crash, never a hang,
    // and the damage is always located.
    void everyTruncationIsSurvivable_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("quoting") << u"config/parser/quoting.conf"_s;
        QTest::newRow("lua") << u"config/parser/lua_blocks.conf"_s;
        QTest::newRow("map") << u"config/parser/map_geo_types.conf"_s;
    }
    void everyTruncationIsSurvivable()
    {
        QFETCH(QString, fixture);
        const QByteArray text = test::readData(fixture);
        for (qsizetype n = 0; n <= text.size(); ++n) {
            const ParsedConfig p = ConfigParser::parseText(QByteArrayView(text).first(n), u"t.conf"_s);
            for (const Diagnostic &d : p.diagnostics)
                QVERIFY2(d.where.isValid() && d.where.line.value > 0, qPrintable(d.message));
            (void)ConfigModel::build(p);
        }
    }

    void randomBytesNeverCrash()
    {
        QRandomGenerator rng(20261124);
        const QByteArray alphabet("{};\"'\\$#\n \tabc~*^=()[]-@\xff\xc3");
        for (int round = 0; round < 300; ++round) {
            QByteArray text;
            const int size = int(rng.bounded(400));
            for (int i = 0; i < size; ++i)
                text += alphabet[rng.bounded(int(alphabet.size()))];
            const ParsedConfig p = ConfigParser::parseText(text, u"r.conf"_s);
            (void)ConfigModel::build(p);
        }
    }

    void deepNestingIsBounded()
    {
        QByteArray text;
        for (int i = 0; i < 5000; ++i)
            text += "a {\n";
        const ParsedConfig p = ConfigParser::parseText(text, u"deep.conf"_s);
        QVERIFY(!p.diagnostics.empty());
        bool reportedDepth = false;
        for (const Diagnostic &d : p.diagnostics)
            reportedDepth = reportedDepth || d.message.contains(u"nested more than"_s);
        QVERIFY(reportedDepth);
    }

    void unterminatedLuaBlockIsLocated()
    {
        const ParsedConfig p =
            ConfigParser::parseText("http {\n content_by_lua_block {\n local s = '}'\n", u"l.conf"_s);
        const auto lua = std::find_if(p.diagnostics.begin(), p.diagnostics.end(), [](const Diagnostic &d) {
            return d.message.contains(u"content_by_lua_block"_s);
        });
        QVERIFY(lua != p.diagnostics.end());
        QCOMPARE(lua->where.line.value, 2u);
    }

    // The real-world corpus (not part of the project) when it is present next to the checkout.
    void corpusNeverCrashes()
    {
        const QString root = QStringLiteral(GWB_SHARED_DIR) + u"/corpus/configs"_s;
        if (!QFileInfo(root).isDir())
            QSKIP("no corpus at ../shared/corpus/configs");
        int files = 0, withDiagnostics = 0, directives = 0;
        QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            ++files;
            const ParsedConfig parsed = ConfigParser::parseFile(path);
            const ConfigModel model = ConfigModel::build(parsed);
            countDirectives(parsed.directives, directives);
            if (!model.diagnostics.empty())
                ++withDiagnostics;
            for (const Diagnostic &d : model.diagnostics) {
                QVERIFY2(d.where.isValid(), qPrintable(path + u": "_s + d.message));
                QVERIFY2(!d.message.isEmpty(), qPrintable(path));
            }
            for (const Diagnostic &d : parsed.diagnostics)
                QVERIFY2(d.where.line.value > 0 || d.message.startsWith(u"cannot read"_s),
                         qPrintable(path + u": "_s + d.message));
        }
        QVERIFY(files > 0);
        qInfo("corpus: %d files, %d directives, %d files with diagnostics", files, directives,
              withDiagnostics);
    }
};

QTEST_GUILESS_MAIN(TestConfigParser)
#include "tst_configparser.moc"
