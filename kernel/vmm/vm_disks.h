/* A running VM's disks: every `disk = PATH[,readonly]` of its definition,
 * opened on the datastore (vdisk_file: raw or fixed VHD, one writer per
 * file) and shown to the guest as a legacy virtio-blk PCI device on the
 * VM's PCI bus (vm->pci): disk i in slot i+1, I/O BAR at 0xC000 + 0x100*i,
 * INTA# on IRQ 11 (disks 0, 2) or 10 (disks 1, 3).  The virtual BIOS's
 * INT 13h serves disk 0 through the same struct vdisk (vm_disk_vdisk), so
 * both see the same bytes and the file is opened once.
 * See docs/storage.md "virtio-blk for guests".  Owner: storage.
 */
#ifndef HV_VMM_VM_DISKS_H
#define HV_VMM_VM_DISKS_H

struct vm;
struct vdisk;

/* At every start, from vm_devices_init (after vm->pci is attached): opens
 * the disks and plugs in their devices.  0 (also for a VM without disks),
 * or a negative error with "vm <name>: cannot use disk <path>: <why>"
 * printed and nothing kept open. */
int vm_attach_disks(struct vm *vm);

/* At teardown: flushes and closes the files (another VM may then open
 * them) and frees the devices.  Safe when nothing is attached. */
void vm_detach_disks(struct vm *vm);

/* Disk i's back end while the VM runs, or NULL (no such disk). */
struct vdisk *vm_disk_vdisk(struct vm *vm, unsigned i);

#endif
