/* One read of the host's MC146818 clock (see host_rtc.h). */
#include "vmm/host_rtc.h"
#include <stdbool.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/spinlock.h"
#include "dev/timer.h"

#define RTC_INDEX 0x70
#define RTC_DATA  0x71
#define NMI_OFF   0x80      /* keep NMIs masked while an index is selected, as BIOSes do */

static spinlock_t lock = SPINLOCK_INIT;
static bool have;
static uint64_t base_s;     /* Unix seconds at base_ns */
static uint64_t base_ns;    /* timer_now_ns() when the clock was read */

static uint8_t rd(uint8_t reg)
{
    outb(RTC_INDEX, NMI_OFF | reg);
    return inb(RTC_DATA);
}

static unsigned bin(uint8_t v, bool bcd)
{
    return bcd ? (v >> 4) * 10u + (v & 0xFu) : v;
}

/* Days since 1970-01-01 of a Gregorian date (month 1..12). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    uint64_t yoe = (uint64_t)(y - era * 400);
    uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Reads until two reads agree, so no update cycle tears the values. */
static uint64_t read_cmos_unix(void)
{
    uint8_t a[7], b[7];
    for (unsigned tries = 0; tries < 8; tries++) {
        for (unsigned spin = 0; spin < 100000 && (rd(0x0A) & 0x80); spin++)
            cpu_pause();
        static const uint8_t regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
        for (unsigned i = 0; i < 7; i++)
            a[i] = rd(regs[i]);
        for (unsigned i = 0; i < 7; i++)
            b[i] = rd(regs[i]);
        bool same = true;
        for (unsigned i = 0; i < 7; i++)
            same &= a[i] == b[i];
        if (same)
            break;
    }
    uint8_t regb = rd(0x0B);
    bool bcd = !(regb & 0x04), h24 = regb & 0x02;
    unsigned sec = bin(a[0], bcd), min = bin(a[1], bcd);
    unsigned hour = bin(a[2] & 0x7F, bcd);
    if (!h24) {
        hour %= 12;
        if (a[2] & 0x80)
            hour += 12;
    }
    unsigned day = bin(a[3], bcd), mon = bin(a[4], bcd), year = bin(a[5], bcd);
    unsigned century = bin(a[6], bcd);
    year += (century >= 19 && century <= 99) ? century * 100 : 2000;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59)
        return 0;               /* nonsense: the epoch, rather than garbage */
    int64_t days = days_from_civil(year, mon, day);
    return days < 0 ? 0 : (uint64_t)days * 86400 + hour * 3600u + min * 60u + sec;
}

uint64_t host_wallclock_ns(void)
{
    uint64_t f = spin_lock_irqsave(&lock);
    if (!have) {
        base_s = read_cmos_unix();
        base_ns = timer_now_ns();
        have = true;
    }
    spin_unlock_irqrestore(&lock, f);
    return base_s * 1000000000ull + (timer_now_ns() - base_ns);
}
