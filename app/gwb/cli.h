#pragma once

#include <QString>
#include <QStringList>

namespace gwb::cli {

enum ExitCode { Ok = 0, Failure = 1, Usage = 2, InputUnreadable = 3 };

// One clear sentence on stderr, prefixed with the program name.
void error(const QString &message);
void print(const QString &text);
// The parser's help with its first line naming the command as users type it ("Usage: gwb diagnose").
QString commandHelp(const QString &parserHelp, const QString &command);

int diagnose(const QStringList &args);
// `gwb follow`: print new upstream failures as the logs grow (followcommand.cpp).
int follow(const QStringList &args);

} // namespace gwb::cli
