/* Rectangles and the damage list: what the compositor must redraw.
 * Pure code (host unit tests). Owner: gui. */
#ifndef HV_GUI_RECT_H
#define HV_GUI_RECT_H

#include <stdbool.h>

struct rect {
    int x, y, w, h;             /* empty when w <= 0 or h <= 0 */
};

#define DAMAGE_MAX 16

struct damage {
    struct rect r[DAMAGE_MAX];  /* disjointness not promised, only coverage */
    int n;
};

static inline struct rect rect_make(int x, int y, int w, int h)
{
    return (struct rect){ x, y, w, h };
}

bool rect_empty(struct rect a);
struct rect rect_intersect(struct rect a, struct rect b);
struct rect rect_union(struct rect a, struct rect b);     /* bounding box */
bool rect_contains(struct rect a, int x, int y);

/* Adds r clipped to bounds; when the list is full, the two rectangles
 * whose bounding box wastes least are merged first. */
void damage_add(struct damage *d, struct rect r, struct rect bounds);
void damage_clear(struct damage *d);

#endif
