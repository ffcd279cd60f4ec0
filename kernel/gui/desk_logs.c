/* The Logs tab: the kernel log's tail in a text view, read on from where
 * it was on each tick while the tab is shown (the desk keeps the last
 * DESK_TEXT_MAX bytes between visits). */
#include "gui/desk_priv.h"
#include "lib/string.h"

#define READ_CHUNK 512
#define READS_PER_TICK 32

void desk_logs_build(struct desk *d)
{
    struct rect c = win_content(d->win);
    struct widget *v = win_add(d->win, WK_VIEW, ID_LOGVIEW,
                               rect_make(DM, DTOP, c.w - 2 * DM, c.h - DTOP - DM), "");
    if (v)
        strlcpy(v->name, "log", sizeof(v->name));
    desk_logs_tick(d);
    desk_view_sync(v, &d->log);
}

void desk_logs_tick(struct desk *d)
{
    char chunk[READ_CHUNK];
    bool changed = false;
    for (int k = 0; k < READS_PER_TICK; k++) {
        size_t n = d->be->log_read(d->be->ctx, &d->log_pos, chunk, sizeof(chunk));
        if (n == 0)
            break;
        changed |= textbuf_feed(&d->log, chunk, n);
    }
    if (changed)
        desk_view_sync(win_find(d->win, ID_LOGVIEW), &d->log);
}
