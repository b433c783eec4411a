#define _GNU_SOURCE
#include "buildid.h"
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct search { char *out; size_t capacity; size_t length; };

static int visit(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct search *s = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE) continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        size_t offset = 0;
        while (offset + 12 <= ph->p_memsz) {
            uint32_t namesz, descsz, type;
            memcpy(&namesz, p + offset, 4);
            memcpy(&descsz, p + offset + 4, 4);
            memcpy(&type, p + offset + 8, 4);
            size_t name = offset + 12, desc = name + ((namesz + 3) & ~3u);
            if (type == NT_GNU_BUILD_ID && namesz == 4 && memcmp(p + name, "GNU", 4) == 0 && desc + descsz <= ph->p_memsz) {
                size_t n = 0;
                for (uint32_t k = 0; k < descsz && n + 3 <= s->capacity; k++, n += 2) snprintf(s->out + n, 3, "%02x", p[desc + k]);
                s->length = n;
                return 1;
            }
            offset = desc + ((descsz + 3) & ~3u);
        }
    }
    return 1; /* the first object is the main program: stop after it */
}

size_t reportgen_executable_build_id(char *out, size_t capacity) {
    struct search s = { out, capacity, 0 };
    if (capacity > 0) out[0] = 0;
    dl_iterate_phdr(visit, &s);
    return s.length;
}
