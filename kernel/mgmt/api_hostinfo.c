/* GET / and GET /api/v1/host (named so that kernel/build.mk, which leaves
 * out *_host.c as host-only files, builds it). */
#include "mgmt/api.h"
#include "mgmt/http_server.h"
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/percpu.h"
#include "dev/timer.h"
#include "lib/kprintf.h"
#include "mm/pmm.h"
#include "vmm/vmm.h"

void api_root(struct http_ctx *cx)
{
    char text[128];
    ksnprintf(text, sizeof(text), "hv %s on %s\n", HV_VERSION, http_server_hostname());
    http_resp_text(cx->resp, 200, text);
}

void api_host_get(struct http_ctx *cx)
{
    struct json_out *j = &cx->resp->body;
    /* The backend only counts when the VMM runs with it (hypervisor mode). */
    const char *unavailable = vmm_unavailable();
    json_obj_begin(j);
    json_key(j, "version");
    json_str(j, HV_VERSION);
    json_key(j, "hostname");
    json_str(j, http_server_hostname());
    json_key(j, "uptime_s");
    json_u64(j, timer_now_ns() / 1000000000u);
    json_key(j, "cpus");
    json_u64(j, cpu_count());
    json_key(j, "memory");
    json_obj_begin(j);
    json_key(j, "total_mib");
    json_u64(j, pmm_usable_bytes() >> 20);
    json_key(j, "free_mib");
    json_u64(j, pmm_free_bytes() >> 20);
    json_obj_end(j);
    json_key(j, "backend");
    json_str(j, unavailable ? NULL : cpufeat_virt_backend());
    json_key(j, "vms_unavailable");
    json_str(j, unavailable);
    json_obj_end(j);
}
