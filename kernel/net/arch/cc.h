/* lwIP's compiler and platform description for hv: x86-64, little endian,
 * freestanding (no stdio, inttypes, ctype), diagnostics through kprintf. */
#ifndef HV_NET_ARCH_CC_H
#define HV_NET_ARCH_CC_H

#include <stdint.h>
#include <stddef.h>

#define BYTE_ORDER LITTLE_ENDIAN

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H    1
#define LWIP_NO_LIMITS_H   1        /* gcc's limits.h wants a libc's under it */
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* Used by the shims below; defined in kernel/lib/kprintf.c. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define LWIP_PLATFORM_DIAG(x) do { kprintf x; } while (0)
/* An lwIP assertion is a broken invariant inside the stack. */
#define LWIP_PLATFORM_ASSERT(x) panic("lwip: assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)

/* lwIP's pseudo-random numbers (ports, ISNs, DHCP xid): kernel/net/sys_arch.c. */
uint32_t hv_net_rand(void);
#define LWIP_RAND() hv_net_rand()

#endif
