/*
 * BL's output: COM1 always; the VGA text screen when BM left the display in
 * text mode.  In a VBE graphics mode only a fatal error reaches the screen:
 * it switches back to text mode first, so the message can be read.
 */
#ifndef HV_BL_CONSOLE_H
#define HV_BL_CONSOLE_H

#include <stdint.h>

/* fb_type as in the hand-off (enum hv_fb_type). */
void con_init(uint32_t fb_type);
/* To COM1 only: progress for logs and tests. */
void bl_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "hv bl: warning: ..." to COM1, and to the screen in text mode. */
void bl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "hv bl: error: ...", "hv bl: system halted" on COM1 and screen; halts. */
_Noreturn void bl_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
