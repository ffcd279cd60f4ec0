/* ACPI PM1a block and PM timer (acpi_pm.h). */
#include "vmm/dev/acpi_pm.h"
#include "vmm/iobus.h"

#define PM_TIMER_HZ 3579545ull

/* The SCI is level-triggered: up while an enabled status bit is set. */
static void update_sci(struct vpm *pm)
{
    bool level = (pm->cnt & VPM_SCI_EN) && (pm->sts & pm->en & VPM_PWRBTN);
    if (level != pm->sci_level) {
        pm->sci_level = level;
        vdev_irq_set(&pm->sci, level);
    }
}

void vpm_init(struct vpm *pm, uint16_t base, struct vdev_clock clock, struct vdev_irq sci,
              void (*power_off)(void *ctx), void *ctx)
{
    *pm = (struct vpm){ .base = base, .clock = clock, .sci = sci, .power_off = power_off, .ctx = ctx };
    /* No SMI command port in the FADT: the machine is in ACPI mode from
     * reset, so SCI_EN reads as set. */
    pm->cnt = VPM_SCI_EN;
}

void vpm_press_power_button(struct vpm *pm)
{
    pm->sts |= VPM_PWRBTN;
    pm->presses++;
    update_sci(pm);
}

static uint32_t timer_value(struct vpm *pm)
{
    uint64_t ns = vdev_now(&pm->clock);
    /* Split so the product cannot overflow for centuries of uptime. */
    uint64_t ticks = (ns / 1000000000ull) * PM_TIMER_HZ + (ns % 1000000000ull) * PM_TIMER_HZ / 1000000000ull;
    return (uint32_t)(ticks & 0xFFFFFF);
}

/* One register image at the block's byte offset off, size bytes of it. */
static uint32_t reg_image(struct vpm *pm, unsigned off)
{
    switch (off & ~1u) {
    case VPM_STS: return pm->sts | (uint32_t)pm->en << 16;
    case VPM_EN: return pm->en;
    case VPM_CNT: return pm->cnt;
    case 0x6: return 0;
    default: return timer_value(pm);
    }
}

uint64_t vpm_read(struct vpm *pm, uint16_t port, unsigned size)
{
    unsigned off = (unsigned)(port - pm->base);
    if (off >= VPM_LEN)
        return ~0ull;
    uint32_t v;
    if (off >= VPM_TMR)
        v = timer_value(pm) >> ((off - VPM_TMR) * 8);
    else
        v = reg_image(pm, off & ~1u) >> ((off & 1) * 8);
    if (size == 1)
        return v & 0xFF;
    if (size == 2)
        return v & 0xFFFF;
    return v;
}

static void write16(struct vpm *pm, unsigned off, uint16_t v)
{
    switch (off) {
    case VPM_STS:
        pm->sts &= (uint16_t)~v;             /* write 1 to clear */
        break;
    case VPM_EN:
        pm->en = v & VPM_PWRBTN;             /* the only event hv models */
        break;
    case VPM_CNT:
        pm->cnt = (uint16_t)((v & ~VPM_SLP_EN) | VPM_SCI_EN);
        if ((v & VPM_SLP_EN) && VPM_SLP_TYP(v) == VPM_S5_TYP && pm->power_off)
            pm->power_off(pm->ctx);
        break;
    default:
        break;                               /* reserved and the read-only timer */
    }
    update_sci(pm);
}

void vpm_write(struct vpm *pm, uint16_t port, unsigned size, uint64_t value)
{
    unsigned off = (unsigned)(port - pm->base);
    if (off >= VPM_TMR)
        return;
    if (size >= 4) {
        /* A dword write to STS also sets EN (the pair is one dword). */
        write16(pm, off & ~1u, (uint16_t)value);
        if ((off & ~1u) == VPM_STS)
            write16(pm, VPM_EN, (uint16_t)(value >> 16));
        else if ((off & ~1u) == VPM_EN)
            write16(pm, VPM_CNT, (uint16_t)(value >> 16));
        return;
    }
    if (size == 2 && !(off & 1)) {
        write16(pm, off, (uint16_t)value);
        return;
    }
    /* A byte: merge it into the 16-bit register it belongs to. */
    unsigned reg = off & ~1u, shift = (off & 1) * 8;
    uint16_t cur = reg == VPM_STS ? 0 : (uint16_t)reg_image(pm, reg);
    uint16_t v = (uint16_t)((cur & ~(0xFFu << shift)) | ((value & 0xFF) << shift));
    write16(pm, reg, v);
}

static uint64_t ops_read(void *dev, uint64_t addr, unsigned size)
{
    return vpm_read(dev, (uint16_t)addr, size);
}

static void ops_write(void *dev, uint64_t addr, unsigned size, uint64_t value)
{
    vpm_write(dev, (uint16_t)addr, size, value);
}

static const struct iobus_ops vpm_ops = { ops_read, ops_write };

int vpm_attach(struct vpm *pm, struct iobus *bus)
{
    return iobus_register(bus, IOBUS_PIO, pm->base, VPM_LEN, &vpm_ops, pm, 0, "acpi-pm");
}
