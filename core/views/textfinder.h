#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace gwb {

// Case-insensitive (ASCII) substring search over raw log bytes, fast enough to run over gigabytes: it tests
// 16 candidate positions at a time for the needle's two rarest bytes (rarest in a sample of the text being
// searched, either case) at their distance in the needle, and compares the whole needle only where both
// occur. Bytes >= 0x80 compare exactly, so UTF-8 text matches as typed but is not case-folded.
class TextFinder
{
public:
    TextFinder(QByteArrayView needle, QByteArrayView sample);

    bool isEmpty() const { return m_needle.isEmpty(); }
    qsizetype size() const { return m_needle.size(); }

    // Start of the first match lying entirely inside [begin, end), nullptr when there is none.
    const char *find(const char *begin, const char *end) const;
    bool contains(QByteArrayView text) const
    {
        return find(text.data(), text.data() + text.size()) != nullptr;
    }

private:
    bool matchesAt(const char *p) const;
    QByteArray m_needle;                  // lower-cased
    qsizetype m_anchor = 0, m_second = 0; // positions in the needle of its two rarest bytes
    char m_anchorLower = 0, m_anchorUpper = 0, m_secondLower = 0, m_secondUpper = 0;
};

} // namespace gwb
