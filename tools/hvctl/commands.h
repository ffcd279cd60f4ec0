/* hvctl's commands: each maps to one API call and returns an exit code. */
#ifndef HVCTL_COMMANDS_H
#define HVCTL_COMMANDS_H

#include <stdbool.h>
#include <cjson/cJSON.h>
#include "hvctl.h"

int cmd_login(const struct hvctl_opts *o);
int cmd_host(const struct hvctl_opts *o);
int cmd_vm_list(const struct hvctl_opts *o);
int cmd_vm_show(const struct hvctl_opts *o, const char *name);
int cmd_vm_start(const struct hvctl_opts *o, const char *name);
int cmd_vm_stop(const struct hvctl_opts *o, const char *name);

/* POST .../reset|pause|resume|shutdown: one line with the new state. */
int cmd_vm_action(const struct hvctl_opts *o, const char *action, const char *name);
int cmd_vm_delete(const struct hvctl_opts *o, const char *name);
/* body: the JSON definition (vmdef_args.h); patch: PATCH an existing VM. */
int cmd_vm_define(const struct hvctl_opts *o, const char *name, const char *body, bool patch);
/* Follows the console, types stdin (console.c). */
int cmd_vm_console(const struct hvctl_opts *o, const char *name);
/* GET path and print it with show (or the JSON). */
int cmd_get(const struct hvctl_opts *o, const char *path, void (*show)(const cJSON *));

/* The API call every command makes (commands.c); see there. */
int call_api(const struct hvctl_opts *o, const char *method, const char *path, cJSON **out);
int call_api_body(const struct hvctl_opts *o, const char *method, const char *path,
                  const char *body, cJSON **out);

/* Whether NAME can go into a request path unescaped as one segment. */
int vm_name_ok(const char *name);

#endif
