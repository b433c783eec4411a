#ifndef REPORTGEN_BUILDID_H
#define REPORTGEN_BUILDID_H
#include <stddef.h>

/// Copies the running executable's GNU build ID (NT_GNU_BUILD_ID note) as lowercase hex into
/// `out` (NUL-terminated) and returns its length, or 0 when the executable has none.
size_t reportgen_executable_build_id(char *out, size_t capacity);

#endif
