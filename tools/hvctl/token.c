/* Where hvctl keeps its token, and how it asks for the password. */
#include "token.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* The directory into dir, the file into file (either may be NULL). */
static int token_paths(char *dir, size_t dn, char *file, size_t fn)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char d[1024];
    int k;

    if (xdg && xdg[0] == '/')
        k = snprintf(d, sizeof(d), "%s/hvctl", xdg);
    else if (home && home[0])
        k = snprintf(d, sizeof(d), "%s/.config/hvctl", home);
    else
        return -1;
    if (k < 0 || (size_t)k >= sizeof(d))
        return -1;
    if (dir && (size_t)snprintf(dir, dn, "%s", d) >= dn)
        return -1;
    if (file && (size_t)snprintf(file, fn, "%s/token", d) >= fn)
        return -1;
    return 0;
}

int token_load(char *buf, size_t n)
{
    char path[1100];
    if (token_paths(NULL, 0, path, sizeof(path)) != 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int ok = fgets(buf, (int)n, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    buf[strcspn(buf, "\r\n")] = 0;
    return buf[0] ? 0 : -1;
}

/* mkdir -p for the one or two levels under $HOME that may be missing. */
static int make_dirs(const char *dir)
{
    char p[1024];
    snprintf(p, sizeof(p), "%s", dir);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(p, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int token_save(const char *token, const char **why, char *path, size_t pathlen)
{
    char dir[1024];
    if (token_paths(dir, sizeof(dir), path, pathlen) != 0) {
        *why = "neither $XDG_CONFIG_HOME nor $HOME is set";
        return -1;
    }
    if (make_dirs(dir) != 0) {
        *why = strerror(errno);
        return -1;
    }
    /* A fresh file each time, so a wider mode left by someone else goes too. */
    char tmp[1100];
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        *why = strerror(errno);
        return -1;
    }
    size_t len = strlen(token);
    int ok = fchmod(fd, 0600) == 0 && write(fd, token, len) == (ssize_t)len &&
             write(fd, "\n", 1) == 1;
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (!ok || rename(tmp, path) != 0) {
        *why = strerror(ok ? errno : err);
        unlink(tmp);
        return -1;
    }
    return 0;
}

int token_read_password(char *buf, size_t n, const char **why)
{
    const char *env = getenv("HVCTL_PASSWORD");
    if (env) {
        if ((size_t)snprintf(buf, n, "%s", env) >= n) {
            *why = "$HVCTL_PASSWORD is too long";
            return -1;
        }
        return 0;
    }
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty) {
        *why = "no terminal to ask for the password: set $HVCTL_PASSWORD";
        return -1;
    }
    struct termios old, quiet;
    int fd = fileno(tty);
    int have_term = tcgetattr(fd, &old) == 0;
    fputs("hv admin password: ", tty);
    fflush(tty);
    if (have_term) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    int ok = fgets(buf, (int)n, tty) != NULL;
    if (have_term)
        tcsetattr(fd, TCSAFLUSH, &old);
    fputs("\n", tty);
    fclose(tty);
    if (!ok) {
        *why = "no password given";
        return -1;
    }
    buf[strcspn(buf, "\r\n")] = 0;
    return 0;
}
