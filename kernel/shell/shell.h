/* The recovery shell on the console. Owner: platform. */
#ifndef HV_SHELL_H
#define HV_SHELL_H

/* Reads lines from the console and runs commands; never returns. */
_Noreturn void shell_run(void);

#endif
