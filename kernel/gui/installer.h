/* The installer wizard: welcome, keyboard layout, target disk, network,
 * administrator password, summary; every step can go back.  Pure code on
 * the window manager, so host tests walk it; the kernel glue (gui_main.c)
 * supplies the disks and runs the loop. Owner: gui. */
#ifndef HV_GUI_INSTALLER_H
#define HV_GUI_INSTALLER_H

#include <stdbool.h>
#include <stdint.h>
#include "gui/wm.h"

#define INST_MAX_DISKS 16
#define INST_MIN_BYTES (256ull << 20)     /* what hv's own image takes */
/* The admin password guards the whole host: one length for the wizard and
 * the desktop's password change. */
#define GUI_PASSWORD_MIN 8

struct inst_disk {
    char name[12];              /* "ata0" */
    char model[48];
    uint64_t bytes;
    bool boot;                  /* hv booted from it */
};

enum inst_step {
    INST_WELCOME, INST_KEYBOARD, INST_DISK, INST_NETWORK, INST_PASSWORD, INST_SUMMARY,
    INST_INSTALL, INST_DONE, INST_STEPS
};

enum inst_layout { INST_LAYOUT_US, INST_LAYOUT_BR_ABNT2, INST_LAYOUTS };

/* What the user chose so far. */
struct inst_choices {
    int layout;                 /* enum inst_layout */
    int disk;                   /* index into the disks, -1 none */
    bool dhcp;
    char address[32];           /* a.b.c.d/len, static only */
    char gateway[32];           /* a.b.c.d or empty */
    char hostname[64];
    char password[96];          /* never logged */
};

/* What writes the installation (gui/inst_disk.c in the kernel, a fake in
 * the tests).  The wizard calls begin once, then step from its loop until
 * it reports 100 or an error; a refusal or failure comes back as the
 * sentence shown to the user. */
struct inst_backend {
    int (*begin)(void *ctx, const struct inst_choices *c, const struct inst_disk *target,
                 char *why, unsigned len);      /* 0, or negative with why */
    int (*step)(void *ctx, char *why, unsigned len);    /* percent done, or negative */
    void *ctx;
    /* The layout chosen, applied to this keyboard at once, so the password
     * typed next is the one the installed system will read; may be NULL. */
    void (*set_layout)(void *ctx, int layout);
};

struct installer {
    struct wm *wm;
    struct window *win;
    enum inst_step step;
    struct inst_disk disks[INST_MAX_DISKS];
    int ndisks;
    struct inst_choices c;
    bool quit;                  /* the user asked for the recovery shell */
    const struct inst_backend *be;  /* NULL: installing is not available */
    bool installing;            /* between begin and the last step */
    int logged_pct;             /* last progress logged, in tens */
};

/* Opens the wizard's window on the welcome screen; false when it could not
 * be made.  ins must stay put while the wizard runs; be may be NULL. */
bool installer_start(struct installer *ins, struct wm *wm, const struct inst_disk *disks,
                     int ndisks, const char *hostname, const struct inst_backend *be);
/* Call from the loop: runs a slice of an install in progress. */
void installer_tick(struct installer *ins);
const char *installer_step_name(enum inst_step s);     /* "welcome", ... */
/* The checks each step makes before going on: NULL when fine, else the
 * sentence shown to the user. */
const char *installer_check_network(const struct inst_choices *c);
const char *installer_check_password(const char *a, const char *b);
/* The same checks one by one, shared with the desktop's settings (NULL
 * when fine): a host name as HV.CFG takes it, a.b.c.d/len, a gateway or
 * DNS server (a.b.c.d, or empty), a new password typed twice. */
const char *gui_check_hostname(const char *h);
const char *gui_check_address(const char *a);
const char *gui_check_gateway(const char *g);
const char *gui_check_dns(const char *s);
const char *gui_check_new_password(const char *a, const char *b, unsigned min_len);
/* The installed system's HV.CFG: length, or -1 when it does not fit.
 * password_spec is the admin.password value (pbkdf2-sha256$...). */
int installer_config_text(const struct inst_choices *c, const char *password_spec,
                          char *out, unsigned len);

#endif
