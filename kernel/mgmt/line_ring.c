/* The line ring (line_ring.h). */
#include "mgmt/line_ring.h"

static void move(char *d, const char *s, size_t n)
{
    if (d < s)
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    else
        for (size_t i = n; i-- > 0;)
            d[i] = s[i];
}

int line_ring_append(struct line_ring *r, const char *s, size_t n)
{
    if (n > r->cap)
        return -1;
    if (r->len + n > r->cap) {
        /* Cut at least the excess, then on to the end of that line. */
        size_t cut = r->len + n - r->cap;
        while (cut < r->len && r->buf[cut - 1] != '\n')
            cut++;
        move(r->buf, r->buf + cut, r->len - cut);
        r->len -= cut;
    }
    move(r->buf + r->len, s, n);
    r->len += n;
    return 0;
}

void line_ring_prepend(struct line_ring *r, char *old, size_t n)
{
    if (n == 0 || r->len >= r->cap)
        return;
    size_t room = r->cap - r->len;
    int add_nl = old[n - 1] != '\n';
    /* The part of old that fits, with its first line whole. */
    size_t want = n + (size_t)add_nl;
    size_t from = want > room ? want - room : 0;
    if (from > 0)
        while (from < n && old[from - 1] != '\n')
            from++;
    if (from >= n)
        return;                            /* not even the last old line fits */
    size_t keep = n - from;
    move(r->buf + keep + (size_t)add_nl, r->buf, r->len);
    move(r->buf, old + from, keep);
    if (add_nl)
        r->buf[keep] = '\n';
    r->len += keep + (size_t)add_nl;
}
