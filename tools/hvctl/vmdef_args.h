/* A VM definition from the command line: `vm create NAME KEY=VALUE...`
 * and `vm set NAME KEY=VALUE...` with the keys of hv's definition files
 * (memory, vcpus, boot, disk, autostart), turned into the JSON body of
 * POST /api/v1/vms or PATCH /api/v1/vms/NAME (docs/api.md). */
#ifndef HVCTL_VMDEF_ARGS_H
#define HVCTL_VMDEF_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* The JSON text (malloc'd) or NULL with why set (for the usage message).
 * name goes into the body for create (patch: left out). */
char *vmdef_args_json(const char *name, int argc, char **argv, bool patch, char *why, size_t n);

#endif
