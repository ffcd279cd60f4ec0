/* hv's virtual BIOS wired into VMs: which VMs get one, and what vm_start
 * calls to put it in place.  The services themselves are vbios.h.
 * Owner: vbios.
 */
#ifndef HV_VMM_VBIOS_VM_H
#define HV_VMM_VBIOS_VM_H

struct vm;

/* Defines the VMs that boot through the virtual BIOS (vmm_init calls it
 * after the built-in test VMs): "bioscall" (tests/guests/bioscall.asm with
 * a RAM disk) and "first-os" (GUEST0.VHD from the datastore). */
void vbios_define_vms(void);

/* vm_start, after the vCPU is at its reset state: for a VM with a virtual
 * BIOS, installs it in guest memory, claims its ports, programs the PIC and
 * PIT as a BIOS leaves them, loads the disk's MBR at 0x7C00 when the VM
 * has a disk, and sets DL = 0x80.  0 (also for VMs without one) or a
 * negative error, with the reason printed. */
int vbios_attach(struct vm *vm);

#endif
