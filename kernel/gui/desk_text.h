/* A text tail for the desk's views: a VM's serial output or the kernel log
 * made fit to show -- CR LF and lone CR, backspace, tabs, ANSI escape
 * sequences skipped, other control bytes dropped -- keeping the last
 * DESK_TEXT_MAX bytes.  Pure code. Owner: gui. */
#ifndef HV_GUI_DESK_TEXT_H
#define HV_GUI_DESK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define DESK_TEXT_MAX 16384

struct textbuf {
    char *buf;                  /* cap bytes, the owner's */
    int len, cap;
    int esc;                    /* where in an escape sequence */
    bool cr;                    /* a CR came last: LF or a new start of line follows */
};

void textbuf_init(struct textbuf *t, char *buf, int cap);
/* Appends n bytes of output; true when the shown text changed. */
bool textbuf_feed(struct textbuf *t, const char *s, size_t n);

#endif
