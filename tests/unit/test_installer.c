/* The installer wizard walked by keys and mouse, on a screen in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "gui_fake.h"
#include "gui/installer.h"
#include "gui/keys.h"
#include "gui/theme.h"
#include "dev/mouse_packet.h"

static const struct inst_disk disks[] = {
    { "ata0", "QEMU HARDDISK", 256ull << 20, true },
    { "ata1", "QEMU HARDDISK", 2ull << 30, false },
    { "ata2", "TINY DISK", 64ull << 20, false },
};

static struct installer ins;

/* A backend that writes nothing: begin may refuse, step walks a script. */
static const int *script;          /* percents, or -1 for a failure */
static int script_pos, begun;
static const char *begin_refusal;
static char begun_disk[12];
static char begun_password[96];

static int fake_begin(void *ctx, const struct inst_choices *c, const struct inst_disk *d,
                      char *why, unsigned len)
{
    (void)ctx;
    if (begin_refusal) {
        snprintf(why, len, "%s", begin_refusal);
        return -1;
    }
    begun++;
    snprintf(begun_disk, sizeof(begun_disk), "%s", d->name);
    snprintf(begun_password, sizeof(begun_password), "%s", c->password);
    script_pos = 0;
    return 0;
}

static int fake_step(void *ctx, char *why, unsigned len)
{
    (void)ctx;
    int v = script[script_pos++];
    if (v < 0)
        snprintf(why, len, "Writing ata1 failed at sector 2048: I/O error.");
    return v;
}

static int applied_layout = -1;

static void fake_set_layout(void *ctx, int layout)
{
    (void)ctx;
    applied_layout = layout;
}

static const struct inst_backend fake_be = { fake_begin, fake_step, 0, fake_set_layout };
static const struct inst_backend *use_be;

static void keys(struct wm *wm, const char *s)
{
    for (; *s; s++)
        wm_key(wm, *s == '\n' ? KEY_ENTER : *s == '\t' ? KEY_TAB : (unsigned char)*s);
    wm_compose(wm);
}

static struct wm *start(int ndisks)
{
    struct wm *wm = fake_wm(1024, 768);
    assert_true(installer_start(&ins, wm, disks, ndisks, "hv", use_be));
    wm_compose(wm);
    assert_true(fake_log_has("ui: screen=installer/welcome"));
    return wm;
}

/* The layout applies when the keyboard step is left, so the password is
 * typed on the layout the installed system will use. */
static void test_layout_applied_at_once(void **state)
{
    (void)state;
    use_be = &fake_be;
    applied_layout = -1;
    struct wm *wm = start(3);
    keys(wm, "\n");
    wm_key(wm, KEY_DOWN);
    assert_int_equal(applied_layout, -1);
    keys(wm, "\n");
    assert_int_equal(applied_layout, INST_LAYOUT_BR_ABNT2);
    wm_key(wm, KEY_ESC);                    /* back to the keyboard step */
    wm_key(wm, KEY_UP);
    wm_key(wm, KEY_ESC);                    /* and back again: leaving saves */
    assert_int_equal(applied_layout, INST_LAYOUT_US);
    fake_wm_free(wm);
    use_be = 0;
}

static void test_walk_forward_and_back(void **state)
{
    (void)state;
    struct wm *wm = start(3);
    assert_true(fake_log_has("ui: focus=button:Next"));
    keys(wm, "\n");
    assert_true(fake_log_has("ui: screen=installer/keyboard"));
    assert_true(fake_log_has("ui: focus=list:layouts"));
    wm_key(wm, KEY_DOWN);
    assert_true(fake_log_has("ui: select=Portuguese (Brazil, ABNT2)"));
    keys(wm, "\n");
    assert_int_equal(ins.c.layout, INST_LAYOUT_BR_ABNT2);
    assert_true(fake_log_has("ui: screen=installer/disk"));
    /* the first disk that is not the boot disk is preselected */
    assert_int_equal(win_find(ins.win, 4)->value, 1);
    assert_non_null(strstr(win_find(ins.win, 4)->items[0], "(boot disk)"));
    assert_non_null(strstr(win_find(ins.win, 4)->items[1], "2.0 GiB"));
    keys(wm, "\n");
    assert_int_equal(ins.c.disk, 1);
    assert_true(fake_log_has("ui: screen=installer/network"));
    fake_reset();
    wm_key(wm, KEY_ESC);                                   /* back keeps the choices */
    assert_true(fake_log_has("ui: screen=installer/disk"));
    assert_int_equal(win_find(ins.win, 4)->value, 1);
    wm_key(wm, KEY_ESC);
    assert_true(fake_log_has("ui: screen=installer/keyboard"));
    assert_int_equal(win_find(ins.win, 4)->value, INST_LAYOUT_BR_ABNT2);
    wm_key(wm, KEY_ESC);
    assert_true(fake_log_has("ui: screen=installer/welcome"));
    wm_key(wm, KEY_ESC);                                   /* no back from the start */
    assert_int_equal(ins.step, INST_WELCOME);
    fake_wm_free(wm);
}

static struct wm *to_step(enum inst_step s)
{
    struct wm *wm = start(3);
    while (ins.step < s)
        keys(wm, "\n");
    return wm;
}

static void test_network_refusals(void **state)
{
    (void)state;
    struct wm *wm = to_step(INST_NETWORK);
    /* DHCP box, address, gateway, host name */
    keys(wm, "\t\t\t");
    assert_true(fake_log_has("ui: focus=text:hostname"));
    wm_key(wm, KEY_BACKSPACE);
    wm_key(wm, KEY_BACKSPACE);
    fake_reset();
    keys(wm, "\n");
    assert_true(fake_log_has("ui: refused=The host name must not be empty."));
    assert_true(fake_log_has("ui: message=The host name must not be empty."));
    assert_int_equal(ins.step, INST_NETWORK);
    keys(wm, "\n");                                        /* closes the box */
    keys(wm, "box-1");
    /* static without an address */
    struct widget *dhcp = win_find(ins.win, 5);
    win_focus(ins.win, dhcp);
    keys(wm, " ");
    assert_false(dhcp->checked);
    fake_reset();
    keys(wm, "\n");
    assert_true(fake_log_has("ui: refused=The static address must look like 192.168.1.20/24."));
    keys(wm, "\n\t10.0.0.5/24\t10.0.0.1\n");
    assert_int_equal(ins.step, INST_PASSWORD);
    assert_string_equal(ins.c.address, "10.0.0.5/24");
    assert_string_equal(ins.c.hostname, "box-1");
    fake_wm_free(wm);
}

static void test_password_refusals(void **state)
{
    (void)state;
    struct wm *wm = to_step(INST_PASSWORD);
    assert_true(fake_log_has("ui: focus=text:password"));
    fake_reset();
    keys(wm, "\n");
    assert_true(fake_log_has("ui: refused=The password must not be empty."));
    keys(wm, "\n");
    win_focus(ins.win, win_find(ins.win, 9));
    keys(wm, "secret\tsecret\n");                        /* 6 characters */
    assert_true(fake_log_has("ui: refused=The password must be at least 8 characters long."));
    assert_int_equal(ins.step, INST_PASSWORD);
    keys(wm, "\n");
    win_focus(ins.win, win_find(ins.win, 9));              /* the first field */
    widget_set_text(win_find(ins.win, 9), "");
    widget_set_text(win_find(ins.win, 10), "");
    keys(wm, "secret-pw\tsecret-pW\n");
    assert_true(fake_log_has("ui: refused=The two passwords do not match."));
    assert_int_equal(ins.step, INST_PASSWORD);
    assert_null(strstr(fake_log, "secret"));               /* never logged */
    keys(wm, "\n");                                        /* box closed, focus on "again" */
    assert_true(fake_log_has("ui: focus=text:password again"));
    keys(wm, "secret-pw\n");
    assert_int_equal(ins.step, INST_SUMMARY);
    assert_string_equal(ins.c.password, "secret-pw");
    assert_true(fake_log_has("ui: screen=installer/summary"));
    assert_true(fake_log_has("ui: summary=disk=ata1 layout=us net=dhcp hostname=hv"));
    fake_wm_free(wm);
}

static void test_summary_and_mouse(void **state)
{
    (void)state;
    use_be = 0;
    struct wm *wm = to_step(INST_PASSWORD);
    keys(wm, "password\tpassword\n");
    assert_int_equal(ins.step, INST_SUMMARY);
    /* the warning names the disk, in the error colour */
    int warned = 0;
    for (int i = 0; i < ins.win->n; i++)
        if (strstr(ins.win->w[i].text, "ALL DATA on ata1") && ins.win->w[i].color == TH_ERROR)
            warned = 1;
    assert_true(warned);
    fake_reset();
    keys(wm, "\n");
    assert_true(fake_log_has("ui: press=button:Install"));
    assert_true(fake_log_has("ui: refused=Installing is not available in this build: nothing "
                             "was written."));
    assert_int_equal(ins.step, INST_SUMMARY);
    keys(wm, "\n");                                        /* OK */
    /* Back with the mouse */
    struct widget *back = win_find(ins.win, 1);
    struct rect c = win_content(ins.win);
    int x = ins.win->r.x + c.x + back->r.x + 10, y = ins.win->r.y + c.y + back->r.y + 10;
    wm_mouse(wm, x - wm->mx, y - wm->my, MOUSE_LEFT);
    wm_mouse(wm, 0, 0, 0);
    assert_true(fake_log_has("ui: click=button:Back"));
    assert_int_equal(ins.step, INST_PASSWORD);
    wm_compose(wm);
    /* the title bar of the wizard on screen, focused colour */
    assert_int_equal(fake_px(ins.win->r.x + 400, ins.win->r.y + 5), TH_TITLE);
    fake_wm_free(wm);
}

static struct wm *to_install(const int *steps)
{
    use_be = &fake_be;
    script = steps;
    begin_refusal = 0;
    begun = 0;
    struct wm *wm = to_step(INST_PASSWORD);
    keys(wm, "password\tpassword\n");
    assert_int_equal(ins.step, INST_SUMMARY);
    return wm;
}

static void test_install_progress_and_done(void **state)
{
    (void)state;
    static const int steps[] = { 0, 5, 37, 99, 100 };
    struct wm *wm = to_install(steps);
    fake_reset();
    keys(wm, "\n");
    assert_int_equal(begun, 1);
    assert_string_equal(begun_disk, "ata1");
    assert_string_equal(begun_password, "password");
    assert_true(fake_log_has("ui: install=ata1"));
    assert_true(fake_log_has("ui: screen=installer/install"));
    assert_null(win_find(ins.win, 1));                     /* no going back while writing */
    installer_tick(&ins);
    installer_tick(&ins);
    assert_true(fake_log_has("ui: progress=0"));
    assert_false(fake_log_has("ui: progress=5"));          /* logged by tens */
    installer_tick(&ins);
    assert_true(fake_log_has("ui: progress=37"));
    assert_int_equal(win_find(ins.win, 11)->value, 37);
    wm_compose(wm);
    installer_tick(&ins);
    installer_tick(&ins);
    assert_true(fake_log_has("ui: progress=100"));
    assert_true(fake_log_has("ui: installed=ata1"));
    assert_true(fake_log_has("ui: screen=installer/done"));
    installer_tick(&ins);                                  /* finished: nothing more */
    assert_int_equal(script_pos, 5);
    keys(wm, "\n");                                        /* Recovery shell */
    assert_true(ins.quit);
    fake_wm_free(wm);
}

static void test_install_refused_and_failed(void **state)
{
    (void)state;
    static const int steps[] = { 10, -1 };
    struct wm *wm = to_install(steps);
    begin_refusal = "hv runs from ata1: choose another disk.";
    fake_reset();
    keys(wm, "\n");
    assert_true(fake_log_has("ui: refused=hv runs from ata1: choose another disk."));
    assert_int_equal(ins.step, INST_SUMMARY);
    keys(wm, "\n");                                        /* OK */
    begin_refusal = 0;
    keys(wm, "\n");
    assert_int_equal(ins.step, INST_INSTALL);
    installer_tick(&ins);
    installer_tick(&ins);
    assert_true(fake_log_has("ui: install-failed=Writing ata1 failed at sector 2048: I/O error."));
    assert_true(fake_log_has("ui: message=Writing ata1 failed at sector 2048: I/O error."));
    assert_int_equal(ins.step, INST_SUMMARY);
    assert_false(ins.installing);
    fake_wm_free(wm);
}

static void test_disk_refusals(void **state)
{
    (void)state;
    struct wm *wm = to_step(INST_DISK);
    wm_key(wm, KEY_DOWN);                                  /* ata2, 64 MiB */
    fake_reset();
    keys(wm, "\n");
    assert_true(fake_log_has("ui: refused=The disk ata2 is too small: hv needs at least 256 MiB."));
    assert_int_equal(ins.step, INST_DISK);
    fake_wm_free(wm);
    wm = start(0);
    keys(wm, "\n\n");
    fake_reset();
    keys(wm, "\n");
    assert_true(fake_log_has("ui: refused=There is no disk to install to."));
    fake_wm_free(wm);
}

static void test_checks(void **state)
{
    (void)state;
    struct inst_choices c = { .dhcp = false, .hostname = "hv" };
    strcpy(c.address, "192.168.1.20/24");
    assert_null(installer_check_network(&c));
    const char *bad[] = { "192.168.1/24", "192.168.1.256/24", "1.2.3.4", "1.2.3.4/", "1.2.3.4/33",
                          "1.2.3.4/0", "a.b.c.d/8", "1..2.3/8" };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        strcpy(c.address, bad[i]);
        assert_non_null(installer_check_network(&c));
    }
    strcpy(c.address, "10.1.2.3/8");
    strcpy(c.gateway, "10.1.2");
    assert_non_null(installer_check_network(&c));
    strcpy(c.gateway, "10.0.0.1");
    assert_null(installer_check_network(&c));
    strcpy(c.hostname, "-x");
    assert_non_null(installer_check_network(&c));
    strcpy(c.hostname, "Box");                             /* HV.CFG: a-z only */
    assert_non_null(installer_check_network(&c));
    assert_non_null(installer_check_password("", ""));
    assert_non_null(installer_check_password("a", "b"));
    assert_non_null(installer_check_password("a", "a"));            /* short */
    assert_non_null(installer_check_password("1234567", "1234567"));
    assert_null(installer_check_password("12345678", "12345678"));
}

static void test_config_text(void **state)
{
    (void)state;
    struct inst_choices c = { .layout = INST_LAYOUT_BR_ABNT2, .dhcp = true, .hostname = "box" };
    char out[1024];
    assert_true(installer_config_text(&c, "pbkdf2-sha256$20000$aa$bb", out, sizeof(out)) > 0);
    assert_non_null(strstr(out, "\nhostname = box\n"));
    assert_non_null(strstr(out, "\nnet.mode = dhcp\n"));
    assert_non_null(strstr(out, "\nadmin.password = pbkdf2-sha256$20000$aa$bb\n"));
    assert_non_null(strstr(out, "\nboot.default = hypervisor\n"));
    assert_non_null(strstr(out, "\nkeyboard = br-abnt2\n"));
    assert_non_null(strstr(out, "\ndesktop = on\n"));
    c.layout = INST_LAYOUT_US;
    assert_true(installer_config_text(&c, "x", out, sizeof(out)) > 0);
    assert_non_null(strstr(out, "\nkeyboard = us\n"));
    c.dhcp = false;
    strcpy(c.address, "10.0.0.5/24");
    strcpy(c.gateway, "10.0.0.1");
    assert_true(installer_config_text(&c, "x", out, sizeof(out)) > 0);
    assert_non_null(strstr(out, "\nnet.mode = static\nnet.address = 10.0.0.5/24\n"
                                "net.gateway = 10.0.0.1\n"));
    assert_int_equal(installer_config_text(&c, "x", out, 64), -1);
}

static void test_quit_to_shell(void **state)
{
    (void)state;
    struct wm *wm = start(1);
    wm_key(wm, KEY_LEFT);                                  /* from Next to the shell button */
    keys(wm, "\n");
    assert_true(ins.quit);
    assert_true(fake_log_has("ui: quit=shell"));
    fake_wm_free(wm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_forward_and_back),
        cmocka_unit_test(test_layout_applied_at_once),
        cmocka_unit_test(test_network_refusals),
        cmocka_unit_test(test_password_refusals),
        cmocka_unit_test(test_summary_and_mouse),
        cmocka_unit_test(test_install_progress_and_done),
        cmocka_unit_test(test_install_refused_and_failed),
        cmocka_unit_test(test_disk_refusals),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_config_text),
        cmocka_unit_test(test_quit_to_shell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
