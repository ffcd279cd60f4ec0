/* The kernel console: output to COM1 and the screen, input from the PS/2
 * keyboard and COM1. Owner: kernel core. */
#ifndef HV_DEV_CONSOLE_H
#define HV_DEV_CONSOLE_H

#include <stddef.h>

struct hv_bootinfo;
void console_init(const struct hv_bootinfo *bi);   /* serial + framebuffer or VGA text */
void console_write(const char *s, size_t n);       /* no log; kprintf adds that */
/* console_write plus the kernel log, in one piece (what kprintf uses). */
void console_print(const char *s, size_t n);
/* The text of the header bar on the screen ("hv <version> ..."). */
void console_set_header(const char *text);
/* The desktop takes the display: the console keeps its text (and COM1 gets
 * everything as before) but stops drawing until console_screen_take, which
 * shows the console again as it is by then. A panic takes it back. */
void console_screen_release(void);
void console_screen_take(void);
/* panic(): from now on this CPU writes without waiting for the lock. */
void console_panic(void);
/* Input: drivers push bytes (keyboard IRQ, serial poll); readers pop. */
void console_input_push(char c);
int console_getc(void);          /* blocks (hlt) until a byte; polls COM1 too */
int console_trygetc(void);       /* -1 when none */

#endif
