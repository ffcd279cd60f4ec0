/* `vm`: list, start, stop and look at VMs (vmm/vmm.h does the work). */
#include "shell/shell_cmds.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

static void usage(void)
{
    kprintf("usage: vm list | vm start <name> | vm stop <name> | vm console <name> | vm info <name>"
            " | vm clone <name> <new-name>\n");
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
    } else if (strcmp(sub, "console") == 0) {
        show_console(name);
        return;
    } else if (strcmp(sub, "info") == 0) {
        rc = vm_info(name);
    } else {
        usage();
        return;
    }
    if (rc == -E_INVAL && strcmp(sub, "stop") == 0)
        kprintf("vm stop: %s: not running\n", name);
    else if (rc < 0)
        kprintf("vm %s: %s: %s\n", sub, name, vmm_strerror(rc));
}
