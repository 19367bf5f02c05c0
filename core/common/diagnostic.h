#pragma once

#include "strongtypes.h"

#include <QString>

#include <vector>

namespace gwb {

// A place in an input file: "/etc/nginx/conf.d/app.conf:12".
struct SourceLocation
{
    QString file;
    LineNumber line;

    bool isValid() const { return !file.isEmpty(); }
    QString toString() const
    {
        return line.value ? file + QLatin1Char(':') + QString::number(line.value) : file;
    }
    bool operator==(const SourceLocation &) const = default;
};

// Something an input did that the user should know about: a malformed log line, an unbalanced brace, an
// include that could not be read. Parsers report these and carry on; nothing is dropped silently.
struct Diagnostic
{
    enum class Severity { Note, Warning, Error };
    Severity severity = Severity::Warning;
    SourceLocation where;
    QString message;
};

QString severityName(Diagnostic::Severity s);

// Malformed-line accounting for log parsers: every bad line is counted; the first few per reason keep their
// location so the user can look at them.
class MalformedLines
{
public:
    static constexpr int kExamplesPerReason = 5;

    void add(const QString &file, LineNumber line, const QString &reason);
    void merge(const MalformedLines &other);
    std::uint64_t total() const { return m_total; }

    struct Reason
    {
        QString reason;
        std::uint64_t count = 0;
        std::vector<SourceLocation> examples;
    };
    const std::vector<Reason> &reasons() const { return m_reasons; }

private:
    std::uint64_t m_total = 0;
    std::vector<Reason> m_reasons;
};

} // namespace gwb
