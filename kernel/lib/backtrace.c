/*
 * Frame-pointer stack walk.  The kernel is built with -fno-omit-frame-pointer,
 * so each frame starts with [saved rbp][return address].  A corrupt stack
 * must not fault in here (we are usually already handling a fault), so every
 * frame is checked before it is read: aligned, mapped, moving up the stack,
 * and the return address inside the kernel text.
 */
#include "lib/backtrace.h"
#include "lib/kprintf.h"
#include "mm/vm.h"

#define MAX_FRAMES 24

/* The symbol table: generated from the pass-1 kernel.elf (build.mk). */
struct ksym {
    uint64_t addr;
    uint32_t name;                /* offset into ksym_names */
    uint32_t reserved;
};
extern const struct ksym ksym_table[];
extern const uint64_t ksym_count;
extern const char ksym_names[];
extern char __text_start[], __text_end[];

static int in_text(uint64_t a)
{
    return a >= (uint64_t)(uintptr_t)__text_start && a < (uint64_t)(uintptr_t)__text_end;
}

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
    if (!in_text(addr) || ksym_count == 0 || addr < ksym_table[0].addr)
        return NULL;
    uint64_t lo = 0, hi = ksym_count;   /* table sorted by address */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksym_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksym_table[lo].addr;
    return ksym_names + ksym_table[lo].name;
}

static void print_frame(unsigned n, uint64_t rip)
{
    uint64_t off;
    const char *name = ksym_lookup(rip, &off);
    if (name)
        kprintf("  #%u %016lx %s+0x%lx\n", n, rip, name, off);
    else
        kprintf("  #%u %016lx\n", n, rip);
}

static int frame_readable(uint64_t rbp)
{
    if ((rbp & 7) || rbp < DIRECT_MAP_BASE)
        return 0;
    return virt_to_phys((const void *)(uintptr_t)rbp) != VM_NOT_MAPPED &&
           virt_to_phys((const void *)(uintptr_t)(rbp + 15)) != VM_NOT_MAPPED;
}

volatile int backtrace_printed;

void backtrace_print(uint64_t rip, uint64_t rbp)
{
    backtrace_printed = 1;
    kprintf("hv: stack trace:\n");
    unsigned n = 0;
    print_frame(n++, rip);
    while (n < MAX_FRAMES && frame_readable(rbp)) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        uint64_t ret = frame[1], next = frame[0];
        if (!in_text(ret))
            break;
        /* The call sits just before the return address. */
        print_frame(n++, ret - 1);
        if (next <= rbp)
            break;
        rbp = next;
    }
}

__attribute__((noinline)) void backtrace_here(void)
{
    const uint64_t *frame = __builtin_frame_address(0);
    backtrace_print(frame[1] - 1, frame[0]);
}
