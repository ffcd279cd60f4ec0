/* The HV.CFG an installation gets, from the wizard's choices. */
#include "gui/installer.h"
#include "lib/hvcfg.h"
#include "lib/kprintf.h"

/* HV.CFG's `keyboard` values (lib/hvcfg.c), in the wizard's order. */
static const char *const layout_keys[INST_LAYOUTS] = { "us", "br-abnt2" };
_Static_assert((int)INST_LAYOUT_US == (int)HVCFG_KBD_US &&
               (int)INST_LAYOUT_BR_ABNT2 == (int)HVCFG_KBD_BR_ABNT2 &&
               (int)INST_LAYOUTS == (int)HVCFG_KBD_COUNT, "the wizard's layouts are HV.CFG's");

int installer_config_text(const struct inst_choices *c, const char *password_spec,
                          char *out, unsigned len)
{
    char net[128];
    if (c->dhcp)
        ksnprintf(net, sizeof(net), "net.mode = dhcp\n");
    else
        ksnprintf(net, sizeof(net), "net.mode = static\nnet.address = %s\n%s%s%s", c->address,
                  c->gateway[0] ? "net.gateway = " : "", c->gateway, c->gateway[0] ? "\n" : "");
    int n = ksnprintf(out, len,
                      "# hv configuration, written by the hv installer (docs/boot.md \"HV.CFG\").\n"
                      "boot.default = hypervisor\n"
                      "boot.timeout = 3\n"
                      "hostname = %s\n"
                      "%s"
                      "keyboard = %s\n"
                      "# The desktop on the screen after boot (off: headless).\n"
                      "desktop = on\n"
                      "admin.password = %s\n",
                      c->hostname, net,
                      layout_keys[c->layout >= 0 && c->layout < INST_LAYOUTS ? c->layout : 0],
                      password_spec);
    return n < 0 || (unsigned)n >= len ? -1 : n;
}
