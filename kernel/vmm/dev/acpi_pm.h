/* The ACPI fixed-hardware power management block a guest's OS drives: PM1a
 * event (status/enable) and control registers and the PM timer, at the
 * ports the virtual BIOS's FADT names (vbios_layout.h).  The power button
 * sets PWRBTN_STS and raises the SCI while enabled; SLP_TYP 5 with SLP_EN
 * is the guest's "power off".  Plain C, driven by port reads and writes.
 * Owner: vmm.
 *
 * Usage:
 *     vpm_init(&pm, base, clock, sci_line, off_cb, ctx);  vpm_attach(&pm, &bus);
 *     vpm_press_power_button(&pm);        the VM's soft stop
 */
#ifndef HV_VMM_DEV_ACPI_PM_H
#define HV_VMM_DEV_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>
#include "vmm/dev/vdev.h"

struct iobus;

/* Register offsets from the block's base. */
#define VPM_STS      0x0     /* PM1a_STS, 16 bits, write 1 to clear */
#define VPM_EN       0x2     /* PM1a_EN, 16 bits */
#define VPM_CNT      0x4     /* PM1a_CNT, 16 bits */
#define VPM_TMR      0x8     /* PM_TMR, 32 bits (24 significant), 3.579545 MHz */
#define VPM_LEN      0xC

#define VPM_PWRBTN   (1u << 8)    /* STS and EN */
#define VPM_SCI_EN   (1u << 0)    /* CNT */
#define VPM_SLP_EN   (1u << 13)   /* CNT */
#define VPM_SLP_TYP(cnt) (((cnt) >> 10) & 7)
#define VPM_S5_TYP   5            /* the \_S5 package the DSDT gives */

struct vpm {
    uint16_t base;
    uint16_t sts, en, cnt;
    struct vdev_clock clock;
    struct vdev_irq sci;
    bool sci_level;
    void (*power_off)(void *ctx);   /* the guest entered S5 */
    void *ctx;
    uint64_t presses;
};

void vpm_init(struct vpm *pm, uint16_t base, struct vdev_clock clock, struct vdev_irq sci,
              void (*power_off)(void *ctx), void *ctx);
int vpm_attach(struct vpm *pm, struct iobus *bus);
void vpm_press_power_button(struct vpm *pm);
uint64_t vpm_read(struct vpm *pm, uint16_t port, unsigned size);
void vpm_write(struct vpm *pm, uint16_t port, unsigned size, uint64_t value);

#endif
