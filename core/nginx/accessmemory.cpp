#include "accessmemory.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace gwb::accessmemory {

namespace {

#if defined(__linux__)
// madvise() wants page-aligned ranges: the whole pages inside [p, p + n), rounded to `alignment`.
bool innerRange(const void *p, std::size_t n, std::uintptr_t alignment, std::uintptr_t &begin, std::size_t &length)
{
    const auto start = reinterpret_cast<std::uintptr_t>(p);
    begin = (start + alignment - 1) & ~(alignment - 1);
    const std::uintptr_t end = (start + n) & ~(alignment - 1);
    if (end <= begin)
        return false;
    length = end - begin;
    return true;
}
#endif

} // namespace

void prefault(const char *p, std::size_t n)
{
#if defined(__linux__) && defined(MADV_POPULATE_READ)
    // Round outwards: bytes of the text before the first whole page are inside the same mapping.
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto start = reinterpret_cast<std::uintptr_t>(p) & ~(page - 1);
    const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(p) + n;
    if (n > 0)
        madvise(reinterpret_cast<void *>(start), end - start, MADV_POPULATE_READ);
#else
    (void)p;
    (void)n;
#endif
}

void preferHugePages(void *p, std::size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    std::uintptr_t begin = 0;
    std::size_t length = 0;
    if (innerRange(p, n, std::uintptr_t(2) << 20, begin, length))
        madvise(reinterpret_cast<void *>(begin), length, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

} // namespace gwb::accessmemory
