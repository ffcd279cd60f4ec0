/* hvctl: the command-line client of hv's management API (docs/api.md).
 * What the parts share: the exit codes and the options every command sees. */
#ifndef HVCTL_H
#define HVCTL_H

#include <stdbool.h>

/* Exit codes, documented in hvctl.1; scripts depend on them. */
enum hvctl_exit {
    HVCTL_OK = 0,
    HVCTL_ESERVER = 1,   /* hv answered with an error, or not usefully */
    HVCTL_EUSAGE = 2,    /* the command line is wrong */
    HVCTL_ECONNECT = 3,  /* hv could not be reached */
};

struct hvctl_opts {
    const char *host;    /* "HOST:PORT" as given, port always present */
    bool json;           /* print the server's JSON instead of tables */
    const char *token;   /* --token, else the saved one (token.h); NULL: none */
};

#define HVCTL_DEFAULT_HOST "localhost:80"
#define HVCTL_TIMEOUT_S 10

#endif
