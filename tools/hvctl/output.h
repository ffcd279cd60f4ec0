/* What hvctl prints: the server's JSON as is (pretty), or tables for people. */
#ifndef HVCTL_OUTPUT_H
#define HVCTL_OUTPUT_H

#include <cjson/cJSON.h>

void out_json(const cJSON *doc);
void out_host(const cJSON *host);
void out_vm_list(const cJSON *vms);   /* the "vms" array */
void out_vm(const cJSON *vm);
void out_vm_state(const cJSON *vm);   /* one line after start/stop */
void out_disks(const cJSON *doc);     /* GET /disks */
void out_network(const cJSON *doc);   /* GET /network */
void out_events(const cJSON *doc);    /* GET /events */

#endif
