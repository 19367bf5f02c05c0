#include "common/interner.h"
#include "io/lineindex.h"

#include <QTest>

using namespace gwb;

class TestInterner final : public QObject
{
    Q_OBJECT
private slots:
    void internsDenseIdsAndFindsThemAgain()
    {
        Interner in;
        QCOMPARE(in.intern("a"), 1);
        QCOMPARE(in.intern("bb"), 2);
        QCOMPARE(in.intern("a"), 1);
        QCOMPARE(in.find("bb"), 2);
        QCOMPARE(in.find("zz"), Interner::kAbsent);
        QCOMPARE(in.intern(""), Interner::kAbsent);
        QCOMPARE(in.value(2), QByteArray("bb"));
        QCOMPARE(in.size(), 2u);
    }
    void survivesGrowthAndOverflow()
    {
        Interner in;
        for (int i = 0; i < 70000; ++i)
            in.intern(QByteArray::number(i));
        QCOMPARE(in.size(), 65534u);
        QCOMPARE(in.find("1234"), 1235);
        QCOMPARE(in.intern("something new"), Interner::kOverflow);
        QCOMPARE(in.value(1235), QByteArray("1234"));
    }
    void absorbRemapsIds()
    {
        Interner a, b;
        a.intern("x");
        b.intern("y");
        b.intern("x");
        const auto map = a.absorb(b);
        QCOMPARE(map[1], a.find("y"));
        QCOMPARE(map[2], 1);
    }
    void lineIndexFindsLinesFromCheckpoints()
    {
        QByteArray text;
        for (int i = 1; i <= 10000; ++i)
            text += "line " + QByteArray::number(i) + '\n';
        LineIndex idx;
        idx.addCheckpoint(LineNumber(1), ByteOffset(0));
        const qsizetype at5000 = text.indexOf("line 5000\n");
        idx.addCheckpoint(LineNumber(5000), ByteOffset(static_cast<quint64>(at5000)));
        QCOMPARE(idx.lineAt(text, ByteOffset(0)).value, 1u);
        QCOMPARE(idx.lineAt(text, ByteOffset(static_cast<quint64>(text.indexOf("line 4999\n")))).value, 4999u);
        QCOMPARE(idx.lineAt(text, ByteOffset(static_cast<quint64>(text.indexOf("line 7777\n")))).value, 7777u);
    }
};

QTEST_GUILESS_MAIN(TestInterner)
#include "tst_interner.moc"
