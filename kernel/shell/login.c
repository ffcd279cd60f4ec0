/*
 * The headless console (HV.CFG desktop = off): a server managed over the
 * network shows on its screen only what someone standing at it needs --
 * which host this is and where to manage it -- and keeps the recovery
 * shell behind the admin password.  Also the `desktop` command.
 */
#include "shell/shell.h"
#include "shell/shell_cmds.h"
#include "arch/x86_64/cpu.h"
#include "dev/console.h"
#include "dev/timer.h"
#include "gui/gui.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mgmt/auth.h"
#include "net/net.h"

#define PASSWORD_MAX   AUTH_PASSWORD_MAX
#define FAILS_BEFORE_WAIT 3
#define WAIT_MS        5000u    /* after each further wrong password */

static void banner(const char *hostname)
{
    char ip[16];
    net_wait_address(0, ip, sizeof(ip));
    console_write("\033[2J\033[H", 7);
    kprintf("hv %s   %s   headless (desktop = off)\n\n", HV_VERSION, hostname);
    if (strcmp(ip, "none") != 0)
        kprintf("  Manage this host over the network:\n"
                "    hvctl --host %s login        (the command line)\n"
                "    http://%s/api/v1/            (the REST API)\n\n", ip, ip);
    else
        kprintf("  This host has no IPv4 address yet (DHCP, or see HV.CFG net.*).\n\n");
    kprintf("  The recovery shell needs the admin password.\n\n");
}

/* One password, echoed as '*'; false when cancelled with ^C. */
static bool read_password(char *buf, size_t size)
{
    size_t len = 0;
    for (;;) {
        int c = shell_getc();
        if (c == '\r' || c == '\n') {
            kprintf("\n");
            buf[len] = 0;
            return true;
        }
        if (c == 0x03) {
            kprintf("^C\n");
            return false;
        }
        if (c == 0x1B) {
            shell_skip_escape();
        } else if ((c == 0x08 || c == 0x7F) && len > 0) {
            len--;
            console_write("\b \b", 3);
        } else if (c >= 0x20 && c != 0x7F && len + 1 < size) {
            buf[len++] = (char)c;
            console_write("*", 1);
        }
    }
}

void shell_login(const char *hostname)
{
    banner(hostname);
    if (!auth_password_set()) {
        kprintf("  No admin password is configured (admin.password in HV.CFG): the\n"
                "  recovery shell is open. Set one with the desktop or tools/hvpasswd.py.\n");
        return;
    }
    unsigned fails = 0;
    char pw[PASSWORD_MAX + 1];
    for (;;) {
        kprintf("%s login: password: ", hostname);
        bool got = read_password(pw, sizeof(pw));
        bool ok = got && auth_check_password(pw);
        memset(pw, 0, sizeof(pw));
        if (ok) {
            kprintf("hv: console login: ok\n");
            return;
        }
        if (!got)
            continue;
        fails++;
        kprintf("hv: console login: wrong password\n");
        if (fails >= FAILS_BEFORE_WAIT) {
            kprintf("  Too many wrong passwords: wait %u s.\n", WAIT_MS / 1000);
            uint64_t end = timer_now_ns() + (uint64_t)WAIT_MS * 1000000;
            while (timer_now_ns() < end) {
                while (console_trygetc() >= 0)
                    ;           /* keys typed meanwhile are not guesses */
                cpu_hlt();
            }
        }
    }
}

void cmd_desktop(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (gui_desktop_run() < 0)
        kprintf("desktop: not available on this screen\n");
}
