#include "reportpdf.h"

#include <QColor>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QUrl>

namespace gwb {

namespace {

// Width of the text column on A4 with 14 mm margins, in the 96 dpi units QTextDocument lays out in.
constexpr int kColumnPx = 680;
constexpr int kMaxFigurePx = 720;
// Figures are rasterised this many times finer than they are laid out, so they stay sharp in print.
constexpr int kOversample = 3;

QImage renderFigure(const QString &svgText, QSize *layoutSize)
{
    QSvgRenderer renderer(svgText.toUtf8());
    QSize size = renderer.defaultSize();
    if (!renderer.isValid() || size.isEmpty())
        return {};
    // Fit the text column, and leave room for the section heading and caption on the same page.
    size = size.scaled(QSize(kColumnPx, kMaxFigurePx), Qt::KeepAspectRatio).boundedTo(size);
    *layoutSize = size;
    QImage image(size * kOversample, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    renderer.render(&painter, QRectF(QPointF(0, 0), QSizeF(image.size())));
    return image;
}

// Lays the document out at 96 dpi on pages the size of the printable area (less a footer line) and paints
// each page scaled to the writer's resolution. QTextDocument::print() would lay out at the printer's dpi
// instead, where CSS pixel sizes shrink and images grow past the margins.
void printPages(QTextDocument &doc, QPdfWriter &writer, const QString &title)
{
    const double scale = writer.resolution() / 96.0;
    const QRectF paint = writer.pageLayout().paintRectPixels(writer.resolution());
    constexpr double kFooter = 28; // in 96 dpi units
    const QSizeF page(paint.width() / scale, paint.height() / scale - kFooter);
    doc.setPageSize(page);
    const int pages = doc.pageCount();
    QPainter painter(&writer);
    QFont footerFont = doc.defaultFont();
    footerFont.setPointSizeF(7.5);
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            writer.newPage();
        painter.save();
        painter.scale(scale, scale);
        painter.translate(0, -i * page.height());
        doc.drawContents(&painter, QRectF(QPointF(0, i * page.height()), page));
        painter.restore();
        // The footer is drawn in device pixels: a point size already accounts for the device's resolution.
        painter.save();
        painter.setFont(footerFont);
        painter.setPen(QColor(0x55, 0x55, 0x55));
        const QRectF footer(0, (page.height() + 8) * scale, page.width() * scale, (kFooter - 8) * scale);
        painter.drawText(footer, Qt::AlignLeft | Qt::AlignVCenter, title);
        painter.drawText(footer, Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("page %1 of %2").arg(i + 1).arg(pages));
        painter.restore();
    }
}

} // namespace

Result<void> writePdfReport(const QString &path, const Investigation &inv, const DiagnosisResult &result,
                            const ReportOptions &options)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return Error{Error::Kind::Internal, QStringLiteral("writing a PDF needs a QGuiApplication; run with "
                                                           "QT_QPA_PLATFORM=offscreen on a machine without a display")};
    {
        // QPdfWriter reports no open errors; find out first so the user learns why.
        QFile probe(path);
        if (!probe.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return Error::io(QStringLiteral("cannot write %1: %2").arg(path, probe.errorString()));
    }
    ReportHtml report = buildReportHtml(inv, result, options, ReportFlavour::RichText);

    QTextDocument doc;
    doc.setDocumentMargin(0);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(9);
    doc.setDefaultFont(font);
    for (const ReportFigure &figure : report.figures) {
        QSize layoutSize;
        const QImage image = renderFigure(figure.svg, &layoutSize);
        const QString tag = QStringLiteral("<img src=\"gwb-figure:%1\">").arg(figure.name);
        if (image.isNull()) {
            report.html.replace(tag, QStringLiteral("<i>(figure could not be drawn)</i>"));
            continue;
        }
        doc.addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("gwb-figure:") + figure.name), image);
        report.html.replace(tag, QStringLiteral("<img src=\"gwb-figure:%1\" width=\"%2\" height=\"%3\">")
                                     .arg(figure.name)
                                     .arg(layoutSize.width())
                                     .arg(layoutSize.height()));
    }
    doc.setHtml(report.html);

    QPdfWriter writer(path);
    writer.setTitle(options.title);
    writer.setCreator(QStringLiteral("gwb %1").arg(QStringLiteral(GWB_VERSION)));
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(14, 14, 14, 12),
                                     QPageLayout::Millimeter));
    writer.setResolution(300);
    printPages(doc, writer, options.title);
    if (QFile(path).size() == 0)
        return Error::io(QStringLiteral("cannot write %1: the PDF came out empty").arg(path));
    return {};
}

void installPdfReportWriter()
{
    setPdfReportWriter(&writePdfReport);
}

std::unique_ptr<QCoreApplication> makeApplicationForReports(int &argc, char **argv, bool needsPdf)
{
    if (!needsPdf)
        return std::make_unique<QCoreApplication>(argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    auto app = std::make_unique<QGuiApplication>(argc, argv);
    installPdfReportWriter();
    return app;
}

} // namespace gwb
