/* The built-in test guests (tests/guests/NAME.asm, embedded by guests.S) as
 * VMs: small, not persistent, defined at every boot in hypervisor mode so
 * the system tests and benchmarks find them.  A new guest is one line in
 * guests.S and one row here. */
#include "vmm/builtin.h"
#include "lib/kprintf.h"
#include "vmm/vmm.h"

#define GUEST(n) extern const uint8_t guest_##n[], guest_##n##_end[];
GUEST(hello) GUEST(hostile) GUEST(triple) GUEST(spin) GUEST(timer) GUEST(cmos)
GUEST(kbc) GUEST(mmio) GUEST(tick) GUEST(bioscall)
GUEST(msrs) GUEST(badcall) GUEST(flood) GUEST(exitbench)
GUEST(vblk)
GUEST(keys)
#undef GUEST

#define ROW(n) { #n, guest_##n, guest_##n##_end, 2 }
static const struct builtin_guest table[] = {
    ROW(hello), ROW(hostile), ROW(triple), ROW(spin), ROW(timer), ROW(cmos),
    ROW(kbc), ROW(mmio), ROW(tick),
    ROW(msrs), ROW(badcall), ROW(flood), ROW(exitbench),
    ROW(vblk), ROW(keys),
    /* Through the virtual BIOS, with room for its 3 MiB framebuffer. */
    { "bioscall", guest_bioscall, guest_bioscall_end, 16 },
};
#undef ROW

const struct builtin_guest *builtin_guest_find(const char *name)
{
    for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const char *a = table[i].name, *b = name;
        while (*a && *a == *b)
            a++, b++;
        if (*a == *b)
            return &table[i];
    }
    return NULL;
}

const struct builtin_guest *builtin_guest_at(unsigned i)
{
    return i < sizeof(table) / sizeof(table[0]) ? &table[i] : NULL;
}
