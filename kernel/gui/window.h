/* A window: a frame with a title bar, a pixel buffer of its own and the
 * widgets in it, with keyboard focus among them.  Windows are made, stacked
 * and composited by the window manager (wm.h). Pure code. Owner: gui. */
#ifndef HV_GUI_WINDOW_H
#define HV_GUI_WINDOW_H

#include <stdbool.h>
#include "gui/gfx.h"
#include "gui/widget.h"

#define WIN_MAX_WIDGETS 32

struct wm;
struct window;

/* A button pressed, a checkbox toggled or a list row chosen. */
typedef void (*win_action_fn)(struct window *win, struct widget *w, void *ctx);
/* Sees every key first (a console window types them into a VM); true when
 * it took the key. */
typedef bool (*win_key_fn)(struct window *win, int key, void *ctx);

struct window {
    struct wm *wm;
    struct rect r;                  /* on the screen, frame included */
    char title[64];
    struct canvas buf;              /* the whole window, frame included */
    struct widget w[WIN_MAX_WIDGETS];
    int n;                          /* widgets in use */
    int focus;                      /* index into w, -1 for none */
    int default_id, cancel_id;      /* buttons for Enter and Esc, -1 for none */
    bool repaint;                   /* frame and every widget need painting */
    bool closing;                   /* closed, freed after the next compose */
    win_action_fn on_action;
    win_key_fn on_key;              /* NULL: the usual focus and widget keys */
    void *ctx;
};

/* The content area (below the title bar, inside the border), window coords. */
struct rect win_content(const struct window *win);
/* NULL when the window is full. The widget is named after its text. */
struct widget *win_add(struct window *win, enum widget_kind k, int id, struct rect r,
                       const char *text);
struct widget *win_find(struct window *win, int id);     /* NULL when none */
void win_clear(struct window *win);                      /* no widgets, no focus */
void win_set_title(struct window *win, const char *title);
/* Focus a widget (logs "ui: focus=<kind>:<name>"); NULL clears. */
void win_focus(struct window *win, struct widget *w);
struct widget *win_focused(struct window *win);
/* Tab, arrows, Enter, Esc, Space, or a key for the focused widget. */
void win_key(struct window *win, int key);
/* A left click at window coordinates inside the content. */
void win_click(struct window *win, int x, int y);
/* Button press / checkbox toggle as the user would; how is "click" or "press". */
void win_activate(struct window *win, struct widget *w, const char *how);
/* When the window manager asks for it (wm->log_at), logs the screen centre
 * of every control, one line each: "ui: at=button:<name> <x>,<y>" (also
 * text:, list:, check:), so tests can click without knowing the layout.
 * Call once the window is placed and its widgets made. */
void win_log_buttons(struct window *win);
/* Paints what changed; adds the screen rectangles it changed to d. */
void win_paint(struct window *win, bool active, const struct face *face,
               const struct face *big, struct damage *d, struct rect screen);

#endif
