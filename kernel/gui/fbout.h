/* The VBE linear framebuffer as the compositor's output (kernel only).
 * Owner: gui. */
#ifndef HV_GUI_FBOUT_H
#define HV_GUI_FBOUT_H

#include "gui/wm.h"
#include "hv/bootinfo.h"

/* Maps fb and fills out with a flush that copies (or converts, for modes
 * other than 32-bit x8r8g8b8) rectangles of the back buffer to it.
 * -E_INVAL for a mode the desktop cannot use (not RGB, 16 bpp, under
 * 640x480), -E_NOMEM when it cannot be mapped. One framebuffer per boot. */
int fbout_open(const struct hv_framebuffer *fb, struct wm_output *out);

#endif
