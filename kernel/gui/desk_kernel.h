/* The configuration interface's backend in the kernel (desk_kernel.c).
 * Owner: gui. */
#ifndef HV_GUI_DESK_KERNEL_H
#define HV_GUI_DESK_KERNEL_H

#include "gui/desk.h"
#include "lib/hvcfg.h"

/* cfg is what Settings shows and updates when saved; it must outlive the
 * backend. */
const struct desk_backend *desk_kernel_backend(struct hv_config *cfg);

#endif
