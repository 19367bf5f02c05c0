#include "reporthtmlparts.h"

#include "svgchain.h"
#include "svgtimeline.h"

namespace gwb::reporthtml {

namespace {

// Browser: the SVG inline. RichText: an <img> the PDF writer resolves to a rendering of the same SVG.
void writeFigure(QTextStream &out, Context &ctx, const QString &name, const QString &svgText, const QString &caption)
{
    out << "<figure>\n";
    if (ctx.flavour == ReportFlavour::Browser) {
        out << svgText << '\n';
    } else {
        ctx.figures.push_back({name, svgText});
        out << "<p><img src=\"gwb-figure:" << name << "\"></p>\n";
    }
    out << "<figcaption>" << esc(caption) << "</figcaption>\n</figure>\n";
}

} // namespace

void writeTimeline(QTextStream &out, Context &ctx)
{
    openSection(out, ctx, "timeline", QStringLiteral("Timeline"), true);
    const TimelineIndex index = TimelineIndex::build(ctx.inv, ctx.result);
    writeFigure(out, ctx, QStringLiteral("timeline"), timelineSvg(index),
                QStringLiteral("Failures per cause (bars, left axis) and the share of requests answered with 5xx "
                               "(dashed line, right axis). Dotted vertical lines: reloads and peers nginx took out."));
    out << "</section>\n";
}

void writeChain(QTextStream &out, Context &ctx)
{
    // On paper the chain is too tall to share a page with the timeline; in a browser it follows it.
    openSection(out, ctx, "chain", QStringLiteral("Request chain"), ctx.flavour == ReportFlavour::RichText);
    const ChainGraph graph = ChainGraph::build(ctx.inv, ctx.result);
    writeFigure(out, ctx, QStringLiteral("chain"), chainSvg(graph),
                QStringLiteral("Each box is filled by its error rate: green none, yellow under 5 %, orange under 25 %, "
                               "red above; grey without traffic. A red border: nginx marked the peer down."));
    out << "</section>\n";
}

} // namespace gwb::reporthtml
