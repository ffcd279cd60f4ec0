/* What lwIP needs from the system with NO_SYS: a millisecond clock and
 * random numbers. */
#include <stdint.h>
#include "lwip/sys.h"
#include "arch/x86_64/cpu.h"
#include "dev/timer.h"

u32_t sys_now(void)
{
    return (u32_t)(timer_now_ns() / 1000000u);
}

/* xorshift64*, seeded from the TSC on first use: unpredictable enough
 * for ports, TCP initial sequence numbers and DHCP transaction ids on a
 * management LAN; not for anything cryptographic. */
uint32_t hv_net_rand(void)
{
    static uint64_t s;
    if (s == 0)
        s = rdtsc() | 1;
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return (uint32_t)((s * 0x2545F4914F6CDD1Dull) >> 32);
}
