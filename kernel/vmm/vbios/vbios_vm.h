/* hv's virtual BIOS wired into VMs: VMs that boot a disk (and the bioscall
 * test guest) get one; vm_start calls this to put it in place.  The services themselves are vbios.h.
 * Owner: vbios.
 */
#ifndef HV_VMM_VBIOS_VM_H
#define HV_VMM_VBIOS_VM_H

struct vm;

/* vm_start, after the vCPU is at its reset state: for a VM with a virtual
 * BIOS, installs it in guest memory, claims its ports, programs the PIC and
 * PIT as a BIOS leaves them, loads the disk's MBR at 0x7C00 when the VM
 * has a disk, and sets DL = 0x80.  0 (also for VMs without one) or a
 * negative error, with the reason printed. */
int vbios_attach(struct vm *vm);

/* Frees what vbios_attach allocated (nothing for VMs without a BIOS). */
void vbios_detach(struct vm *vm);

/* The VM's ACPI power button (soft stop): any CPU; the vCPU raises the
 * SCI before its next entry. */
void vbios_power_button(struct vm *vm);

#endif
