/* The recovery shell's commands: each is a small function in a table.
 * Owner: platform. */
#ifndef HV_SHELL_CMDS_H
#define HV_SHELL_CMDS_H

struct shell_cmd {
    const char *name;
    const char *help;                       /* one line for `help` */
    void (*run)(int argc, char **argv);
};

/* Split line in place at spaces; returns the word count (at most max). */
int shell_split(char *line, char **argv, int max);

/* A console key; while waiting, the ACPI power button powers off. */
int shell_getc(void);
/* After an ESC: swallow the rest of an ANSI escape sequence (arrows and
 * the like have no use in a line of text or a password). */
void shell_skip_escape(void);

void cmd_mem(int argc, char **argv);
void cmd_desktop(int argc, char **argv);     /* login.c */
void cmd_guibench(int argc, char **argv);    /* cmd_gui.c, owner: gui */
void cmd_cpus(int argc, char **argv);
void cmd_log(int argc, char **argv);
void cmd_uptime(int argc, char **argv);
void cmd_acpi(int argc, char **argv);
void cmd_reboot(int argc, char **argv);
void cmd_poweroff(int argc, char **argv);
void cmd_fault(int argc, char **argv);
void cmd_pci(int argc, char **argv);         /* cmd_disk.c, owner: storage */
void cmd_disks(int argc, char **argv);
void cmd_net(int argc, char **argv);         /* cmd_net.c, owner: net */
void cmd_ls(int argc, char **argv);          /* cmd_fs.c, owner: datastore */
void cmd_cat(int argc, char **argv);
void cmd_df(int argc, char **argv);
void cmd_write(int argc, char **argv);
void cmd_mkdir(int argc, char **argv);
void cmd_rm(int argc, char **argv);
void cmd_cfgloop(int argc, char **argv);
void cmd_dsbench(int argc, char **argv);
void cmd_vm(int argc, char **argv);          /* cmd_vm.c, owner: vmm */
void cmd_config(int argc, char **argv);      /* cmd_config.c: HV.CFG on the boot partition */

#endif
