#pragma once

#include <cstddef>

// Page-fault economy for parsing big logs. On a VM a page fault costs microseconds; a 1 GiB log and the
// 130 MB of events it yields would otherwise take ~50,000 of them. Both calls are hints: on a kernel or
// platform without them nothing happens and parsing is merely slower.
namespace gwb::accessmemory {

// Maps the (page-cache resident) bytes of [p, p + n) in one system call instead of a fault per 64 KiB.
void prefault(const char *p, std::size_t n);

// Asks for 2 MiB pages behind a large, freshly reserved buffer: one fault per 2 MiB of events instead of
// one per 4 KiB. Untouched parts of the reservation stay unbacked either way.
void preferHugePages(void *p, std::size_t n);

} // namespace gwb::accessmemory
