/* The local APIC model (see lapic.h).  Register offsets and bit meanings
 * follow the Intel SDM vol. 3 ch. 11; the timer's count is a pure function
 * of the clock since it was loaded, like the PIT's. */
#include "vmm/dev/lapic.h"
#include "lib/errno.h"
#include "lib/string.h"

#define R_ID      0x020
#define R_VER     0x030
#define R_TPR     0x080
#define R_APR     0x090
#define R_PPR     0x0A0
#define R_EOI     0x0B0
#define R_LDR     0x0D0
#define R_DFR     0x0E0
#define R_SVR     0x0F0
#define R_ISR     0x100
#define R_TMR     0x180
#define R_IRR     0x200
#define R_ESR     0x280
#define R_CMCI    0x2F0
#define R_ICR_LO  0x300
#define R_ICR_HI  0x310
#define R_LVT0    0x320   /* timer, thermal, perf, LINT0, LINT1, error: 0x320..0x370 */
#define R_TIMER_INIT 0x380
#define R_TIMER_CUR  0x390
#define R_TIMER_DIV  0x3E0

#define SVR_ENABLE    (1u << 8)
#define LVT_MASKED    (1u << 16)
#define LVT_PERIODIC  (1u << 17)
#define LVT_DM(x)     (((x) >> 8) & 7)
#define DM_FIXED      0
#define DM_EXTINT     7
#define ICR_SHORT(x)  (((x) >> 18) & 3)
#define BASE_BSP      (1ull << 8)
#define BASE_X2APIC   (1ull << 10)
#define BASE_ENABLE   (1ull << 11)
#define BASE_ADDR     0x0000000FFFFFF000ull

/* Bits each LVT keeps (vector, delivery mode, polarity, trigger, mask, timer mode). */
static const uint32_t lvt_bits[VLAPIC_LVTS] = {
    [VLAPIC_LVT_TIMER] = 0x300FF, [VLAPIC_LVT_THERMAL] = 0x107FF, [VLAPIC_LVT_PERF] = 0x107FF,
    [VLAPIC_LVT_LINT0] = 0x1A7FF, [VLAPIC_LVT_LINT1] = 0x1A7FF, [VLAPIC_LVT_ERROR] = 0x100FF,
    [VLAPIC_LVT_CMCI] = 0x107FF,
};

static bool sw_enabled(const struct vlapic *l)
{
    return l->global_enable && (l->svr & SVR_ENABLE);
}

static int highest(const uint32_t *bits)
{
    for (int i = 7; i >= 0; i--)
        if (bits[i])
            return i * 32 + 31 - __builtin_clz(bits[i]);
    return -1;
}

static void set_bit(uint32_t *bits, uint8_t v) { bits[v / 32] |= 1u << (v % 32); }
static void clr_bit(uint32_t *bits, uint8_t v) { bits[v / 32] &= ~(1u << (v % 32)); }

static uint32_t ppr(const struct vlapic *l)
{
    int isr = highest(l->isr);
    uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr;
    return (l->tpr & 0xF0) >= (isrv & 0xF0) ? l->tpr & 0xFF : isrv & 0xF0;
}

/* Divide configuration: bits 0, 1 and 3 -> 2, 4, ..., 128, or 1 for 0b111. */
static uint64_t divisor(const struct vlapic *l)
{
    uint32_t d = (l->timer_div & 3) | ((l->timer_div >> 1) & 4);
    return d == 7 ? 1 : 2ull << d;
}

static uint64_t tick_ns(const struct vlapic *l)
{
    return divisor(l) * (1000000000ull / VLAPIC_BUS_HZ);
}

void vlapic_init(struct vlapic *l, uint32_t id, struct vdev_clock clock)
{
    memset(l, 0, sizeof(*l));
    l->id = id;
    l->base = VLAPIC_BASE_DEFAULT;
    l->global_enable = true;
    l->bsp = id == 0;
    l->dfr = 0xFFFFFFFFu;
    l->svr = 0xFF;
    for (unsigned i = 0; i < VLAPIC_LVTS; i++)
        l->lvt[i] = LVT_MASKED;
    l->clock = clock;
}

uint64_t vlapic_msr_read(const struct vlapic *l)
{
    return l->base | (l->global_enable ? BASE_ENABLE : 0) | (l->bsp ? BASE_BSP : 0);
}

int vlapic_msr_write(struct vlapic *l, uint64_t value)
{
    if (value & ~(BASE_ADDR | BASE_ENABLE | BASE_BSP | BASE_X2APIC))
        return -E_INVAL;
    if ((value & BASE_X2APIC) || (value & BASE_ADDR) != l->base)
        return -E_INVAL;        /* no x2APIC, no relocation: CPUID says neither */
    bool enable = value & BASE_ENABLE;
    if (l->global_enable && !enable) {
        /* Global disable resets the APIC; only a reset brings it back on
         * real hardware, hv lets the guest set the bit again. */
        struct vdev_clock c = l->clock;
        uint32_t id = l->id;
        vlapic_init(l, id, c);
    }
    l->global_enable = enable;
    return 0;
}

static uint32_t timer_current(const struct vlapic *l)
{
    if (!l->timer_init || !l->timer_armed)
        return 0;
    uint64_t now = vdev_now(&l->clock);
    uint64_t ticks = now > l->timer_start ? (now - l->timer_start) / tick_ns(l) : 0;
    if (l->lvt[VLAPIC_LVT_TIMER] & LVT_PERIODIC)
        return l->timer_init - (uint32_t)(ticks % l->timer_init);
    return ticks >= l->timer_init ? 0 : l->timer_init - (uint32_t)ticks;
}

static void timer_load(struct vlapic *l, uint32_t count)
{
    l->timer_init = count;
    l->timer_start = vdev_now(&l->clock);
    l->timer_armed = count != 0;
    l->timer_fire = l->timer_start + (uint64_t)count * tick_ns(l);
}

void vlapic_update(struct vlapic *l)
{
    if (!l->timer_armed)
        return;
    uint64_t now = vdev_now(&l->clock);
    if (now < l->timer_fire)
        return;
    if (l->lvt[VLAPIC_LVT_TIMER] & LVT_PERIODIC) {
        uint64_t period = (uint64_t)l->timer_init * tick_ns(l);
        uint64_t n = (now - l->timer_fire) / period + 1;
        l->timer_missed += n - 1;
        l->timer_fire += n * period;
    } else {
        l->timer_armed = false;
    }
    uint32_t lvt = l->lvt[VLAPIC_LVT_TIMER];
    if (sw_enabled(l) && !(lvt & LVT_MASKED) && (lvt & 0xFF) >= 16) {
        set_bit(l->irr, (uint8_t)lvt);
        clr_bit(l->tmr, (uint8_t)lvt);
        l->timer_fired++;
    }
}

int vlapic_pending(const struct vlapic *l)
{
    if (!sw_enabled(l))
        return -1;
    int v = highest(l->irr);
    if (v < 0 || ((uint32_t)v & 0xF0) <= (ppr(l) & 0xF0))
        return -1;
    return v;
}

void vlapic_ack(struct vlapic *l, uint8_t vec)
{
    clr_bit(l->irr, vec);
    set_bit(l->isr, vec);
}

void vlapic_accept(struct vlapic *l, uint8_t vec)
{
    if (vec < 16) {
        l->esr |= 1u << 6;      /* "send illegal vector" */
        return;
    }
    set_bit(l->irr, vec);
    clr_bit(l->tmr, vec);
}

bool vlapic_accepts_pic(const struct vlapic *l)
{
    if (!sw_enabled(l))
        return true;
    uint32_t lint0 = l->lvt[VLAPIC_LVT_LINT0];
    return !(lint0 & LVT_MASKED) && LVT_DM(lint0) == DM_EXTINT;
}

uint64_t vlapic_next_deadline(const struct vlapic *l)
{
    if (!l->timer_armed || (l->lvt[VLAPIC_LVT_TIMER] & LVT_MASKED) || !sw_enabled(l))
        return VDEV_NO_DEADLINE;
    return l->timer_fire;
}

static int lvt_index(uint32_t off)
{
    if (off == R_CMCI)
        return VLAPIC_LVT_CMCI;
    if (off >= R_LVT0 && off <= 0x370)
        return (int)((off - R_LVT0) >> 4);
    return -1;
}

uint32_t vlapic_reg_read(struct vlapic *l, uint32_t off)
{
    int lvt = lvt_index(off);
    if (lvt >= 0)
        return l->lvt[lvt];
    if (off >= R_ISR && off < R_ISR + 0x80)
        return l->isr[(off - R_ISR) >> 4];
    if (off >= R_TMR && off < R_TMR + 0x80)
        return l->tmr[(off - R_TMR) >> 4];
    if (off >= R_IRR && off < R_IRR + 0x80) {
        vlapic_update(l);
        return l->irr[(off - R_IRR) >> 4];
    }
    switch (off) {
    case R_ID:     return l->id << 24;
    case R_VER:    return 0x14u | (uint32_t)(VLAPIC_LVTS - 1) << 16;   /* integrated APIC */
    case R_TPR:    return l->tpr;
    case R_PPR:    return ppr(l);
    case R_LDR:    return l->ldr;
    case R_DFR:    return l->dfr;
    case R_SVR:    return l->svr;
    case R_ESR:    return l->esr;
    case R_ICR_LO: return l->icr_lo;      /* delivery status: always idle */
    case R_ICR_HI: return l->icr_hi;
    case R_TIMER_INIT: return l->timer_init;
    case R_TIMER_CUR:  return timer_current(l);
    case R_TIMER_DIV:  return l->timer_div;
    default:       return 0;              /* APR, EOI and reserved offsets */
    }
}

/* Fixed IPIs to this vCPU (the self shorthand, or its own ID as the
 * physical destination) are delivered; others have nowhere to go with one
 * vCPU, and INIT/SIPI/NMI are not modelled: ignored. */
static void send_ipi(struct vlapic *l)
{
    uint32_t lo = l->icr_lo;
    if (LVT_DM(lo) != DM_FIXED)
        return;
    unsigned sh = ICR_SHORT(lo);
    bool self = sh == 1 || sh == 2 ||
                (sh == 0 && !(lo & (1u << 11)) && (l->icr_hi >> 24) == (l->id & 0xFF));
    if (self)
        vlapic_accept(l, (uint8_t)lo);
}

void vlapic_reg_write(struct vlapic *l, uint32_t off, uint32_t v)
{
    int lvt = lvt_index(off);
    if (lvt >= 0) {
        uint32_t val = v & lvt_bits[lvt];
        if (!sw_enabled(l))
            val |= LVT_MASKED;  /* a software-disabled APIC keeps every LVT masked */
        if (lvt == VLAPIC_LVT_TIMER && l->timer_armed &&
            ((val ^ l->lvt[lvt]) & LVT_PERIODIC)) {
            l->lvt[lvt] = val;
            timer_load(l, l->timer_init);   /* a mode change restarts the count */
            return;
        }
        l->lvt[lvt] = val;
        return;
    }
    switch (off) {
    case R_TPR:
        l->tpr = v & 0xFF;
        break;
    case R_EOI: {
        int s = highest(l->isr);
        if (s >= 0)
            clr_bit(l->isr, (uint8_t)s);
        break;
    }
    case R_LDR:
        l->ldr = v & 0xFF000000u;
        break;
    case R_DFR:
        l->dfr = v | 0x0FFFFFFFu;
        break;
    case R_SVR:
        l->svr = v & 0x13FF;
        if (!(l->svr & SVR_ENABLE))
            for (unsigned i = 0; i < VLAPIC_LVTS; i++)
                l->lvt[i] |= LVT_MASKED;
        break;
    case R_ESR:
        l->esr = 0;             /* a write latches the (never set) pending errors */
        break;
    case R_ICR_HI:
        l->icr_hi = v & 0xFF000000u;
        break;
    case R_ICR_LO:
        l->icr_lo = v & 0x000CCFFFu;
        send_ipi(l);
        break;
    case R_TIMER_INIT:
        timer_load(l, v);
        break;
    case R_TIMER_DIV: {
        uint32_t cur = timer_current(l);
        l->timer_div = v & 0xB;
        if (l->timer_armed) {   /* keep the count where it is, at the new rate */
            uint32_t init = l->timer_init;
            timer_load(l, cur ? cur : init);
            l->timer_init = init;
        }
        break;
    }
    default:
        break;                  /* ID, version, read-only and reserved offsets */
    }
}

static uint64_t mmio_read(void *dev, uint64_t addr, unsigned size)
{
    struct vlapic *l = dev;
    uint32_t off = (uint32_t)(addr - l->base);
    uint32_t reg = vlapic_reg_read(l, off & 0xFF0);
    unsigned byte = off & 0xF;
    if (byte >= 4)
        return 0;
    uint64_t v = reg >> (byte * 8);
    return size >= 8 ? v : v & ((1ull << (size * 8)) - 1);
}

static void mmio_write(void *dev, uint64_t addr, unsigned size, uint64_t value)
{
    struct vlapic *l = dev;
    uint32_t off = (uint32_t)(addr - l->base);
    /* Registers take aligned 32-bit writes; anything else is undefined on
     * hardware and dropped here. */
    if ((off & 0xF) || size < 4)
        return;
    vlapic_reg_write(l, off, (uint32_t)value);
}

static const struct iobus_ops vlapic_ops = { mmio_read, mmio_write };

int vlapic_attach(struct vlapic *l, struct iobus *bus)
{
    return iobus_register(bus, IOBUS_MMIO, l->base, 4096, &vlapic_ops, l, 0, "lapic");
}
