/* The built-in test guests, by name (see builtin.c).  Owner: vmm. */
#ifndef HV_VMM_BUILTIN_H
#define HV_VMM_BUILTIN_H

#include <stdint.h>

struct builtin_guest {
    const char *name;
    const uint8_t *start, *end;        /* start == end: not built */
    unsigned mem_mib;
};

const struct builtin_guest *builtin_guest_find(const char *name);
/* The i-th guest, NULL past the end. */
const struct builtin_guest *builtin_guest_at(unsigned i);

#endif
