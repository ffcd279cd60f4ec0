/* Temporary: the vmm.h functions being written, answering "not supported"
 * until they land, so their callers build.  Goes away with them. */
#include "vmm/vmm.h"
#include "lib/errno.h"

int vm_reset(const char *name) { (void)name; return -E_NOSYS; }
int vm_pause(const char *name) { (void)name; return -E_NOSYS; }
int vm_resume(const char *name) { (void)name; return -E_NOSYS; }
int vm_shutdown(const char *name, unsigned g) { (void)name; (void)g; return -E_NOSYS; }
long vm_console_write(const char *name, const void *b, size_t n) { (void)name; (void)b; (void)n; return -E_NOSYS; }
long vm_console_since(const char *name, uint64_t from, char *buf, size_t n, uint64_t *next, uint64_t *first)
{ (void)name; (void)from; (void)buf; (void)n; (void)next; (void)first; return -E_NOSYS; }
int vmm_event_get(uint64_t seq, struct vmm_event *out) { (void)seq; (void)out; return -E_NOENT; }
uint64_t vmm_event_next_seq(void) { return 0; }
int vm_define(const struct vmdef *d, char *err, size_t l) { (void)d; (void)err; (void)l; return -E_NOSYS; }
int vm_set(const char *name, const char *k, const char *v, char *err, size_t l) { (void)name; (void)k; (void)v; (void)err; (void)l; return -E_NOSYS; }
int vm_delete(const char *name) { (void)name; return -E_NOSYS; }
int vm_get_def(const char *name, struct vmdef *out) { (void)name; (void)out; return -E_NOSYS; }
