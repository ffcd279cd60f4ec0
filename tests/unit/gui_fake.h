/* What the GUI unit tests share: a fake 8x16 font whose glyphs are solid
 * blocks (space is empty), a screen in memory and the UI log captured. */
#ifndef GUI_FAKE_H
#define GUI_FAKE_H

#include "gui/wm.h"

extern struct font fake_font;
extern struct face fake_face, fake_big;
extern char fake_log[8192];             /* every "ui:" line since fake_reset */
extern struct canvas fake_screen;       /* what the output received */
extern int fake_flushes;                /* flush calls since fake_reset */
extern long fake_flushed_px;            /* pixels flushed since fake_reset */

void fake_reset(void);
struct wm *fake_wm(int w, int h);       /* a wm writing to fake_screen */
void fake_wm_free(struct wm *wm);
uint32_t fake_px(int x, int y);         /* from fake_screen */
int fake_log_has(const char *line);     /* the log holds this whole line */

#endif
