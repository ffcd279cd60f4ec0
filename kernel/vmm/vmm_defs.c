/* VM definitions on the datastore: VMS/<name>.vm, one file per VM
 * (vmdef.h has the format, docs/vms.md the story).  Loaded at boot; every
 * change is written to the file first (crash-safe replace), then applied
 * in memory, so what hv runs is what it will find after a power cut. */
#include "vmm/vmm.h"
#include "fs/datastore.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "vmm/vmdef.h"
#include "vmm/vmm_priv.h"

#define VMS_DIR   "VMS"
#define MAX_FILES 64
#define FILE_MAX  4096                   /* a definition is a few hundred bytes */

static void def_path(const char *name, char *out, size_t n)
{
    ksnprintf(out, n, "%s/%s.vm", VMS_DIR, name);
}

/* --- boot: read every VMS/<name>.vm ------------------------------------------ */

struct names {
    char (*name)[VMDEF_NAME_MAX + 4];
    unsigned n;
    bool overflow;
};

static bool ends_with_vm(const char *s, size_t *base)
{
    size_t n = strlen(s);
    if (n < 4)
        return false;
    const char *e = s + n - 3;
    if (e[0] != '.' || (e[1] != 'v' && e[1] != 'V') || (e[2] != 'm' && e[2] != 'M'))
        return false;
    *base = n - 3;
    return true;
}

static int collect(void *ctx, const struct fat_dirent *e)
{
    struct names *nm = ctx;
    size_t base;
    if (e->st.is_dir || !ends_with_vm(e->name, &base))
        return 0;
    if (nm->n >= MAX_FILES) {
        nm->overflow = true;
        return 0;
    }
    if (base > VMDEF_NAME_MAX) {
        kprintf("hv: vmm: warning: %s/%s: the name is too long for a VM; skipped\n", VMS_DIR, e->name);
        return 0;
    }
    strlcpy(nm->name[nm->n++], e->name, sizeof(nm->name[0]));
    return 0;
}

struct warn_ctx {
    const char *file;
    bool any;
};

static void warn_line(void *ctx, unsigned line, const char *msg)
{
    struct warn_ctx *w = ctx;
    w->any = true;
    if (line)
        kprintf("hv: vmm: warning: %s/%s line %u: %s\n", VMS_DIR, w->file, line, msg);
    else
        kprintf("hv: vmm: warning: %s/%s: %s\n", VMS_DIR, w->file, msg);
}

static bool load_one(const char *file, char *text)
{
    char path[VMDEF_NAME_MAX + 16];
    ksnprintf(path, sizeof(path), "%s/%s", VMS_DIR, file);
    size_t len = 0;
    int rc = datastore_read_file(path, text, FILE_MAX, &len);
    if (rc < 0) {
        kprintf("hv: vmm: warning: %s: %s; VM skipped\n", path,
                rc == -FAT_EFBIG ? "larger than 4 KiB, not a VM definition" : datastore_strerror(rc));
        return false;
    }
    struct vmdef d;
    struct warn_ctx w = { file, false };
    if (vmdef_parse(&d, text, len, warn_line, &w) < 0) {
        kprintf("hv: vmm: warning: %s: VM skipped (fix the lines above)\n", path);
        return false;
    }
    /* The file name is how hv finds the definition again: they must agree. */
    size_t base;
    ends_with_vm(file, &base);
    if (strlen(d.name) != base || strncmp(d.name, file, base) != 0) {
        kprintf("hv: vmm: warning: %s: name = %s does not match the file name; VM skipped\n",
                path, d.name);
        return false;
    }
    rc = vmm_add(&d, true, NULL, 0);
    if (rc < 0)
        kprintf("hv: vmm: warning: %s: VM %s skipped: %s\n", path, d.name, vmm_strerror(rc));
    return rc == 0;
}

void vmm_load_definitions(void)
{
    if (!datastore_available())
        return;
    struct fat_stat st;
    if (datastore_stat(VMS_DIR, &st) < 0)
        return;                           /* no VMs defined yet */
    struct names nm = { kzalloc(MAX_FILES * sizeof(*nm.name)), 0, false };
    char *text = kzalloc(FILE_MAX + 1);
    if (!nm.name || !text) {
        kprintf("hv: vmm: warning: out of memory reading %s/; no VMs loaded\n", VMS_DIR);
        goto out;
    }
    int rc = datastore_list(VMS_DIR, collect, &nm);
    if (rc < 0)
        kprintf("hv: vmm: warning: cannot list %s/: %s\n", VMS_DIR, datastore_strerror(rc));
    if (nm.overflow)
        kprintf("hv: vmm: warning: more than %u files in %s/; the rest are ignored\n", MAX_FILES,
                VMS_DIR);
    unsigned loaded = 0;
    for (unsigned i = 0; i < nm.n; i++)
        loaded += load_one(nm.name[i], text);
    if (loaded == nm.n)
        kprintf("hv: vmm: %u VM definition%s in %s/\n", loaded, loaded == 1 ? "" : "s", VMS_DIR);
    else
        kprintf("hv: vmm: %u VM definition%s in %s/, %u skipped\n", loaded, loaded == 1 ? "" : "s",
                VMS_DIR, nm.n - loaded);
out:
    kfree(nm.name);
    kfree(text);
}

void vmm_autostart(void)
{
    char names[16][VMDEF_NAME_MAX + 1];
    unsigned n = 0;
    uint64_t f = vmm_lock();
    for (struct vm *vm = vmm_first(); vm && n < 16; vm = vm->next)
        if (vm->def.autostart && vm->persistent)
            strlcpy(names[n++], vm->name, sizeof(names[0]));
    vmm_unlock(f);
    for (unsigned i = 0; i < n; i++) {
        kprintf("vm %s: autostart\n", names[i]);
        int rc = vm_start(names[i]);
        if (rc < 0)
            kprintf("vm %s: not started: %s\n", names[i], vmm_strerror(rc));
    }
}

/* --- changes: file first, then memory ----------------------------------- */

static int datastore_err(int rc)
{
    return rc == -DS_ENODATASTORE ? -E_NOSYS : -E_IO;
}

static int write_def(const struct vmdef *d, char *err, size_t errlen)
{
    char text[VMDEF_TEXT_MAX], path[VMDEF_NAME_MAX + 16];
    int n = vmdef_format(d, text, sizeof(text));
    if (n < 0) {
        ksnprintf(err, errlen, "the definition does not fit in %u bytes", VMDEF_TEXT_MAX);
        return -E_INVAL;
    }
    struct fat_stat st;
    int rc = datastore_stat(VMS_DIR, &st);
    if (rc == -FAT_ENOENT)
        rc = datastore_mkdir(VMS_DIR);
    if (rc >= 0) {
        def_path(d->name, path, sizeof(path));
        rc = datastore_replace_file(path, text, (size_t)n);
    }
    if (rc < 0) {
        ksnprintf(err, errlen, "cannot write %s/%s.vm: %s", VMS_DIR, d->name, datastore_strerror(rc));
        return datastore_err(rc);
    }
    return 0;
}

int vm_define(const struct vmdef *d, char *err, size_t errlen)
{
    char msg[VMDEF_MSG_MAX];
    if (vmdef_check(d, msg, sizeof(msg)) < 0) {
        ksnprintf(err, errlen, "%s", msg);
        return -E_INVAL;
    }
    uint64_t f = vmm_lock();
    bool exists = vmm_find(d->name) != NULL;
    vmm_unlock(f);
    if (exists) {
        ksnprintf(err, errlen, "a VM named %s exists", d->name);
        return -E_EXIST;
    }
    int rc = write_def(d, err, errlen);
    if (rc < 0)
        return rc;
    rc = vmm_add(d, true, NULL, 0);
    if (rc < 0) {
        /* Lost a race for the name: the file is the other caller's now. */
        ksnprintf(err, errlen, "%s", vmm_strerror(rc));
        return rc;
    }
    kprintf("vm %s: defined (%s/%s.vm)\n", d->name, VMS_DIR, d->name);
    return 0;
}

int vm_set(const char *name, const char *key, const char *value, char *err, size_t errlen)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    struct vmdef d;
    int rc = !vm ? -E_NOENT : vm->state != VM_STOPPED ? -E_BUSY : !vm->persistent ? -E_INVAL : 0;
    if (rc == 0) {
        d = vm->def;
        vm->state = VM_STOPPING;         /* held: nobody starts or deletes it meanwhile */
    }
    vmm_unlock(f);
    if (rc < 0) {
        ksnprintf(err, errlen, "%s", rc == -E_INVAL ? "built-in VMs cannot be changed" : vmm_strerror(rc));
        return rc;
    }
    char msg[VMDEF_MSG_MAX];
    if (strcmp(key, "name") == 0) {
        ksnprintf(err, errlen, "name: a VM cannot be renamed (create a new one)");
        rc = -E_INVAL;
    } else if (vmdef_set(&d, key, value, msg, sizeof(msg)) < 0 || vmdef_check(&d, msg, sizeof(msg)) < 0) {
        ksnprintf(err, errlen, "%s", msg);
        rc = -E_INVAL;
    } else if ((rc = write_def(&d, err, errlen)) == 0) {
        vm->def = d;
        uint64_t mem = ((uint64_t)d.mem_mib << 20);
        vm->mem_bytes = (mem + VM_CHUNK - 1) & ~(VM_CHUNK - 1);
        vm->image = NULL;                /* boot may have changed: resolved at start */
        vm->image_len = 0;
    }
    __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
    if (rc == 0)
        vmm_event(name, "changed", key);
    return rc;
}

int vm_delete(const char *name)
{
    uint64_t f = vmm_lock();
    struct vm *vm = vmm_find(name);
    int rc = !vm ? -E_NOENT : vm->state != VM_STOPPED ? -E_BUSY : 0;
    bool persistent = vm && vm->persistent;
    if (rc == 0)
        vm->state = VM_STOPPING;         /* held while the file goes */
    vmm_unlock(f);
    if (rc < 0)
        return rc;
    if (persistent) {
        char path[VMDEF_NAME_MAX + 16];
        def_path(name, path, sizeof(path));
        int r = datastore_remove(path);
        if (r < 0 && r != -FAT_ENOENT) {
            kprintf("vm %s: cannot remove %s: %s\n", name, path, datastore_strerror(r));
            __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
            return datastore_err(r);
        }
    }
    __atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
    rc = vmm_remove(name);
    if (rc == 0)
        kprintf("vm %s: deleted%s\n", name, persistent ? " (its disks stay on the datastore)" : "");
    return rc;
}
