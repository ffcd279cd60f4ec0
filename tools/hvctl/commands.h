/* hvctl's commands: each maps to one API call and returns an exit code. */
#ifndef HVCTL_COMMANDS_H
#define HVCTL_COMMANDS_H

#include "hvctl.h"

int cmd_login(const struct hvctl_opts *o);
int cmd_host(const struct hvctl_opts *o);
int cmd_vm_list(const struct hvctl_opts *o);
int cmd_vm_show(const struct hvctl_opts *o, const char *name);
int cmd_vm_start(const struct hvctl_opts *o, const char *name);
int cmd_vm_stop(const struct hvctl_opts *o, const char *name);

/* Commands the API does not offer yet (docs/api.md): an honest refusal. */
int cmd_unsupported(const char *what);

/* Whether NAME can go into a request path unescaped as one segment. */
int vm_name_ok(const char *name);

#endif
