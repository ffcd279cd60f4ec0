/*
 * The emulated MC146818.  Time registers are computed from the clock on
 * every read rather than ticked, so the device is free while idle.  Dates
 * count from 1900-01-01 (a Monday); the guest's writes move an offset, so
 * its clock keeps running from whatever it set.
 */
#include "vmm/dev/cmos.h"
#include "lib/string.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

enum {
    R_SEC = 0x00, R_MIN = 0x02, R_HOUR = 0x04, R_WDAY = 0x06, R_MDAY = 0x07,
    R_MON = 0x08, R_YEAR = 0x09, R_A = 0x0A, R_B = 0x0B, R_C = 0x0C, R_D = 0x0D,
    R_CENTURY = 0x32,
};

#define A_UIP   0x80
#define B_SET   0x80
#define B_PIE   0x40
#define B_AIE   0x20
#define B_UIE   0x10
#define B_BIN   0x04
#define B_24H   0x02
#define C_IRQF  0x80
#define C_PF    0x40
#define C_AF    0x20
#define C_UF    0x10

#define NS_PER_S     1000000000ull
#define UIP_NS       244000ull          /* UIP is set this long before each update */
#define EPOCH_1900   2208988800ll       /* seconds from 1900-01-01 to 1970-01-01 */
#define MAX_SECONDS  (8100ll * 366 * 86400)   /* past year 9999: clamp */

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
    static const uint8_t d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return d[m - 1] + (m == 2 && leap(y));
}

struct tm_rtc { unsigned sec, min, hour, wday, mday, mon, year; };

static void to_date(int64_t t, struct tm_rtc *tm)
{
    if (t < 0)
        t = 0;
    if (t > MAX_SECONDS)
        t = MAX_SECONDS;
    uint64_t days = (uint64_t)t / 86400, s = (uint64_t)t % 86400;
    tm->sec = (unsigned)(s % 60);
    tm->min = (unsigned)(s / 60 % 60);
    tm->hour = (unsigned)(s / 3600);
    tm->wday = (unsigned)((days + 1) % 7) + 1;          /* 1 = Sunday */
    unsigned y = 1900, m = 1;
    while (days >= 365u + leap(y))
        days -= 365u + leap(y++);
    while (days >= month_days(y, m))
        days -= month_days(y, m++);
    tm->mday = (unsigned)days + 1;
    tm->mon = m;
    tm->year = y;
}

static int64_t from_date(const struct tm_rtc *tm)
{
    int64_t days = 0;
    for (unsigned y = 1900; y < tm->year; y++)
        days += 365 + leap(y);
    for (unsigned m = 1; m < tm->mon; m++)
        days += month_days(tm->year, m);
    days += tm->mday - 1;
    return days * 86400 + tm->hour * 3600 + tm->min * 60 + tm->sec;
}

static uint8_t to_bcd(unsigned v) { return (uint8_t)((v / 10 % 10) << 4 | v % 10); }
static unsigned from_bcd(uint8_t v) { return (v >> 4) * 10 + (v & 15); }

static uint8_t enc(const struct vcmos *c, unsigned v)
{
    return (c->ram[R_B] & B_BIN) ? (uint8_t)v : to_bcd(v);
}

static unsigned dec(const struct vcmos *c, uint8_t v)
{
    return (c->ram[R_B] & B_BIN) ? v : from_bcd(v);
}

static unsigned clamp(unsigned v, unsigned lo, unsigned hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t now_ns(const struct vcmos *c) { return vdev_now(&c->clock); }

static int64_t guest_seconds(const struct vcmos *c)
{
    return (int64_t)(now_ns(c) / NS_PER_S) + EPOCH_1900 + c->offset;
}

/* Writes the running clock into the time registers, in the guest's format. */
static void snapshot(struct vcmos *c)
{
    struct tm_rtc tm;
    to_date(guest_seconds(c), &tm);
    c->ram[R_SEC] = enc(c, tm.sec);
    c->ram[R_MIN] = enc(c, tm.min);
    if (c->ram[R_B] & B_24H)
        c->ram[R_HOUR] = enc(c, tm.hour);
    else
        c->ram[R_HOUR] = (uint8_t)(enc(c, tm.hour % 12 ? tm.hour % 12 : 12) |
                                   (tm.hour >= 12 ? 0x80 : 0));
    c->ram[R_WDAY] = enc(c, tm.wday);
    c->ram[R_MDAY] = enc(c, tm.mday);
    c->ram[R_MON] = enc(c, tm.mon);
    c->ram[R_YEAR] = enc(c, tm.year % 100);
    c->ram[R_CENTURY] = enc(c, tm.year / 100);
}

/* The guest set the clock: keep the difference from the host's. */
static void commit(struct vcmos *c)
{
    struct tm_rtc tm;
    uint8_t h = c->ram[R_HOUR];
    tm.sec = clamp(dec(c, c->ram[R_SEC]), 0, 59);
    tm.min = clamp(dec(c, c->ram[R_MIN]), 0, 59);
    if (c->ram[R_B] & B_24H) {
        tm.hour = clamp(dec(c, h), 0, 23);
    } else {
        tm.hour = clamp(dec(c, h & 0x7F), 1, 12) % 12 + ((h & 0x80) ? 12 : 0);
    }
    tm.year = clamp(dec(c, c->ram[R_CENTURY]) * 100 + clamp(dec(c, c->ram[R_YEAR]), 0, 99),
                    1900, 9999);
    tm.mon = clamp(dec(c, c->ram[R_MON]), 1, 12);
    tm.mday = clamp(dec(c, c->ram[R_MDAY]), 1, month_days(tm.year, tm.mon));
    c->offset = from_date(&tm) - (int64_t)(now_ns(c) / NS_PER_S) - EPOCH_1900;
}

static bool is_time_reg(unsigned idx)
{
    return idx <= R_YEAR || idx == R_CENTURY;
}

static bool running(const struct vcmos *c)
{
    return !(c->ram[R_B] & B_SET) && (c->ram[R_A] & 0x70) == 0x20;
}

/* Periodic interrupt rate from register A: 0 = off. */
static uint64_t periodic_hz(const struct vcmos *c)
{
    unsigned rs = c->ram[R_A] & 15;
    if (rs == 0 || (c->ram[R_A] & 0x70) != 0x20)
        return 0;
    return rs < 3 ? 32768 >> (8 - rs) : 65536 >> rs;   /* 1, 2 act as 8, 9 */
}

static uint64_t periods(uint64_t ns, uint64_t hz)
{
    return (ns / NS_PER_S) * hz + (ns % NS_PER_S) * hz / NS_PER_S;
}

static void update_irq(struct vcmos *c)
{
    uint8_t f = c->ram[R_C] & c->ram[R_B] & (C_PF | C_AF | C_UF);
    c->ram[R_C] = (uint8_t)((c->ram[R_C] & ~C_IRQF) | (f ? C_IRQF : 0));
    bool level = f != 0;
    if (level != c->irq_level) {
        c->irq_level = level;
        vdev_irq_set(&c->irq8, level);
    }
}

static bool alarm_matches(struct vcmos *c)
{
    /* 0xC0-0xFF in an alarm register means "any". */
    static const uint8_t pairs[3][2] = { { 1, R_SEC }, { 3, R_MIN }, { 5, R_HOUR } };
    for (int i = 0; i < 3; i++) {
        uint8_t a = c->ram[pairs[i][0]];
        if ((a & 0xC0) != 0xC0 && a != c->ram[pairs[i][1]])
            return false;
    }
    return true;
}

void vcmos_update(struct vcmos *c)
{
    uint64_t ns = now_ns(c), hz = periodic_hz(c);
    if (hz) {
        uint64_t p = periods(ns, hz);
        if (p > c->last_period)
            c->ram[R_C] |= C_PF;
        c->last_period = p;
    }
    if (running(c) && ns / NS_PER_S > c->last_second) {
        c->last_second = ns / NS_PER_S;
        c->ram[R_C] |= C_UF;
        snapshot(c);
        if (alarm_matches(c))
            c->ram[R_C] |= C_AF;
    }
    update_irq(c);
}

uint64_t vcmos_next_deadline(struct vcmos *c)
{
    if (c->irq_level)
        return VDEV_NO_DEADLINE;      /* nothing new until register C is read */
    uint64_t best = VDEV_NO_DEADLINE, hz = periodic_hz(c);
    /* The guards keep a clock near the end of time from wrapping. */
    if (hz && (c->ram[R_B] & B_PIE) && (c->last_period + 1) / hz < UINT64_MAX / NS_PER_S) {
        uint64_t p = c->last_period + 1;
        best = (p / hz) * NS_PER_S + ((p % hz) * NS_PER_S + hz - 1) / hz;
    }
    if (running(c) && (c->ram[R_B] & (B_UIE | B_AIE)) &&
        c->last_second + 1 < UINT64_MAX / NS_PER_S) {
        uint64_t next = (c->last_second + 1) * NS_PER_S;
        if (next < best)
            best = next;
    }
    return best;
}

void vcmos_init(struct vcmos *c, struct vdev_clock wallclock, struct vdev_irq irq8,
                uint64_t ram_below_4g, uint64_t ram_above_4g)
{
    memset(c, 0, sizeof *c);
    c->clock = wallclock;
    c->irq8 = irq8;
    c->ram[R_A] = 0x26;               /* 32.768 kHz divider, 1024 Hz rate */
    c->ram[R_B] = B_24H;              /* BCD, 24-hour: what BIOSes set */
    c->ram[R_D] = 0x80;               /* battery good */
    c->last_second = now_ns(c) / NS_PER_S;
    c->last_period = periods(now_ns(c), periodic_hz(c));

    uint64_t ext_kb = ram_below_4g > (1u << 20) ? (ram_below_4g - (1u << 20)) / 1024 : 0;
    uint64_t hi16 = ram_below_4g > (16u << 20) ? (ram_below_4g - (16u << 20)) >> 16 : 0;
    uint64_t hi4g = ram_above_4g >> 16;
    if (ext_kb > 0xFFFF)
        ext_kb = 0xFFFF;
    if (hi16 > 0xFFFF)
        hi16 = 0xFFFF;
    if (hi4g > 0xFFFFFF)
        hi4g = 0xFFFFFF;
    c->ram[0x15] = 640 & 0xFF;
    c->ram[0x16] = 640 >> 8;
    c->ram[0x17] = c->ram[0x30] = (uint8_t)ext_kb;
    c->ram[0x18] = c->ram[0x31] = (uint8_t)(ext_kb >> 8);
    c->ram[0x34] = (uint8_t)hi16;
    c->ram[0x35] = (uint8_t)(hi16 >> 8);
    c->ram[0x5B] = (uint8_t)hi4g;
    c->ram[0x5C] = (uint8_t)(hi4g >> 8);
    c->ram[0x5D] = (uint8_t)(hi4g >> 16);
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += c->ram[i];
    c->ram[0x2E] = (uint8_t)(sum >> 8);
    c->ram[0x2F] = (uint8_t)sum;
    snapshot(c);
}

void vcmos_set_ram(struct vcmos *c, unsigned idx, uint8_t val)
{
    if (idx >= 0x0E && idx < VCMOS_SIZE && idx != R_CENTURY)
        c->ram[idx] = val;
}

static uint8_t read_data(struct vcmos *c)
{
    unsigned i = c->index;
    vcmos_update(c);
    if (is_time_reg(i) && !(c->ram[R_B] & B_SET))
        snapshot(c);
    switch (i) {
    case R_A: {
        uint64_t frac = now_ns(c) % NS_PER_S;
        bool uip = running(c) && frac >= NS_PER_S - UIP_NS;
        return (uint8_t)((c->ram[R_A] & 0x7F) | (uip ? A_UIP : 0));
    }
    case R_C: {
        uint8_t v = c->ram[R_C];
        c->ram[R_C] = 0;
        update_irq(c);
        return v;
    }
    default:
        return c->ram[i];
    }
}

static void write_data(struct vcmos *c, uint8_t val)
{
    unsigned i = c->index;
    vcmos_update(c);
    if (is_time_reg(i)) {
        bool frozen = c->ram[R_B] & B_SET;
        if (!frozen)
            snapshot(c);              /* the other fields keep running values */
        c->ram[i] = val;
        if (!frozen)
            commit(c);
        return;
    }
    switch (i) {
    case R_A:
        c->ram[R_A] = val & 0x7F;
        c->last_period = periods(now_ns(c), periodic_hz(c));
        break;
    case R_B: {
        bool was_set = c->ram[R_B] & B_SET;
        if (val & B_SET) {
            val &= (uint8_t)~B_UIE;   /* SET clears UIE on the part */
            if (!was_set)
                snapshot(c);
        }
        c->ram[R_B] = val;
        if (was_set && !(val & B_SET)) {
            commit(c);
            c->last_second = now_ns(c) / NS_PER_S;
        }
        break;
    }
    case R_C: case R_D: break;        /* read-only */
    default: c->ram[i] = val; break;
    }
    update_irq(c);
}

static uint64_t cmos_read(void *dev, uint64_t port, unsigned size)
{
    (void)size;
    return port == CMOS_INDEX ? 0xFF : read_data(dev);   /* the index port is write-only */
}

static void cmos_write(void *dev, uint64_t port, unsigned size, uint64_t value)
{
    struct vcmos *c = dev;
    (void)size;
    if (port == CMOS_INDEX) {
        c->index = value & 0x7F;
        c->nmi_disabled = value & 0x80;
    } else {
        write_data(c, (uint8_t)value);
    }
}

static const struct iobus_ops vcmos_ops = { .read = cmos_read, .write = cmos_write };

int vcmos_attach(struct vcmos *c, struct iobus *bus)
{
    return iobus_register(bus, IOBUS_PIO, CMOS_INDEX, 2, &vcmos_ops, c, 1, "cmos");
}
