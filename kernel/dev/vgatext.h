/* The 80x25 VGA text screen (bootinfo HV_FB_EGA_TEXT). Owner: kernel core. */
#ifndef HV_DEV_VGATEXT_H
#define HV_DEV_VGATEXT_H

#include "dev/screen.h"
#include "hv/bootinfo.h"

/* NULL when the description is unusable. */
const struct screen *vgatext_init(const struct hv_framebuffer *fb);

#endif
