/* BL's tiny runtime: memory functions and port I/O. */
#ifndef HV_BL_LIB_H
#define HV_BL_LIB_H

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Physical memory is identity-mapped in BL: an address is a pointer.  The
 * empty asm hides the constant from gcc, which otherwise warns that small
 * addresses such as 0x46C point outside any object. */
static inline void *phys(uint32_t addr)
{
    __asm__("" : "+r"(addr));
    return (void *)(uintptr_t)addr;
}

_Noreturn void bl_halt(void);
/* entry.S */
void bl_enter_kernel(uint32_t entry, uint32_t magic, uint32_t bootinfo);

#endif
