/* Error codes: kernel functions return 0 (or a count) on success and one of
 * these, negated, on failure. Values as POSIX. Owner: kernel core. */
#ifndef HV_LIB_ERRNO_H
#define HV_LIB_ERRNO_H

#define E_NOENT   2
#define E_IO      5
#define E_NOMEM  12
#define E_BUSY   16
#define E_EXIST  17
#define E_INVAL  22
#define E_NOSPC  28
#define E_RANGE  34
#define E_NOSYS  38
#define E_TIMEDOUT 110

#endif
