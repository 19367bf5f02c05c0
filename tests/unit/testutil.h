#pragma once

#include <QDir>
#include <QFile>
#include <QString>
#include <QTest>

namespace gwb::test {

inline QString dataPath(const QString &relative)
{
    return QDir(QStringLiteral(GWB_TEST_DATA_DIR)).filePath(relative);
}

inline QByteArray readData(const QString &relative)
{
    QFile f(dataPath(relative));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(f.fileName()));
    return f.readAll();
}

// Golden files: set GWB_UPDATE_GOLDEN=1 to rewrite the expected files after an intended change
// (tests/update-golden.sh does that for every test), then review the diff.
inline bool updateGolden() { return qEnvironmentVariableIntValue("GWB_UPDATE_GOLDEN") == 1; }

inline void compareGolden(const QByteArray &actual, const QString &expectedRelative)
{
    const QString path = dataPath(expectedRelative);
    if (updateGolden()) {
        QFile f(path);
        QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
        f.write(actual);
        return;
    }
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(QStringLiteral("missing golden file %1; run with GWB_UPDATE_GOLDEN=1").arg(path)));
    const QByteArray expected = f.readAll();
    if (actual != expected) {
        const QList<QByteArray> a = actual.split('\n'), e = expected.split('\n');
        for (qsizetype i = 0; i < qMax(a.size(), e.size()); ++i) {
            const QByteArray al = i < a.size() ? a[i] : QByteArray("<end>");
            const QByteArray el = i < e.size() ? e[i] : QByteArray("<end>");
            if (al != el)
                QFAIL(qPrintable(QStringLiteral("%1 differs at line %2:\n  expected: %3\n  actual:   %4")
                                     .arg(path).arg(i + 1).arg(QString::fromUtf8(el), QString::fromUtf8(al))));
        }
    }
}

} // namespace gwb::test
