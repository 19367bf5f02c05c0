#pragma once

#include "diagnosis/investigation.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <optional>

namespace gwb::cli {

// The options naming files on this machine and how to read them (config, logs, window, threads, evidence
// lines), shared by `gwb diagnose` and `gwb report`.
class InputOptions
{
public:
    InputOptions();
    void addTo(QCommandLineParser &parser) const;

    // --config-dump, --config, --access-log or --error-log given.
    bool anyInputSet(const QCommandLineParser &parser) const;
    // Any option of this group that only makes sense for files (for conflicts with --ssh/--local/--bundle).
    bool anyFileOptionSet(const QCommandLineParser &parser) const;

    // Reads the group into `inputs` and `evidencePerFinding`. On an unusable value the message is printed and
    // the exit code returned.
    std::optional<int> read(const QCommandLineParser &parser, LocalInputs &inputs, int &evidencePerFinding) const;

private:
    QCommandLineOption m_dump, m_conf, m_prefix, m_access, m_errorLog, m_logFormat, m_since, m_until, m_evidence,
        m_threads;
};

} // namespace gwb::cli
