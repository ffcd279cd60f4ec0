#!/usr/bin/env python3
"""Prints the HV.CFG line that sets hv's admin password (docs/api.md
"Authentication"): admin.password = pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>.

    tools/hvpasswd.py                  asks for the password (twice)
    tools/hvpasswd.py --stdin          reads it from the first line of stdin
    tools/hvpasswd.py -i 200000        more iterations (1000-1000000)

Only the salted hash goes into HV.CFG; hv cannot give the password back."""

import argparse
import getpass
import hashlib
import os
import sys

DEFAULT_ITERATIONS = 100000   # ~90 ms per login on a current CPU; hv caps at 1000000
PASSWORD_MAX = 128            # bytes, as hv accepts at login


def line(password, iterations, salt=None):
    salt = salt if salt is not None else os.urandom(16)
    h = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"admin.password = pbkdf2-sha256${iterations}${salt.hex()}${h.hex()}"


def main():
    ap = argparse.ArgumentParser(description="Print an admin.password line for HV.CFG.")
    ap.add_argument("-i", "--iterations", type=int, default=DEFAULT_ITERATIONS,
                    help=f"PBKDF2 rounds, 1000-1000000 (default {DEFAULT_ITERATIONS})")
    ap.add_argument("--stdin", action="store_true", help="read the password from stdin")
    a = ap.parse_args()
    if not 1000 <= a.iterations <= 1000000:
        sys.exit("hvpasswd: --iterations must be within 1000-1000000 (hv refuses others)")
    if a.stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
    else:
        pw = getpass.getpass("admin password: ")
        if getpass.getpass("again: ") != pw:
            sys.exit("hvpasswd: the two passwords differ")
    if not pw:
        sys.exit("hvpasswd: the password is empty")
    if len(pw.encode()) > PASSWORD_MAX:
        sys.exit(f"hvpasswd: the password is longer than {PASSWORD_MAX} bytes")
    print(line(pw, a.iterations))


if __name__ == "__main__":
    main()
