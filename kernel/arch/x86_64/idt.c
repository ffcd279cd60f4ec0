/*
 * The IDT, shared by all CPUs: every vector goes to its stub in isr.S and
 * from there to trap_dispatch().  #DF, NMI and #MC switch to an IST stack
 * (gdt.c), so they work even on a broken kernel stack.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/gdt.h"

struct idt_gate {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type;                 /* 0x8E: present, DPL 0, 64-bit interrupt gate */
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t zero;
} __attribute__((packed));

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern char isr_stubs[];          /* isr.S: 256 stubs, 16 bytes each */

static struct idt_gate idt[256] __attribute__((aligned(16)));

static uint8_t ist_for(unsigned vec)
{
    switch (vec) {
    case 8:  return 1;            /* #DF */
    case 2:  return 2;            /* NMI */
    case 18: return 3;            /* #MC */
    default: return 0;
    }
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)(uintptr_t)(isr_stubs + 16 * v);
        idt[v] = (struct idt_gate){
            .off_lo = a & 0xFFFF, .sel = SEL_KCODE, .ist = ist_for(v), .type = 0x8E,
            .off_mid = (a >> 16) & 0xFFFF, .off_hi = a >> 32, .zero = 0,
        };
    }
}

void idt_load(void)
{
    struct idt_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(p));
}
