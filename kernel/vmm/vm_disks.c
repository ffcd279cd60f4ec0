/* A running VM's disks as virtio-blk devices (vm_disks.h). */
#include "vmm/vm_disks.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "vmm/dev/virtio_blk.h"
#include "vmm/vbios/vdisk_file.h"
#include "vmm/vm.h"

#define DISK_IO_BASE  0xC000
#define DISK_IO_STEP  0x100
#define BOUNCE_BYTES  (64u << 10)       /* one per VM: its devices run on one CPU */

static const uint8_t disk_irq[VMDEF_DISKS] = { 11, 10, 11, 10 };

struct vm_disk {
    struct vdisk disk;
    struct vdisk_file vf;
    struct vvblk blk;
};

struct vm_disks {
    unsigned n;                          /* disks opened */
    struct vm_disk d[VMDEF_DISKS];
    uint8_t bounce[BOUNCE_BYTES];
};

static int mem_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    return vm_read_guest(ctx, gpa, dst, len);
}

static int mem_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return vm_write_guest(ctx, gpa, src, len);
}

/* A guest that broke its virtqueue is stopped after this I/O exit. */
static void device_failed(void *ctx, const char *why)
{
    struct vm *vm = ctx;
    vm_set_stop_reason(vm, "killed: %s", why);
    vm->vcpu.stop_request = true;
}

static void close_all(struct vm_disks *ds)
{
    for (unsigned i = 0; i < ds->n; i++)
        vdisk_file_close(&ds->d[i].vf);
    ds->n = 0;
}

static int attach_one(struct vm *vm, struct vm_disks *ds, unsigned i)
{
    const struct vmdef_disk *def = &vm->def.disks[i];
    struct vm_disk *d = &ds->d[i];
    char why[96];
    int rc = vdisk_file_open(&d->disk, &d->vf, def->path, def->readonly ? VDISK_FILE_RO : 0, why,
                             sizeof(why));
    if (rc < 0) {
        /* The line says why; the caller's -E_NOENT would read "no such
         * VM" and -E_BUSY "it is running". */
        kprintf("vm %s: cannot use disk %s: %s\n", vm->name, def->path, why);
        return -E_INVAL;
    }
    ds->n = i + 1;
    vvblk_init(&d->blk, &d->disk, def->readonly, (struct vvblk_mem){ vm, mem_read, mem_write },
               disk_irq[i], ds->bounce, sizeof(ds->bounce), def->path, device_failed, vm);
    rc = vvblk_wire(&d->blk, &vm->pci, (uint16_t)(DISK_IO_BASE + DISK_IO_STEP * i));
    if (rc < 0) {
        kprintf("vm %s: disk %s: no room on the PCI bus (%d)\n", vm->name, def->path, rc);
        return rc;
    }
    kprintf("vm %s: disk %s: %s, %lu MiB%s, virtio-blk 00:%02x.0 irq %u\n", vm->name, def->path,
            d->vf.vhd ? "fixed VHD" : "raw", (unsigned long)(d->vf.bytes >> 20),
            def->readonly ? ", read-only" : "", (unsigned)rc, (unsigned)disk_irq[i]);
    return 0;
}

int vm_attach_disks(struct vm *vm)
{
    vm_detach_disks(vm);
    if (vm->def.ndisks == 0)
        return 0;
    struct vm_disks *ds = kzalloc(sizeof(*ds));
    if (!ds)
        return -E_NOMEM;
    for (unsigned i = 0; i < vm->def.ndisks && i < VMDEF_DISKS; i++) {
        int rc = attach_one(vm, ds, i);
        if (rc < 0) {
            close_all(ds);
            kfree(ds);
            return rc;
        }
    }
    vm->disks = ds;
    return 0;
}

void vm_detach_disks(struct vm *vm)
{
    struct vm_disks *ds = vm->disks;
    if (!ds)
        return;
    close_all(ds);                       /* flushed, and free for another VM */
    kfree(ds);
    vm->disks = NULL;
}

struct vdisk *vm_disk_vdisk(struct vm *vm, unsigned i)
{
    struct vm_disks *ds = vm->disks;
    return ds && i < ds->n && ds->d[i].vf.f ? &ds->d[i].disk : NULL;
}
