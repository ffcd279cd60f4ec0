/* The session token hvctl keeps between runs (hvctl login writes it, every
 * other command sends it): $XDG_CONFIG_HOME/hvctl/token, else
 * ~/.config/hvctl/token, mode 0600 in a 0700 directory. One token: it
 * belongs to whichever hv the last login was with. */
#ifndef HVCTL_TOKEN_H
#define HVCTL_TOKEN_H

#include <stddef.h>

/* The saved token into buf (NUL-terminated); 0, or -1 when there is none. */
int token_load(char *buf, size_t n);

/* Saves token; 0, or -1 with why (a static or errno text) set. */
int token_save(const char *token, const char **why, char *path, size_t pathlen);

/* The password for login: $HVCTL_PASSWORD, else asked on the terminal
 * without echo. 0, or -1 with why set. */
int token_read_password(char *buf, size_t n, const char **why);

#endif
