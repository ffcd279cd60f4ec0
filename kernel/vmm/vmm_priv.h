/* Inside the VMM front (vmm.c, vmm_defs.c, vmm_events.c, vmm_show.c): the
 * list of VMs and its lock.  Not for other subsystems: they use vmm.h. */
#ifndef HV_VMM_VMM_PRIV_H
#define HV_VMM_VMM_PRIV_H

#include <stdint.h>
#include "vmm/vm.h"
#include "vmm/vmdef.h"

/* The list lock, interrupts saved: held only for list walks and state
 * changes, never across I/O. */
uint64_t vmm_lock(void);
void vmm_unlock(uint64_t flags);
/* With the lock held. */
struct vm *vmm_find(const char *name);
struct vm *vmm_first(void);

/* A new VM from d (validated) added to the list: 0, -E_EXIST, -E_NOMEM. */
int vmm_add(const struct vmdef *d, bool persistent, const uint8_t *image, size_t image_len);
/* Takes a stopped VM out of the list and frees it: 0, -E_NOENT, -E_BUSY. */
int vmm_remove(const char *name);

/* Records a state change for GET /events (vmm_events.c). */
void vmm_event(const char *vm, const char *what, const char *detail);

const char *vmm_state_name(enum vm_state s);

/* Boot-time: loads VMS/<name>.vm (vmm_defs.c). */
void vmm_load_definitions(void);

#endif
