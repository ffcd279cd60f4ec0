/* Rectangle arithmetic and damage bookkeeping. */
#include "gui/rect.h"

bool rect_empty(struct rect a)
{
    return a.w <= 0 || a.h <= 0;
}

static int min(int a, int b) { return a < b ? a : b; }
static int max(int a, int b) { return a > b ? a : b; }

struct rect rect_intersect(struct rect a, struct rect b)
{
    int x0 = max(a.x, b.x), y0 = max(a.y, b.y);
    int x1 = min(a.x + a.w, b.x + b.w), y1 = min(a.y + a.h, b.y + b.h);
    if (x1 <= x0 || y1 <= y0)
        return rect_make(0, 0, 0, 0);
    return rect_make(x0, y0, x1 - x0, y1 - y0);
}

struct rect rect_union(struct rect a, struct rect b)
{
    if (rect_empty(a))
        return b;
    if (rect_empty(b))
        return a;
    int x0 = min(a.x, b.x), y0 = min(a.y, b.y);
    int x1 = max(a.x + a.w, b.x + b.w), y1 = max(a.y + a.h, b.y + b.h);
    return rect_make(x0, y0, x1 - x0, y1 - y0);
}

bool rect_contains(struct rect a, int x, int y)
{
    return x >= a.x && y >= a.y && x < a.x + a.w && y < a.y + a.h;
}

static long area(struct rect a)
{
    return rect_empty(a) ? 0 : (long)a.w * a.h;
}

/* The bounding box of a and b costs this many pixels nobody asked for. */
static long waste(struct rect a, struct rect b)
{
    return area(rect_union(a, b)) - area(a) - area(b) + area(rect_intersect(a, b));
}

void damage_add(struct damage *d, struct rect r, struct rect bounds)
{
    r = rect_intersect(r, bounds);
    if (rect_empty(r))
        return;
    /* Overlapping rectangles whose bounding box costs no more than the two
     * would be flushed twice: merge them (and again with what then overlaps). */
    for (int i = 0; i < d->n; i++) {
        struct rect u = rect_union(d->r[i], r);
        if (!rect_empty(rect_intersect(d->r[i], r)) &&
            area(u) <= area(d->r[i]) + area(r)) {
            r = u;
            d->r[i] = d->r[--d->n];
            i = -1;
        }
    }
    if (d->n == DAMAGE_MAX) {
        int bi = 0, bj = 1;
        long best = -1;
        for (int i = 0; i < d->n; i++)
            for (int j = i + 1; j < d->n; j++) {
                long w = waste(d->r[i], d->r[j]);
                if (best < 0 || w < best) {
                    best = w;
                    bi = i;
                    bj = j;
                }
            }
        d->r[bi] = rect_union(d->r[bi], d->r[bj]);
        d->r[bj] = d->r[--d->n];
    }
    d->r[d->n++] = r;
}

void damage_clear(struct damage *d)
{
    d->n = 0;
}
