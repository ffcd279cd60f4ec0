/* The TCP echo service (RFC 862) on port 7: proof that the stack moves
 * data both ways. Called under net.c's lock. */
#ifndef HV_NET_ECHO_H
#define HV_NET_ECHO_H

/* Listens on port 7; 0 or a negative error. */
int echo_start(void);

#endif
