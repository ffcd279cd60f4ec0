/* Memory for the GUI's pure code: the kernel heap, or the C library in host
 * unit tests. Owner: gui. */
#ifndef HV_GUI_MEM_H
#define HV_GUI_MEM_H

#ifdef HV_HOST_TEST
#include <stdlib.h>
#define gui_zalloc(n) calloc(1, (n))
#define gui_free(p) free(p)
#else
#include "mm/heap.h"
#define gui_zalloc(n) kzalloc(n)
#define gui_free(p) kfree(p)
#endif

#endif
