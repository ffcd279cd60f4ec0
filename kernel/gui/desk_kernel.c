/*
 * The configuration interface's backend in the kernel: the management
 * functions the REST API also calls (vmm, net, auth), HV.CFG on the boot
 * partition for settings, the kernel log, power.  Runs on the BSP in the
 * desktop's loop with interrupts on, so it may wait for the datastore and
 * the boot partition, but never for long: the mouse and keys wait too.
 */
#include "gui/desk_kernel.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/percpu.h"
#include "dev/acpi.h"
#include "dev/kbd.h"
#include "dev/timer.h"
#include "fs/bootcfg.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mgmt/auth.h"
#include "mm/pmm.h"
#include "net/net.h"
#include "vmm/vmdef.h"
#include "vmm/vmm.h"

#define POWEROFF_GRACE_MS 20000u    /* VMs get this long to shut down first */

static struct hv_config *cfg;       /* gui_main's copy: what Settings shows */

static uint64_t now_ms(void *ctx)
{
    (void)ctx;
    return timer_now_ns() / 1000000;
}

static const char *backend_name(void)
{
    const char *be = cpufeat_virt_backend();
    if (!be)
        return "none";
    if (strcmp(be, "svm") == 0)
        return "AMD-V (SVM+NPT)";
    if (strcmp(be, "vmx") == 0)
        return "Intel VT-x (VMX+EPT)";
    return be;
}

static void host(void *ctx, struct desk_host *out)
{
    (void)ctx;
    memset(out, 0, sizeof(*out));
    strlcpy(out->hostname, net_hostname() ? net_hostname() : cfg->hostname,
            sizeof(out->hostname));
    strlcpy(out->version, HV_VERSION, sizeof(out->version));
    strlcpy(out->backend, vmm_unavailable() ? "none" : backend_name(), sizeof(out->backend));
    out->cpus = cpu_count();
    out->mem_total = pmm_usable_bytes();
    out->mem_free = pmm_free_bytes();
    out->uptime_ms = timer_now_ns() / 1000000;
    strlcpy(out->ipv4, "none", sizeof(out->ipv4));
    struct net_if_info ni;
    for (unsigned i = 0; i < net_if_count(); i++) {
        if (net_if_get(i, &ni) < 0)
            continue;
        if (ni.address && strcmp(out->ipv4, "none") == 0)
            net_format_ipv4(ni.address, out->ipv4, sizeof(out->ipv4));
        if (ni.nipv6 && !out->ipv6[0])
            strlcpy(out->ipv6, ni.ipv6[0].addr, sizeof(out->ipv6));
    }
    struct vm_status st;
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++) {
        out->vms_defined++;
        if (strcmp(st.state, "stopped") != 0)
            out->vms_running++;
    }
}

/* The owner's VMs (defined on the datastore) first, then hv's built-in
 * test guests, so a short list shows what matters. */
static int vms(void *ctx, struct desk_vm *out, int max)
{
    (void)ctx;
    int n = 0;
    static struct vmdef def;        /* large; only the desktop's loop calls this */
    for (int pass = 0; pass < 2; pass++) {
        struct vm_status st;
        for (unsigned i = 0; n < max && vm_status_at(i, &st) == 0; i++) {
            bool builtin = vm_get_def(st.name, &def) == 0 && def.boot == VMDEF_BOOT_GUEST;
            if (builtin != (pass == 1))
                continue;
            struct desk_vm *v = &out[n++];
            strlcpy(v->name, st.name, sizeof(v->name));
            strlcpy(v->state, st.state, sizeof(v->state));
            v->memory_mib = st.mem_mib;
            v->autostart = !builtin && def.autostart;
        }
    }
    return n;
}

static int vm_op(void *ctx, const char *vm, enum desk_vm_op op, char *why, unsigned len)
{
    (void)ctx;
    int r;
    switch (op) {
    case DESK_VM_START:    r = vm_start(vm); break;
    case DESK_VM_SHUTDOWN: r = vm_shutdown(vm, 0); break;
    case DESK_VM_STOP:     r = vm_request_stop(vm); break;
    case DESK_VM_RESET:    r = vm_reset(vm); break;
    case DESK_VM_PAUSE:    r = vm_pause(vm); break;
    case DESK_VM_RESUME:   r = vm_resume(vm); break;
    default:               r = -E_INVAL; break;
    }
    if (r < 0)
        ksnprintf(why, len, "%s: %s.", vm, vmm_strerror(r));
    return r;
}

static size_t vm_console_read(void *ctx, const char *vm, uint64_t *off, char *buf, size_t len)
{
    (void)ctx;
    uint64_t next = *off, first = 0;
    long n = vm_console_since(vm, *off, buf, len, &next, &first);
    if (n < 0)
        return 0;
    *off = next;
    return (size_t)n;
}

static int vm_type(void *ctx, const char *vm, const char *s, size_t n, char *why, unsigned len)
{
    (void)ctx;
    long r = vm_console_write(vm, s, n);
    if (r < 0) {
        ksnprintf(why, len, "%s: %s.", vm, vmm_strerror((int)r));
        return (int)r;
    }
    return 0;
}

static bool check_password(void *ctx, const char *pw)
{
    (void)ctx;
    return auth_check_password(pw);
}

static int set_password(void *ctx, const char *pw, char *why, unsigned len)
{
    (void)ctx;
    char spec[HVCFG_ADMIN_PASSWORD_MAX + 1];
    if (auth_make_spec(pw, spec, sizeof(spec)) < 0) {
        ksnprintf(why, len, "Not enough memory to hash the password.");
        return -E_NOMEM;
    }
    /* The file first: a password that is live but not saved would be
     * lost at the next boot without anyone noticing. */
    const char *keys[] = { "admin.password" };
    const char *vals[] = { spec };
    char err[160];
    int r = bootcfg_set(keys, vals, 1, err, sizeof(err));
    if (r < 0) {
        ksnprintf(why, len, "The password was not changed: %s", err);
        return r;
    }
    if (auth_set_spec(spec) < 0) {
        ksnprintf(why, len, "The new password was saved but could not be used until reboot.");
        return -E_INVAL;
    }
    strlcpy(cfg->admin_password, spec, sizeof(cfg->admin_password));
    return 0;
}

static void ipv4_text(uint32_t a, char *buf, size_t n)
{
    if (a)
        net_format_ipv4(a, buf, n);
    else
        buf[0] = 0;
}

static void get_settings(void *ctx, struct desk_settings *s)
{
    (void)ctx;
    memset(s, 0, sizeof(*s));
    s->dhcp = cfg->net_mode == HVCFG_NET_DHCP;
    if (cfg->net_address) {
        char a[20];
        net_format_ipv4(cfg->net_address, a, sizeof(a));
        ksnprintf(s->address, sizeof(s->address), "%s/%u", a, cfg->net_prefix);
    }
    ipv4_text(cfg->net_gateway, s->gateway, sizeof(s->gateway));
    ipv4_text(cfg->net_dns, s->dns, sizeof(s->dns));
    strlcpy(s->hostname, cfg->hostname, sizeof(s->hostname));
    s->layout = (int)cfg->keyboard;
    s->desktop = cfg->desktop != HVCFG_DESKTOP_OFF;
}

static int save_settings(void *ctx, const struct desk_settings *s, char *why, unsigned len)
{
    (void)ctx;
    if (s->layout < 0 || s->layout >= HVCFG_KBD_COUNT) {
        ksnprintf(why, len, "Unknown keyboard layout.");
        return -E_INVAL;
    }
    /* A NULL value removes the key: an empty gateway means "none". */
    const char *keys[] = { "hostname", "net.mode", "net.address", "net.gateway", "net.dns",
                           "keyboard", "desktop" };
    const char *vals[] = {
        s->hostname, s->dhcp ? "dhcp" : "static",
        s->dhcp || !s->address[0] ? NULL : s->address,
        s->gateway[0] ? s->gateway : NULL,
        s->dns[0] ? s->dns : NULL,
        hvcfg_keyboard_name((uint32_t)s->layout),
        s->desktop ? "on" : "off",
    };
    char err[160];
    int r = bootcfg_set(keys, vals, (int)(sizeof(keys) / sizeof(keys[0])), err, sizeof(err));
    if (r < 0) {
        ksnprintf(why, len, "Nothing was saved: %s", err);
        return r;
    }
    /* What applies at once: the layout. The rest is read at boot. */
    kbd_set_layout((unsigned)s->layout);
    /* What Settings shows next: the file as saved (static: as large as
     * HV.CFG may be, and only the desktop's loop calls this). */
    static char text[BOOTCFG_MAX];
    size_t n = 0;
    if (bootcfg_read(text, sizeof(text), &n) == 0)
        hvcfg_parse(text, n, cfg, NULL, NULL);
    kprintf("hv: settings saved to HV.CFG (host name %s, network %s, keyboard %s, desktop %s)\n",
            s->hostname, s->dhcp ? "dhcp" : s->address, hvcfg_keyboard_name((uint32_t)s->layout),
            s->desktop ? "on" : "off");
    return 0;
}

static size_t log_tail(void *ctx, uint64_t *pos, char *buf, size_t len)
{
    (void)ctx;
    return log_read(pos, buf, len);
}

/* Running VMs are asked to shut down first, as a server's power button
 * would have its guests do; the ones that do not in time are cut off. */
static void stop_vms(void)
{
    struct vm_status st;
    unsigned asked = 0;
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++)
        if (strcmp(st.state, "running") == 0 && vm_shutdown(st.name, POWEROFF_GRACE_MS) == 0)
            asked++;
    if (!asked)
        return;
    kprintf("hv: asking %u VMs to shut down (up to %u s)\n", asked, POWEROFF_GRACE_MS / 1000);
    uint64_t end = timer_now_ns() + (uint64_t)(POWEROFF_GRACE_MS + 2000) * 1000000;
    for (;;) {
        bool left = false;
        for (unsigned i = 0; vm_status_at(i, &st) == 0; i++)
            left |= strcmp(st.state, "stopped") != 0;
        if (!left || timer_now_ns() > end)
            return;
        cpu_hlt();
    }
}

static void reboot(void *ctx)
{
    (void)ctx;
    kprintf("hv: reboot from the desktop\n");
    stop_vms();
    acpi_reset();
}

static void poweroff(void *ctx)
{
    (void)ctx;
    kprintf("hv: power off from the desktop\n");
    stop_vms();
    acpi_poweroff();
}

static const struct desk_backend backend = {
    .host = host, .vms = vms, .vm_op = vm_op, .vm_console = vm_console_read,
    .vm_type = vm_type, .check_password = check_password, .set_password = set_password,
    .get_settings = get_settings, .save_settings = save_settings, .log_read = log_tail,
    .reboot = reboot, .poweroff = poweroff, .now_ms = now_ms, .ctx = NULL,
};

const struct desk_backend *desk_kernel_backend(struct hv_config *c)
{
    cfg = c;
    return &backend;
}
