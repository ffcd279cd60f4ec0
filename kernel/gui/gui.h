/* hv's desktop on the VBE linear framebuffer. Owner: gui. */
#ifndef HV_GUI_GUI_H
#define HV_GUI_GUI_H

#include "hv/bootinfo.h"

/* Runs the installer wizard on the screen with keyboard and mouse until the
 * user leaves it for the recovery shell (returns 0), or returns a negative
 * code at once, after saying why, when there is no usable framebuffer. */
int gui_installer_run(const struct hv_bootinfo *bi, const char *hostname);

#endif
