/* hvctl's command line: global options, then a command and its operands.
 * Everything the user can get wrong is caught here and answered with the
 * usage and exit code 2, before any network traffic. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "http.h"
#include "hvctl.h"
#include "output.h"
#include "token.h"
#include "vmdef_args.h"

static const char usage_text[] =
    "usage: hvctl [--host HOST[:PORT]] [--token TOKEN] [--json] COMMAND\n"
    "\n"
    "commands:\n"
    "  host                      show the host: version, uptime, CPUs, memory, backend\n"
    "  disks                     list the host's disks and partitions\n"
    "  network                   list the host's network interfaces\n"
    "  events [SINCE]            VM state changes from sequence number SINCE on\n"
    "  vm list                   list the VMs\n"
    "  vm show NAME              show one VM and its definition\n"
    "  vm create NAME [KEY=VALUE]...\n"
    "                            define a VM; keys: memory (MiB), vcpus, boot (disk or\n"
    "                            guest:NAME), disk (PATH[,readonly], repeatable), autostart\n"
    "  vm create -               define a VM from a JSON definition on stdin\n"
    "  vm set NAME KEY=VALUE...  change a stopped VM's definition (disk= clears the disks)\n"
    "  vm delete NAME            delete a stopped VM (its disk files stay)\n"
    "  vm start NAME             start a VM\n"
    "  vm stop NAME              stop a VM at once (it is 'stopping', then 'stopped')\n"
    "  vm shutdown NAME          ask the guest to power off (ACPI power button)\n"
    "  vm reset NAME             reset a running VM\n"
    "  vm pause NAME             pause a running VM\n"
    "  vm resume NAME            resume a paused VM\n"
    "  vm console NAME           follow the VM's serial output and type lines into it\n"
    "  login                     log in with the admin password ($HVCTL_PASSWORD or asked)\n"
    "                            and save the token in ~/.config/hvctl/token\n"
    "\n"
    "options:\n"
    "  -H, --host HOST[:PORT]  hv to talk to (default $HVCTL_HOST, else " HVCTL_DEFAULT_HOST ")\n"
    "  -t, --token TOKEN       session token to send (default: the one hvctl login saved)\n"
    "  -j, --json              print hv's JSON answer instead of a table\n"
    "  -h, --help              this text\n"
    "\n"
    "exit status: 0 ok, 1 hv answered with an error, 2 usage error, 3 hv unreachable\n"
    "see hvctl(1): man tools/hvctl/hvctl.1\n";

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "hvctl: %s\n", why);
    fputs(usage_text, stderr);
    return HVCTL_EUSAGE;
}

/* HOST[:PORT] -> HOST:PORT in buf (port 80 when absent). IPv6 literals go
 * in brackets, as in URLs: [::1]:8080. Returns 0, or -1 with why set. */
static int parse_host(const char *arg, char *buf, size_t n, const char **why)
{
    const char *colon, *end;

    if (!arg[0] || strpbrk(arg, "/?#@ \t")) {
        *why = "--host takes HOST[:PORT] (no scheme, path or user)";
        return -1;
    }
    if (arg[0] == '[') {
        end = strchr(arg, ']');
        if (!end || end == arg + 1) {
            *why = "--host: unterminated or empty [IPv6] address";
            return -1;
        }
        colon = end[1] == ':' ? end + 1 : NULL;
        if (!colon && end[1]) {
            *why = "--host: junk after the ] of an IPv6 address";
            return -1;
        }
    } else {
        colon = strchr(arg, ':');
        if (colon && strchr(colon + 1, ':')) {
            *why = "--host: write IPv6 addresses in brackets: [::1]:80";
            return -1;
        }
        if (colon == arg) {
            *why = "--host: empty host name";
            return -1;
        }
    }
    if (colon) {
        char *e;
        long port = strtol(colon + 1, &e, 10);
        if (!colon[1] || *e || port < 1 || port > 65535) {
            *why = "--host: the port must be a number from 1 to 65535";
            return -1;
        }
        if ((size_t)snprintf(buf, n, "%s", arg) >= n)
            goto too_long;
    } else if ((size_t)snprintf(buf, n, "%s:80", arg) >= n) {
        goto too_long;
    }
    return 0;
too_long:
    *why = "--host: name too long";
    return -1;
}

/* A whole JSON text from stdin, for `vm create -`. */
static char *read_stdin(void)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - 1 - n, stdin)) > 0) {
        n += got;
        if (n + 1 == cap) {
            if (cap >= (1u << 20))
                break;
            char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                return NULL;
            }
            buf = p;
        }
    }
    if (buf)
        buf[n] = 0;
    return buf;
}

static int run_define(const struct hvctl_opts *o, const char *sub, int argc, char **argv)
{
    bool patch = strcmp(sub, "set") == 0;
    char why[256];
    if (argc < 2 || (patch && argc < 3)) {
        fprintf(stderr, "hvctl: vm %s takes a VM name%s\n", sub,
                patch ? " and KEY=VALUE changes" : " and KEY=VALUE settings (or -)");
        return usage(NULL);
    }
    if (!patch && strcmp(argv[1], "-") == 0) {
        if (argc != 2)
            return usage("vm create -: the definition comes from stdin alone");
        char *body = read_stdin();
        if (!body) {
            fprintf(stderr, "hvctl: cannot read the definition from stdin\n");
            return HVCTL_EUSAGE;
        }
        int rc = cmd_vm_define(o, "", body, false);
        free(body);
        return rc;
    }
    if (!vm_name_ok(argv[1])) {
        fprintf(stderr, "hvctl: not a valid VM name: '%s'\n", argv[1]);
        return usage(NULL);
    }
    char *body = vmdef_args_json(argv[1], argc - 2, argv + 2, patch, why, sizeof(why));
    if (!body) {
        fprintf(stderr, "hvctl: vm %s: %s\n", sub, why);
        return usage(NULL);
    }
    int rc = cmd_vm_define(o, argv[1], body, patch);
    free(body);
    return rc;
}

static int run_vm(const struct hvctl_opts *o, int argc, char **argv)
{
    static const char *const actions[] = { "reset", "pause", "resume", "shutdown" };

    if (argc < 1)
        return usage("vm: which command? (list, show, create, set, delete, start, stop, "
                     "shutdown, reset, pause, resume, console)");
    const char *sub = argv[0];
    if (strcmp(sub, "list") == 0) {
        if (argc != 1)
            return usage("vm list takes no operands");
        return cmd_vm_list(o);
    }
    if (strcmp(sub, "create") == 0 || strcmp(sub, "set") == 0)
        return run_define(o, sub, argc, argv);
    const char *action = NULL;
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        if (strcmp(sub, actions[i]) == 0)
            action = actions[i];
    int (*fn)(const struct hvctl_opts *, const char *) =
        strcmp(sub, "show") == 0    ? cmd_vm_show :
        strcmp(sub, "start") == 0   ? cmd_vm_start :
        strcmp(sub, "stop") == 0    ? cmd_vm_stop :
        strcmp(sub, "delete") == 0  ? cmd_vm_delete :
        strcmp(sub, "console") == 0 ? cmd_vm_console : NULL;
    if (!fn && !action) {
        fprintf(stderr, "hvctl: unknown command: vm %s\n", sub);
        return usage(NULL);
    }
    if (argc != 2) {
        fprintf(stderr, "hvctl: vm %s takes exactly one VM name\n", sub);
        return usage(NULL);
    }
    if (!vm_name_ok(argv[1])) {
        fprintf(stderr, "hvctl: not a valid VM name: '%s'\n", argv[1]);
        return usage(NULL);
    }
    return action ? cmd_vm_action(o, action, argv[1]) : fn(o, argv[1]);
}

static int run(const struct hvctl_opts *o, int argc, char **argv)
{
    if (argc < 1)
        return usage("no command given");
    if (strcmp(argv[0], "host") == 0) {
        if (argc != 1)
            return usage("host takes no operands");
        return cmd_host(o);
    }
    if (strcmp(argv[0], "vm") == 0)
        return run_vm(o, argc - 1, argv + 1);
    if (strcmp(argv[0], "disks") == 0 || strcmp(argv[0], "network") == 0) {
        if (argc != 1)
            return usage("disks and network take no operands");
        return argv[0][0] == 'd' ? cmd_get(o, "/api/v1/disks", out_disks)
                                 : cmd_get(o, "/api/v1/network", out_network);
    }
    if (strcmp(argv[0], "events") == 0) {
        char path[64], *e = NULL;
        unsigned long long since = 0;
        if (argc > 2 || (argc == 2 && (!argv[1][0] || (since = strtoull(argv[1], &e, 10), *e))))
            return usage("events takes at most one operand, a sequence number");
        snprintf(path, sizeof(path), "/api/v1/events?since=%llu", since);
        return cmd_get(o, path, out_events);
    }
    if (strcmp(argv[0], "login") == 0) {
        if (argc != 1)
            return usage("login takes no operands (the password comes from $HVCTL_PASSWORD "
                         "or the terminal)");
        return cmd_login(o);
    }
    fprintf(stderr, "hvctl: unknown command: %s\n", argv[0]);
    return usage(NULL);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "host", required_argument, NULL, 'H' },
        { "json", no_argument, NULL, 'j' },
        { "token", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct hvctl_opts o = { 0 };
    const char *host = getenv("HVCTL_HOST");
    char hostport[300];
    const char *why = NULL;
    int c;

    if (!host || !host[0])
        host = HVCTL_DEFAULT_HOST;
    opterr = 0;  /* our own messages, followed by the usage */
    while ((c = getopt_long(argc, argv, ":H:t:jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'H':
            host = optarg;
            break;
        case 'j':
            o.json = true;
            break;
        case 't':
            if (!optarg[0] || strpbrk(optarg, " \t\r\n")) {
                fprintf(stderr, "hvctl: --token: empty or has spaces\n");
                return usage(NULL);
            }
            o.token = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return HVCTL_OK;
        case ':':
            fprintf(stderr, "hvctl: option %s needs a value\n", argv[optind - 1]);
            return usage(NULL);
        default:
            fprintf(stderr, "hvctl: unknown option: %s\n", argv[optind - 1]);
            return usage(NULL);
        }
    }
    if (parse_host(host, hostport, sizeof(hostport), &why) != 0)
        return usage(why);
    o.host = hostport;
    static char saved[600];
    if (!o.token && token_load(saved, sizeof(saved)) == 0)
        o.token = saved;

    if (http_global_init() != 0) {
        fprintf(stderr, "hvctl: cannot initialise libcurl\n");
        return HVCTL_ECONNECT;
    }
    int rc = run(&o, argc - optind, argv + optind);
    http_global_cleanup();
    return rc;
}
