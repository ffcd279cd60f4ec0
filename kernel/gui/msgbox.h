/* A modal message box: a title, a few lines of text and an OK button (or a
 * question with two answers); it takes all input until closed (Enter, Esc,
 * Space or a click on a button).  Pure code. Owner: gui. */
#ifndef HV_GUI_MSGBOX_H
#define HV_GUI_MSGBOX_H

#include "gui/wm.h"

/* Logs "ui: message=<text>"; on_close (may be NULL) runs after it closed.
 * NULL when the window cannot be made (the message is still logged). */
struct window *msgbox_open(struct wm *wm, const char *title, const char *text,
                           void (*on_close)(void *ctx), void *ctx);
/* A question: buttons yes and no (no is focused, and Esc answers it);
 * on_answer runs after the box closed, with the answer.  Logs like
 * msgbox_open; NULL when the window cannot be made (no answer comes). */
struct window *msgbox_ask(struct wm *wm, const char *title, const char *text, const char *yes,
                          const char *no, void (*on_answer)(void *ctx, bool yes), void *ctx);
/* Closes wm's open message boxes without running their callbacks (the
 * desktop locks). */
void msgbox_dismiss(struct wm *wm);

#endif
