/* The configuration interface of hypervisor mode (like ESXi's direct
 * console, but graphical): a lock screen, the host panel, the VMs with
 * their consoles, settings, logs, reboot and power off.  Pure code on the
 * window manager, so host tests drive it with a fake backend; the kernel
 * glue (gui_main.c, desk_kernel.c) supplies the backend and runs the loop.
 * Owner: gui. */
#ifndef HV_GUI_DESK_H
#define HV_GUI_DESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gui/wm.h"

#define DESK_MAX_VMS 16
#define DESK_LOCK_MS (10u * 60 * 1000)     /* idle time before the desktop locks */

struct desk_host {
    char hostname[64];
    char version[24];
    char backend[24];           /* "AMD-V (SVM+NPT)", "Intel VT-x (VMX+EPT)", "none" */
    unsigned cpus;
    uint64_t mem_total, mem_free;   /* bytes */
    uint64_t uptime_ms;
    char ipv4[20];              /* "10.0.2.15", "none" */
    char ipv6[48];              /* link-local or global, "" when none */
    unsigned vms_running, vms_defined;
};

struct desk_vm {
    char name[32];
    char state[16];             /* "stopped", "running", "paused", ... */
    unsigned memory_mib;
    bool autostart;
};

enum desk_vm_op {
    DESK_VM_START, DESK_VM_SHUTDOWN /* ACPI, then hard stop after the grace time */,
    DESK_VM_STOP /* hard */, DESK_VM_RESET, DESK_VM_PAUSE, DESK_VM_RESUME, DESK_VM_OPS
};

/* What Settings edits; saved to HV.CFG (applies at the next boot where it
 * cannot apply at once). */
struct desk_settings {
    bool dhcp;
    char address[32];           /* a.b.c.d/len, static only */
    char gateway[32];           /* a.b.c.d or "" */
    char dns[32];               /* a.b.c.d or "" */
    char hostname[64];
    int layout;                 /* enum hvcfg_keyboard */
    bool desktop;               /* desktop after boot (false: headless) */
};

/* Every call returns at once (no call blocks for long: the loop also keeps
 * the mouse and keys alive).  Failures come back as the sentence shown. */
struct desk_backend {
    void (*host)(void *ctx, struct desk_host *out);
    int (*vms)(void *ctx, struct desk_vm *out, int max);          /* how many */
    int (*vm_op)(void *ctx, const char *vm, enum desk_vm_op op, char *why, unsigned len);
    /* The VM's console output from *off on: copies up to len bytes, moves
     * *off past them (and past anything already dropped from the VM's ring). */
    size_t (*vm_console)(void *ctx, const char *vm, uint64_t *off, char *buf, size_t len);
    /* Types bytes on the VM's serial console. */
    int (*vm_type)(void *ctx, const char *vm, const char *s, size_t n, char *why, unsigned len);
    bool (*check_password)(void *ctx, const char *pw);
    /* The new admin password: API and desktop at once, and HV.CFG. */
    int (*set_password)(void *ctx, const char *pw, char *why, unsigned len);
    void (*get_settings)(void *ctx, struct desk_settings *out);
    int (*save_settings)(void *ctx, const struct desk_settings *s, char *why, unsigned len);
    /* The kernel log from *pos on, like vm_console. */
    size_t (*log_read)(void *ctx, uint64_t *pos, char *buf, size_t len);
    void (*reboot)(void *ctx);
    void (*poweroff)(void *ctx);
    uint64_t (*now_ms)(void *ctx);
    void *ctx;
};

struct desk;
/* Opens the lock screen; NULL when memory is short. be must outlive it. */
struct desk *desk_start(struct wm *wm, const struct desk_backend *be);
/* Call from the loop about every 100 ms: refreshes what is shown, feeds
 * consoles, locks after DESK_LOCK_MS without input. */
void desk_tick(struct desk *d);
/* Input seen by the loop (any key or mouse event): restarts the idle time. */
void desk_input(struct desk *d);
/* The user chose the recovery shell (unlocked only): the loop ends. */
bool desk_quit(const struct desk *d);
void desk_destroy(struct desk *d);

#endif
