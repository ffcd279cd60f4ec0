/* The NIC registry: drivers add their cards, the network stack and the
 * shell walk the list. Registration happens once at boot on the BSP. */
#include "dev/nic.h"
#include "lib/errno.h"
#include "lib/kprintf.h"

static struct nic *nics[NIC_MAX];
static unsigned nnics;

int nic_register(struct nic *nic, const char *prefix)
{
    if (nnics >= NIC_MAX) {
        kprintf("hv: net: warning: more than %u NICs; %s ignored\n", NIC_MAX, nic->model);
        return -E_NOSPC;
    }
    unsigned same = 0;
    for (unsigned i = 0; i < nnics; i++) {
        const char *a = nics[i]->name, *b = prefix;
        while (*b && *a == *b)
            a++, b++;
        if (!*b && *a == '-')
            same++;
    }
    ksnprintf(nic->name, sizeof(nic->name), "%s-%u", prefix, same);
    nics[nnics++] = nic;
    const uint8_t *m = nic->mac;
    kprintf("hv: net: %s: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", nic->name,
            nic->model, m[0], m[1], m[2], m[3], m[4], m[5], nic->link_up(nic) ? "up" : "down");
    return 0;
}

unsigned nic_count(void)
{
    return nnics;
}

struct nic *nic_get(unsigned i)
{
    return i < nnics ? nics[i] : NULL;
}

void nic_probe_all(void)
{
    e1000_probe();
    virtio_net_probe();
}
