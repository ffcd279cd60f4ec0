/* Text on a linear RGB framebuffer (bootinfo HV_FB_RGB, 24 or 32 bpp).
 * Owner: kernel core. */
#ifndef HV_DEV_FBCON_H
#define HV_DEV_FBCON_H

#include "dev/screen.h"
#include "hv/bootinfo.h"

/* Needs the heap (back buffer) and the font; NULL when the framebuffer
 * description is unusable or memory is short. */
const struct screen *fbcon_init(const struct hv_framebuffer *fb);

#endif
