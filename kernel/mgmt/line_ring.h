/* A bounded text of whole lines: appending drops the oldest lines to make
 * room, so what is kept is always the newest complete lines. The audit log
 * (audit.c) keeps its RAM copy and builds its file in one. Pure C (host
 * unit tests). */
#ifndef HV_MGMT_LINE_RING_H
#define HV_MGMT_LINE_RING_H

#include <stddef.h>

struct line_ring {
    char *buf;                             /* the caller's, cap bytes */
    size_t cap, len;                       /* buf[0..len): whole lines, each ending in '\n' */
};

/* Appends the line(s) s[0..n) (which end in '\n'), dropping lines from the
 * front as needed. Text longer than cap is not taken (returns -1). */
int line_ring_append(struct line_ring *r, const char *s, size_t n);

/* Puts older text before what r holds: as many of the newest whole lines
 * of old[0..n) as fit in front (a last line without '\n' gets one). old is
 * used as scratch. */
void line_ring_prepend(struct line_ring *r, char *old, size_t n);

#endif
