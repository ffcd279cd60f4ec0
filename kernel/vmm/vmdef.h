/* A VM definition: what VMS/<name>.vm on the datastore says about one VM
 * (docs/vms.md has the format).  Pure code: parse, validate one key, write
 * back; no globals, no allocation, so host unit tests drive it and the
 * management API validates JSON fields with the same rules.
 * Owner: vmm.
 */
#ifndef HV_VMM_VMDEF_H
#define HV_VMM_VMDEF_H

#include <stdbool.h>
#include <stddef.h>

#define VMDEF_NAME_MAX   31            /* name: 1-31 of a-z 0-9 - _, not starting with - */
#define VMDEF_PATH_MAX   63            /* a datastore path */
#define VMDEF_DISKS      4
#define VMDEF_MEM_MIN    2             /* MiB */
#define VMDEF_MEM_MAX    65536
#define VMDEF_VCPUS_MAX  1             /* one vCPU per VM for now */
#define VMDEF_GUEST_MAX  15
#define VMDEF_MSG_MAX    128
#define VMDEF_TEXT_MAX   1024          /* vmdef_format never writes more */

enum vmdef_boot {
    VMDEF_BOOT_DISK = 0,               /* the virtual BIOS boots disk 0's MBR */
    VMDEF_BOOT_GUEST = 1,              /* a built-in test guest at 0x7C00 (guest = ...) */
};

struct vmdef_disk {
    char path[VMDEF_PATH_MAX + 1];
    bool readonly;
};

struct vmdef {
    char name[VMDEF_NAME_MAX + 1];
    unsigned mem_mib;
    unsigned vcpus;
    enum vmdef_boot boot;
    char guest[VMDEF_GUEST_MAX + 1];   /* boot = guest:<this> */
    unsigned ndisks;
    struct vmdef_disk disks[VMDEF_DISKS];
    bool autostart;
};

/* The defaults a new definition starts from: 64 MiB, 1 vCPU, boot disk,
 * no disks, no autostart. */
void vmdef_init(struct vmdef *d, const char *name);

/* Sets one key from its text value ("memory", "256").  Keys: name, memory,
 * vcpus, boot, disk (repeatable: appends; "disk = " with an empty value
 * clears the list), autostart.  0, or -1 with msg saying why
 * ("memory: 1-65536 MiB expected, got \"x\""). */
int vmdef_set(struct vmdef *d, const char *key, const char *value, char *msg, size_t msglen);

/* The whole definition's consistency (boot = disk needs a disk, ...): 0, or
 * -1 with msg. */
int vmdef_check(const struct vmdef *d, char *msg, size_t msglen);

/* Parses a definition file.  Every problem is reported through warn with
 * its line number; any problem makes the result -1 (the VM is skipped:
 * a half-understood definition must not start).  0 when d is complete. */
typedef void (*vmdef_warn_fn)(void *ctx, unsigned line, const char *msg);
int vmdef_parse(struct vmdef *d, const char *text, size_t len, vmdef_warn_fn warn, void *ctx);

/* The file text for d (comments included): bytes written, NUL-terminated,
 * or -1 when cap is too small. */
int vmdef_format(const struct vmdef *d, char *out, size_t cap);

/* Whether name is a valid VM name (also used for file names). */
bool vmdef_name_ok(const char *name);

#endif
