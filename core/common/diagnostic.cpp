#include "diagnostic.h"

#include <algorithm>

namespace gwb {

QString severityName(Diagnostic::Severity s)
{
    switch (s) {
    case Diagnostic::Severity::Note:
        return QStringLiteral("note");
    case Diagnostic::Severity::Warning:
        return QStringLiteral("warning");
    case Diagnostic::Severity::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("error");
}

void MalformedLines::add(const QString &file, LineNumber line, const QString &reason)
{
    ++m_total;
    for (Reason &r : m_reasons) {
        if (r.reason == reason) {
            ++r.count;
            if (r.examples.size() < kExamplesPerReason)
                r.examples.push_back({file, line});
            return;
        }
    }
    m_reasons.push_back({reason, 1, {{file, line}}});
}

void MalformedLines::merge(const MalformedLines &other)
{
    for (const Reason &o : other.m_reasons) {
        auto it = std::find_if(m_reasons.begin(), m_reasons.end(), [&](const Reason &r) { return r.reason == o.reason; });
        if (it == m_reasons.end()) {
            m_reasons.push_back(o);
        } else {
            it->count += o.count;
            for (const SourceLocation &e : o.examples)
                if (it->examples.size() < kExamplesPerReason)
                    it->examples.push_back(e);
        }
    }
    m_total += other.m_total;
}

} // namespace gwb
