/* The window manager and compositor: stacks windows, routes keys to the
 * focused one and the mouse to the one under it, moves windows dragged by
 * their title bar, draws the cursor, and composes only the damaged parts
 * of the screen into a back buffer that it hands to the output.  Only the
 * output (the kernel's framebuffer glue, or a test) touches the screen.
 * Pure code. Owner: gui. */
#ifndef HV_GUI_WM_H
#define HV_GUI_WM_H

#include <stdbool.h>
#include <stdint.h>
#include "gui/gfx.h"
#include "gui/window.h"

#define WM_MAX_WINDOWS 8

struct wm_output {
    /* Copy rectangle r of back to the screen. */
    void (*flush)(void *ctx, const struct canvas *back, struct rect r);
    void *ctx;
};

struct wm {
    struct canvas back;             /* the composed screen */
    struct face face, big;          /* body text and headings */
    char banner[96];                /* the desktop's top bar */
    struct window *z[WM_MAX_WINDOWS];   /* bottom to top */
    int nz;
    struct window *closed[WM_MAX_WINDOWS];  /* freed after the next compose */
    int nclosed;
    struct window *modal;           /* while set, only it gets input */
    struct damage dmg;              /* screen parts to compose */
    int mx, my;                     /* the cursor's hot spot */
    uint8_t buttons;                /* MOUSE_* held at the last event */
    struct window *drag;            /* being moved by its title bar */
    int drag_dx, drag_dy;           /* cursor minus window origin */
    struct wm_output out;
    unsigned long frames;           /* composes that flushed something */
    bool log_at;                    /* windows log their controls' places (win_log_buttons) */
};

/* NULL when memory is short. The screen starts all damaged. */
struct wm *wm_create(int w, int h, const struct face *face, const struct face *big,
                     const char *banner, struct wm_output out);
void wm_destroy(struct wm *wm);
const struct face *wm_face(const struct wm *wm);

/* A new window on top, focused; r is its frame. NULL when out of memory or slots. */
struct window *wm_open(struct wm *wm, struct rect r, const char *title);
struct window *wm_open_centered(struct wm *wm, int w, int h, const char *title);
void wm_close(struct wm *wm, struct window *win);
void wm_raise(struct wm *wm, struct window *win);     /* to the top, focused */
void wm_move(struct wm *wm, struct window *win, int x, int y);
void wm_set_modal(struct wm *wm, struct window *win); /* NULL ends it */
struct window *wm_top(const struct wm *wm);           /* the focused window */
struct window *wm_window_at(const struct wm *wm, int x, int y);

void wm_key(struct wm *wm, int key);
/* Relative motion and the buttons now held (MOUSE_LEFT ...). */
void wm_mouse(struct wm *wm, int dx, int dy, uint8_t buttons);
void wm_damage(struct wm *wm, struct rect r);
/* Paint changed windows, compose the damage, flush it; true when anything
 * was flushed. */
bool wm_compose(struct wm *wm);

#endif
