#include <stdio.h>
#include <btparse.h>

/// btparse reports every warning and error on the C library's `stderr`; the bibliography reader
/// points `stderr` at a memory stream while it parses (under a lock) and returns the previous one.
static inline FILE *reportgen_swap_stderr(FILE *replacement) {
    FILE *previous = stderr;
    stderr = replacement;
    return previous;
}
