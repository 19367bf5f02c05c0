// A config with 50 locations and 30 peers stays readable: healthy branches fold, no boxes overlap, and the
// chain exports as SVG and PNG.
#include "uitest.h"

#include "chainnodeitem.h"
#include "chainview.h"
#include "investigationview.h"

#include <QCheckBox>
#include <QFile>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImage>
#include <QTemporaryDir>

using namespace gwb;

namespace {

QByteArray generatedDump(const QString &logPath)
{
    QByteArray conf = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n"
                      "    log_format upstreaminfo '$remote_addr - $remote_user [$time_local] \"$request\" '\n"
                      "        '$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" '\n"
                      "        '$request_time $upstream_addr $upstream_status '\n"
                      "        '$upstream_connect_time $upstream_header_time '\n"
                      "        '$upstream_response_time $host';\n"
                      "    access_log "
                      + logPath.toUtf8() + " upstreaminfo;\n";
    for (int u = 0; u < 6; ++u) {
        conf += "    upstream pool" + QByteArray::number(u) + " {\n";
        for (int p = 0; p < 5; ++p)
            conf += "        server 10.0." + QByteArray::number(u) + "." + QByteArray::number(p + 1) + ":8080;\n";
        conf += "    }\n";
    }
    conf += "    server {\n        listen 80;\n        server_name big.example;\n";
    for (int l = 0; l < 50; ++l)
        conf += "        location /app" + QByteArray::number(l) + " { proxy_pass http://pool" + QByteArray::number(l % 6)
                + "; }\n";
    conf += "    }\n}\n";
    return conf;
}

QByteArray generatedLog()
{
    QByteArray log;
    for (int i = 0; i < 600; ++i) {
        const int l = i % 50, u = l % 6, p = i % 5;
        // Only pool0's first peer fails: the rest of the chain is healthy and should fold.
        const bool fail = u == 0 && p == 0;
        log += "10.1.1.1 - - [24/Nov/2026:10:00:" + QByteArray::number(10 + i % 40) + " +0000] \"GET /app"
               + QByteArray::number(l) + "/x HTTP/1.1\" " + (fail ? "502" : "200") + " 10 \"-\" \"t\" 0.010 10.0."
               + QByteArray::number(u) + "." + QByteArray::number(p + 1) + ":8080 " + (fail ? "502 - -" : "200 0.001 0.009")
               + " 0.010 big.example\n";
    }
    return log;
}

} // namespace

class TestChainLarge final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void foldsAndDoesNotOverlap()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString logPath = dir.filePath(QStringLiteral("access.log"));
        const QString dumpPath = dir.filePath(QStringLiteral("nginx-T.txt"));
        QFile log(logPath), dump(dumpPath);
        QVERIFY(log.open(QIODevice::WriteOnly) && dump.open(QIODevice::WriteOnly));
        log.write(generatedLog());
        dump.write(generatedDump(logPath));
        log.close();
        dump.close();

        MainWindow window;
        window.resize(1400, 900);
        window.show();
        LocalInputs in;
        in.configDump = dumpPath;
        in.accessLogs << logPath;
        QVERIFY(uitest::openAndWait(window, in));
        InvestigationView *view = window.investigationView();
        ChainView *chain = view->chain();
        const std::size_t allNodes = view->session()->chain.nodes.size();
        QVERIFY2(allNodes >= 50 + 30, qPrintable(QString::number(allNodes)));
        QVERIFY2(chain->boxCount() < 40, qPrintable(QString::number(chain->boxCount())));

        const auto noOverlap = [chain] {
            QList<QRectF> boxes;
            for (QGraphicsItem *item : chain->graphicsView()->scene()->items())
                if (auto *node = dynamic_cast<ChainNodeItem *>(item))
                    boxes << node->sceneBoundingRect().adjusted(3, 3, -3, -3);
            for (qsizetype i = 0; i < boxes.size(); ++i)
                for (qsizetype j = i + 1; j < boxes.size(); ++j)
                    if (boxes[i].intersects(boxes[j]))
                        return false;
            return !boxes.isEmpty();
        };
        QVERIFY(noOverlap());

        // Unfolded, every node has its own box, still without overlap.
        auto *fold = chain->findChild<QCheckBox *>();
        QVERIFY(fold);
        fold->setChecked(false);
        QCOMPARE(std::size_t(chain->boxCount()), allNodes);
        QVERIFY(noOverlap());

        const QString svg = dir.filePath(QStringLiteral("chain.svg"));
        const QString png = dir.filePath(QStringLiteral("chain.png"));
        QVERIFY(chain->exportSvg(svg));
        QVERIFY(chain->exportPng(png));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QVERIFY(svgFile.readAll().contains("<svg"));
        QVERIFY(!QImage(png).isNull());
    }
};

QTEST_MAIN(TestChainLarge)
#include "tst_chainlarge.moc"
