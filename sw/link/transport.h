/*
 * transport.h -- one byte-stream interface to a board, three back-ends.
 *
 *   serial  libserialport, for real devices (/dev/ttyUSB*, /dev/ttyACM*)
 *   tty     plain termios, for pseudo-terminals (libserialport 0.1.1 refuses
 *           them: it looks for a sysfs entry that ptys lack)
 *   tcp     a TCP socket ("tcp:HOST:PORT"), e.g. a virtual board on loopback
 *
 * Every call returns a loom_status and fills a loom_err with one readable
 * line naming the port.  Nothing blocks beyond the timeout the caller gives
 * (poll() underneath); a vanished peer (pty closed, socket reset, device
 * unplugged) is LOOM_E_LINK, never a hang.  A transport is owned by whoever
 * opened it and released with transport_close.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"

typedef enum transport_kind {
    TRANSPORT_SERIAL,
    TRANSPORT_TTY,
    TRANSPORT_TCP
} transport_kind;

typedef struct transport transport;

/* Opens a port.  spec is "tcp:HOST:PORT", "tty:PATH" or "serial:PATH" to
 * force a back-end, or a device path: a pseudo-terminal (/dev/pts/N, or any
 * Unix98 pty slave) goes to termios, anything else to libserialport.  baud
 * (bits/s) sets 8N1 without flow control on serial and tty ports and is
 * ignored for TCP; an unsupported rate is LOOM_E_ARG.  A missing device is
 * LOOM_E_IO naming it; a refused TCP connection LOOM_E_LINK.  timeout_ms
 * bounds the TCP connect.  *out is owned by the caller. */
loom_status transport_open(const char *spec, unsigned baud, int timeout_ms, transport **out,
                           loom_err *e);

/* Writes all n bytes within timeout_ms (LOOM_E_TIMEOUT otherwise; the
 * number of bytes that went out is then unknown to the protocol, which is
 * fine: frames are retried whole).  LOOM_E_LINK when the peer is gone. */
loom_status transport_write(transport *t, const uint8_t *p, size_t n, int timeout_ms, loom_err *e);

/* Waits at most timeout_ms (0: just poll) for at least one byte and reads
 * what is available, up to cap bytes, into p; *got is the count (0 on
 * timeout, which is LOOM_OK).  LOOM_E_LINK when the peer is gone. */
loom_status transport_read(transport *t, uint8_t *p, size_t cap, int timeout_ms, size_t *got,
                           loom_err *e);

/* Closes and frees t (NULL is fine). */
void transport_close(transport *t);

transport_kind transport_kind_of(const transport *t);

/* The port as the user named it (for messages); valid until close. */
const char *transport_name(const transport *t);

/* ---- enumeration (libserialport) ---------------------------------------- */

typedef struct transport_port {
    char name[128];        /* e.g. /dev/ttyUSB0 */
    char description[128]; /* libserialport's description, may be empty */
} transport_port;

/* Lists the serial ports libserialport finds (ptys are never listed).
 * *ports is malloc'd (NULL when *n == 0); the caller frees it.  Zero ports
 * is success. */
loom_status transport_list_ports(transport_port **ports, size_t *n, loom_err *e);

/* ---- the serving side (virtual boards, tests) ------------------------------- */

/* Creates a pseudo-terminal pair in raw mode and returns its master as a
 * transport (kind TRANSPORT_TTY); the slave's path, which a host opens, is
 * copied into slave_path (cap bytes).  While no host has the slave open the
 * master reads nothing (timeouts), and after a host closes it the next read
 * is LOOM_E_LINK; keep_slave_open = 1 keeps a slave descriptor inside the
 * transport so that a host may come and go without that error. */
loom_status transport_pty_create(transport **master, char *slave_path, size_t cap,
                                 int keep_slave_open, loom_err *e);

/* A listening TCP socket on 127.0.0.1:port (0: an ephemeral port, whose
 * number is stored in *bound_port). */
typedef struct transport_listener transport_listener;
loom_status transport_tcp_listen(int port, int *bound_port, transport_listener **out,
                                 loom_err *e);

/* Waits up to timeout_ms (-1: forever) for one connection; *out is NULL
 * after a timeout (LOOM_OK). */
loom_status transport_tcp_accept(transport_listener *l, int timeout_ms, transport **out,
                                 loom_err *e);

void transport_listener_close(transport_listener *l);

#endif
