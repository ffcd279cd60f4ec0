/* `config`: HV.CFG on the boot partition, shown and changed one key at a
 * time with the file's other lines kept (fs/bootcfg.h).  Owner: platform. */
#include "shell/shell_cmds.h"
#include "fs/bootcfg.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/heap.h"

static void usage(void)
{
    kprintf("usage: config                     print HV.CFG (the boot partition's)\n"
            "       config set <key> <value>   change one key (docs/boot.md \"HV.CFG\")\n"
            "       config unset <key>         remove a key: its default applies\n"
            "Changes are saved at once and apply at the next boot.\n");
}

static void show(void)
{
    char *buf = kmalloc(BOOTCFG_MAX);
    if (!buf) {
        kprintf("config: out of memory\n");
        return;
    }
    size_t len = 0;
    int r = bootcfg_read(buf, BOOTCFG_MAX, &len);
    if (r == -E_NOENT)
        kprintf("config: there is no HV.CFG on the boot partition (every key has its default)\n");
    else if (r == -E_RANGE)
        kprintf("config: HV.CFG is %zu bytes, more than the %u hv reads\n", len, BOOTCFG_MAX);
    else if (r == -E_BUSY)
        kprintf("config: HV.CFG is being changed by someone else; try again\n");
    else if (r < 0)
        kprintf("config: cannot read HV.CFG from the boot partition (disk error)\n");
    else {
        /* Line by line: a CRLF file prints as lines, a missing last line
         * break is not carried into the prompt. */
        size_t s = 0;
        while (s < len) {
            size_t e = s;
            while (e < len && buf[e] != '\n')
                e++;
            size_t n = e > s && buf[e - 1] == '\r' ? e - s - 1 : e - s;
            kprintf("%.*s\n", (int)n, buf + s);
            s = e + 1;
        }
    }
    kfree(buf);
}

static void change(const char *key, const char *value)
{
    const char *keys[] = { key };
    const char *values[] = { value };
    char why[192];
    int r = bootcfg_set(keys, values, 1, why, sizeof(why));
    if (r < 0)
        kprintf("config: %s\n", why);
    else if (r == 1 && value)
        kprintf("config: HV.CFG already has %s = %s; nothing changed\n", key, value);
    else if (r == 1)
        kprintf("config: HV.CFG does not set %s; nothing changed\n", key);
    else if (value)
        kprintf("config: %s = %s saved; applies at the next boot\n", key, value);
    else
        kprintf("config: %s removed (its default applies); saved; applies at the next boot\n",
                key);
}

void cmd_config(int argc, char **argv)
{
    if (argc == 1) {
        show();
    } else if (!strcmp(argv[1], "set") && argc == 4) {
        change(argv[2], argv[3]);
    } else if (!strcmp(argv[1], "set") && argc > 4) {
        kprintf("config: a value is one word: HV.CFG values have no spaces\n");
    } else if (!strcmp(argv[1], "unset") && argc == 3) {
        change(argv[2], NULL);
    } else {
        usage();
    }
}
