/* A modal message box: a title, a few lines of text and an OK button; it
 * takes all input until closed (Enter, Esc, Space or a click on OK).
 * Pure code. Owner: gui. */
#ifndef HV_GUI_MSGBOX_H
#define HV_GUI_MSGBOX_H

#include "gui/wm.h"

/* Logs "ui: message=<text>"; on_close (may be NULL) runs after it closed.
 * NULL when the window cannot be made (the message is still logged). */
struct window *msgbox_open(struct wm *wm, const char *title, const char *text,
                           void (*on_close)(void *ctx), void *ctx);

#endif
