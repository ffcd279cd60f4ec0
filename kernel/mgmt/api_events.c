/* GET /api/v1/events?since=N: the VMs' state changes from sequence number
 * N on (vmm.h keeps the last 256). A client follows them by asking again
 * with the "next" of the previous answer; "lost" counts events that were
 * overwritten before it asked. */
#include "mgmt/api.h"
#include "lib/errno.h"
#include "vmm/vmm.h"

#define EVENTS_MAX 100                     /* per answer: ~200 bytes each */
#define EVENTS_KEPT 256                    /* vmm.h's ring: older ones are surely gone */

void api_events(struct http_ctx *cx)
{
    uint64_t since = 0, max = EVENTS_MAX;
    if (route_query_u64(cx, "since", &since) < 0 || route_query_u64(cx, "max", &max) < 0) {
        http_resp_error(cx->resp, 400, "since and max must be decimal numbers", NULL, 0);
        return;
    }
    if (max == 0 || max > EVENTS_MAX)
        max = EVENTS_MAX;
    uint64_t end = vmm_event_next_seq(), seq = since, lost = 0;
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "events");
    json_arr_begin(j);
    unsigned n = 0;
    struct vmm_event e;
    if (end > EVENTS_KEPT && seq < end - EVENTS_KEPT) {
        lost = end - EVENTS_KEPT - seq;    /* not one -E_RANGE per lost event */
        seq = end - EVENTS_KEPT;
    }
    for (; seq < end && n < max; seq++) {
        int rc = vmm_event_get(seq, &e);
        if (rc == -E_RANGE) {
            lost++;                        /* overwritten: skip ahead */
            continue;
        }
        if (rc < 0)
            break;
        json_obj_begin(j);
        json_key(j, "seq");
        json_u64(j, e.seq);
        json_key(j, "time_ms");
        json_u64(j, e.time_ns / 1000000u);
        json_key(j, "vm");
        json_str(j, e.vm);
        json_key(j, "what");
        json_str(j, e.what);
        json_key(j, "detail");
        json_str(j, e.detail[0] ? e.detail : NULL);
        json_obj_end(j);
        n++;
    }
    json_arr_end(j);
    json_key(j, "next");
    json_u64(j, seq > end ? end : (seq < since ? since : seq));
    json_key(j, "lost");
    json_u64(j, lost);
    json_obj_end(j);
}
