/* The recovery shell on the console. Owner: platform. */
#ifndef HV_SHELL_H
#define HV_SHELL_H

/* Headless consoles (HV.CFG desktop = off): the screen shows the host name,
 * the address to manage it at and a password prompt; returns once the
 * admin password was typed (or at once, saying so, when none is set, so
 * that a host without one stays recoverable). */
void shell_login(const char *hostname);

/* Reads lines from the console and runs commands; never returns. */
_Noreturn void shell_run(void);

#endif
