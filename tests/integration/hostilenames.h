#pragma once

#include <QByteArray>
#include <QList>

namespace gwb::test {

// File names (no '/') that spell shell syntax. Markers are relative names starting with "pwned": a name
// that managed to execute leaves such a file in the shell's working directory.
inline QList<QByteArray> hostileNames()
{
    return {
        "$(touch pwned1)",
        "`touch pwned2`",
        "a; touch pwned3",
        "a && touch pwned4",
        "a || touch pwned5",
        "a\ntouch pwned6",
        "a'; touch pwned7; echo '",
        "a\"; touch pwned8; echo \"",
        "'",
        "''",
        "\"",
        "a'b\"c",
        "-rf",
        "--",
        "-",
        "(",
        "!",
        "a | touch pwned9",
        "a > pwned10",
        "with spaces  and\ttab",
        " leading space",
        "журнал 日志 ✓.log",
        "*",
        "?",
        "[a-z]",
        "~",
        "$HOME",
        "${IFS}x",
        "\\",
        "a\\'b",
        "%s%n",
        "caf\xe9 latin1.log", // not UTF-8
        "x$(echo)y",
        "\x01\x7f control",
    };
}

} // namespace gwb::test
