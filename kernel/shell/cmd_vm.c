/* `vm`: define, change, run and look at VMs (vmm/vmm.h does the work). */
#include "shell/shell_cmds.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "vmm/vm.h"
#include "vmm/vmdef.h"
#include "vmm/vmm.h"

static void usage(void)
{
    kprintf("usage: vm list | info <name> | console <name> | send|key <name> <text>\n"
            "       vm start | stop | pause | resume | reset <name>\n"
            "       vm shutdown <name> [seconds]   (ACPI power button, then hard stop)\n"
            "       vm create <name> [memory=MiB] [disk=PATH[,readonly]] [boot=disk|guest:G] [autostart=yes|no]\n"
            "       vm set <name> <key> <value> | vm delete <name> | vm clone <name> <new-name>\n");
}

/* vm create NAME key=value...: the definition goes to VMS/NAME.vm. */
static void create(int argc, char **argv)
{
    struct vmdef d;
    char msg[VMDEF_MSG_MAX + 64];
    vmdef_init(&d, NULL);
    if (vmdef_set(&d, "name", argv[2], msg, sizeof(msg)) < 0) {
        kprintf("vm create: %s\n", msg);
        return;
    }
    for (int i = 3; i < argc; i++) {
        char *eq = argv[i];
        while (*eq && *eq != '=')
            eq++;
        if (!*eq) {
            kprintf("vm create: \"%s\": key=value expected\n", argv[i]);
            return;
        }
        *eq = 0;
        if (strcmp(argv[i], "name") == 0 || vmdef_set(&d, argv[i], eq + 1, msg, sizeof(msg)) < 0) {
            kprintf("vm create: %s\n", strcmp(argv[i], "name") == 0 ? "the name is the second word" : msg);
            return;
        }
    }
    int rc = vm_define(&d, msg, sizeof(msg));
    if (rc < 0)
        kprintf("vm create: %s\n", msg);
}

static void set(char **argv)
{
    char msg[VMDEF_MSG_MAX + 64];
    int rc = vm_set(argv[2], argv[3], argv[4], msg, sizeof(msg));
    if (rc < 0)
        kprintf("vm set: %s: %s\n", argv[2], msg);
    else
        kprintf("vm %s: %s = %s (saved)\n", argv[2], argv[3], argv[4]);
}

/* vm send NAME words...: the words, space-separated, and Enter, on the
 * VM's COM1 (send) or its keyboard (key). */
static void send(int argc, char **argv)
{
    bool keys = strcmp(argv[1], "key") == 0;
    char line[256];
    size_t n = 0;
    for (int i = 3; i < argc && n < sizeof(line) - 2; i++) {
        if (i > 3)
            line[n++] = ' ';
        for (const char *p = argv[i]; *p && n < sizeof(line) - 2; p++)
            line[n++] = *p;
    }
    line[n++] = '\r';
    if (keys)
        line[n - 1] = '\n';                 /* Enter on a keyboard */
    long rc = keys ? vm_console_keys(argv[2], line, n) : vm_console_write(argv[2], line, n);
    if (rc == -E_INVAL)
        kprintf("vm %s: %s: not running\n", argv[1], argv[2]);
    else if (rc < 0)
        kprintf("vm %s: %s: %s\n", argv[1], argv[2], rc == -E_NOSPC ? "its input queue is full" : vmm_strerror((int)rc));
    else if ((size_t)rc < n)
        kprintf("vm %s: %s: only %ld of %zu bytes fit in its input queue\n", argv[1], argv[2], rc, n);
}

static void shutdown(int argc, char **argv)
{
    unsigned secs = 0;
    if (argc == 4) {
        for (const char *p = argv[3]; *p; p++) {
            if (*p < '0' || *p > '9' || secs > 3600) {
                kprintf("vm shutdown: seconds: a number 1-3600 expected\n");
                return;
            }
            secs = secs * 10 + (unsigned)(*p - '0');
        }
        if (secs == 0 || secs > 3600) {
            kprintf("vm shutdown: seconds: a number 1-3600 expected\n");
            return;
        }
    }
    int rc = vm_shutdown(argv[2], secs * 1000);
    if (rc == -E_INVAL)
        kprintf("vm shutdown: %s: not running\n", argv[2]);
    else if (rc < 0)
        kprintf("vm shutdown: %s: %s\n", argv[2], vmm_strerror(rc));
}

static void show_console(const char *name)
{
    char *buf = kmalloc(VM_CONSOLE_RING + 1);
    if (!buf) {
        kprintf("vm console: out of memory\n");
        return;
    }
    long n = vm_console(name, buf, VM_CONSOLE_RING + 1);
    if (n < 0)
        kprintf("vm console: %s: %s\n", name, vmm_strerror((int)n));
    else if (n == 0)
        kprintf("(vm %s has printed nothing)\n", name);
    else
        kprintf("%s%s", buf, buf[n - 1] == '\n' ? "" : "\n");
    kfree(buf);
}

void cmd_vm(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "list") == 0) {
        if (vmm_unavailable())
            kprintf("(%s)\n", vmm_unavailable());
        vm_list();
        return;
    }
    if (strcmp(sub, "clone") == 0 && argc == 4) {
        int err = vm_clone(argv[2], argv[3]);
        if (err < 0)
            kprintf("vm clone: %s: %s\n", err == -E_NOENT ? argv[2] : argv[3], vmm_strerror(err));
        else
            kprintf("vm %s: defined as a copy of %s\n", argv[3], argv[2]);
        return;
    }
    if (strcmp(sub, "create") == 0 && argc >= 3) {
        create(argc, argv);
        return;
    }
    if (strcmp(sub, "set") == 0 && argc == 5) {
        set(argv);
        return;
    }
    if ((strcmp(sub, "send") == 0 || strcmp(sub, "key") == 0) && argc >= 3) {
        send(argc, argv);
        return;
    }
    if (strcmp(sub, "shutdown") == 0 && (argc == 3 || argc == 4)) {
        shutdown(argc, argv);
        return;
    }
    if (argc != 3) {
        usage();
        return;
    }
    const char *name = argv[2];
    int rc;
    if (strcmp(sub, "start") == 0) {
        if (vmm_unavailable()) {
            kprintf("vm start: %s\n", vmm_unavailable());
            return;
        }
        rc = vm_start(name);
    } else if (strcmp(sub, "stop") == 0) {
        rc = vm_stop(name);
    } else if (strcmp(sub, "pause") == 0) {
        rc = vm_pause(name);
    } else if (strcmp(sub, "resume") == 0) {
        rc = vm_resume(name);
    } else if (strcmp(sub, "reset") == 0) {
        rc = vm_reset(name);
    } else if (strcmp(sub, "delete") == 0) {
        rc = vm_delete(name);
    } else if (strcmp(sub, "console") == 0) {
        show_console(name);
        return;
    } else if (strcmp(sub, "info") == 0) {
        rc = vm_info(name);
    } else {
        usage();
        return;
    }
    if (rc == -E_INVAL)
        kprintf("vm %s: %s: %s\n", sub, name, strcmp(sub, "resume") == 0 ? "not paused" : "not running");
    else if (rc < 0)
        kprintf("vm %s: %s: %s\n", sub, name, vmm_strerror(rc));
}
