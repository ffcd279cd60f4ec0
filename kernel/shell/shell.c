/* The recovery shell: a prompt on the console, a line editor just good
 * enough for a serial terminal or a PS/2 keyboard, and a command table. */
#include <stdbool.h>
#include "shell/shell.h"
#include "shell/shell_cmds.h"
#include "arch/x86_64/cpu.h"
#include "dev/acpi.h"
#include "dev/console.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define LINE_MAX 128
#define ARGS_MAX 8

static void cmd_help(int argc, char **argv);

static const struct shell_cmd commands[] = {
    { "help",     "list the commands",                                   cmd_help },
    { "mem",      "memory: usable and free RAM, kernel and heap use",    cmd_mem },
    { "cpus",     "one line per cpu: index, APIC id, online, ticks",     cmd_cpus },
    { "uptime",   "time since the timer started",                        cmd_uptime },
    { "log",      "print the kernel log",                                cmd_log },
    { "acpi",     "the ACPI tables found",                               cmd_acpi },
    { "reboot",   "reset the machine",                                   cmd_reboot },
    { "poweroff", "switch the machine off (ACPI S5)",                    cmd_poweroff },
    { "vm",       "virtual machines: vm list, create, start, stop, shutdown, ... (vm alone: usage)", cmd_vm },
    { "pci",      "one line per PCI device: bus:dev.fn vendor:device class", cmd_pci },
    { "disks",    "one line per disk: model, size, sector size, partitions", cmd_disks },
    { "net",      "network: per interface MAC, link, counters, IPv4; DNS, hostname", cmd_net },
    { "ls",       "list a datastore directory: ls [dir]",               cmd_ls },
    { "cat",      "print a text file from the datastore: cat <file>",   cmd_cat },
    { "df",       "datastore usage",                                    cmd_df },
    { "config",   "HV.CFG: config, config set <key> <value>, config unset <key>", cmd_config },
    { "write",    "replace a datastore file with text: write <file> <text...>", cmd_write },
    { "mkdir",    "make a datastore directory: mkdir <dir>",            cmd_mkdir },
    { "rm",       "remove a datastore file or empty directory: rm <path>", cmd_rm },
    { "cfgloop",  "diagnostic: rewrite <file> <count> times (power-cut test)", cmd_cfgloop },
    { "dsbench",  "diagnostic: datastore write/read throughput with <MiB> (bench/disk.py)", cmd_dsbench },
    { "desktop",  "the graphical configuration interface (back here with its Shell button)", cmd_desktop },
    { "guibench", "diagnostic: desktop frame rates: guibench [frames] (bench/gui.py)", cmd_guibench },
    { "fault",    "diagnostic: touch an unmapped address to show the exception dump", cmd_fault },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (unsigned i = 0; i < NCOMMANDS; i++)
        kprintf("  %-9s %s\n", commands[i].name, commands[i].help);
}

int shell_split(char *line, char **argv, int max)
{
    int n = 0;
    char *p = line;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p)
            break;
        argv[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    if (*p)
        *p = 0;                 /* more words than max: drop the rest */
    return n;
}

static void echo(const char *s)
{
    console_write(s, strlen(s));
}

/* A key, or -- while waiting for one -- the ACPI power button: a server
 * powers off cleanly when its button is pressed (and a VM of hv's does
 * when its host asks it to shut down). */
int shell_getc(void)
{
    for (;;) {
        int c = console_trygetc();
        if (c >= 0)
            return c;
        if (acpi_power_button_pressed()) {
            kprintf("hv: power button pressed: powering off\n");
            acpi_poweroff();
        }
        if (cpu_save_flags() & (1u << 9))
            cpu_hlt();
        else
            cpu_pause();
    }
}

void shell_skip_escape(void)
{
    int c = shell_getc();
    if (c != '[' && c != 'O')
        return;
    do
        c = shell_getc();
    while (c >= 0 && !(c >= 0x40 && c <= 0x7E));
}

/* Reads one line into buf (NUL-terminated); false when cancelled by ^C. */
static bool read_line(char *buf, size_t size)
{
    static bool last_cr;        /* "\r\n" from a terminal is one Enter */
    size_t len = 0;
    for (;;) {
        int c = shell_getc();
        bool after_cr = last_cr;
        last_cr = c == '\r';
        if (c == '\n' && after_cr)
            continue;
        if (c == '\r' || c == '\n') {
            echo("\n");
            buf[len] = 0;
            return true;
        }
        if (c == 0x08 || c == 0x7F) {
            if (len > 0) {
                len--;
                echo("\b \b");
            }
        } else if (c == 0x03) {
            echo("^C\n");
            return false;
        } else if (c == 0x15) {
            for (; len > 0; len--)
                echo("\b \b");
        } else if (c == 0x1B) {
            shell_skip_escape();
        } else if (c >= 0x20 && c < 0x7F && len + 1 < size) {
            char ch = (char)c;
            buf[len++] = ch;
            console_write(&ch, 1);
        }
    }
}

static void run_line(char *line)
{
    char *argv[ARGS_MAX];
    int argc = shell_split(line, argv, ARGS_MAX);
    if (argc == 0)
        return;
    for (unsigned i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[0], commands[i].name) == 0) {
            commands[i].run(argc, argv);
            return;
        }
    }
    kprintf("unknown command: %s (try help)\n", argv[0]);
}

_Noreturn void shell_run(void)
{
    char line[LINE_MAX];
    kprintf("hv: shell ready\n");
    for (;;) {
        echo("hv# ");
        if (read_line(line, sizeof(line)))
            run_line(line);
    }
}
