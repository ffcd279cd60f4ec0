/* hv's desktop on the VBE linear framebuffer. Owner: gui. */
#ifndef HV_GUI_GUI_H
#define HV_GUI_GUI_H

#include "hv/bootinfo.h"

#include "lib/hvcfg.h"

/* Called once at boot, before the other calls: what the desktop needs from
 * the boot info and HV.CFG (both copied). */
void gui_init(const struct hv_bootinfo *bi, const struct hv_config *cfg);
/* The boot framebuffer (type HV_FB_NONE when there is none). */
const struct hv_framebuffer *gui_framebuffer(void);

/* Runs the installer wizard on the screen with keyboard and mouse until the
 * user leaves it for the recovery shell (returns 0), or returns a negative
 * code at once, after saying why, when there is no usable framebuffer. */
int gui_installer_run(void);

/* Runs the configuration interface (hypervisor mode) until the user leaves
 * it for the recovery shell (0), or returns a negative code at once, after
 * saying why, when there is no usable framebuffer. */
int gui_desktop_run(void);

#endif
