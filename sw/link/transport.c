/*
 * transport.c -- serial (libserialport), tty (termios) and TCP back-ends of
 * the byte stream to a board (see transport.h).
 *
 * All waiting is poll() with the caller's timeout (libserialport's own
 * blocking calls for the serial back-end, which take a timeout too), so no
 * call can hang on a board that went away.  Each back-end turns its way of
 * saying "the other end is gone" (EIO or POLLHUP on a pty, a 0-byte read or
 * ECONNRESET on a socket, SP_ERR_FAIL on a device) into LOOM_E_LINK.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */

#include "transport.h"
#include "intr.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libserialport.h>

struct transport {
    transport_kind kind;
    int fd;                /* tty and tcp */
    int keep_fd;           /* pty master: a slave kept open, or -1 */
    struct sp_port *sp;    /* serial */
    char name[256];
};

struct transport_listener {
    int fd;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static transport *t_new(transport_kind kind, const char *name)
{
    transport *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->kind = kind;
    t->fd = -1;
    t->keep_fd = -1;
    snprintf(t->name, sizeof t->name, "%s", name);
    return t;
}

/* ---- termios -------------------------------------------------------------- */

static int baud_const(unsigned baud, speed_t *out)
{
    static const struct { unsigned b; speed_t s; } tab[] = {
        {9600, B9600},     {19200, B19200},   {38400, B38400},     {57600, B57600},
        {115200, B115200}, {230400, B230400}, {460800, B460800},   {500000, B500000},
        {921600, B921600}, {1000000, B1000000}, {1500000, B1500000}, {2000000, B2000000},
        {3000000, B3000000}, {4000000, B4000000},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (tab[i].b == baud) {
            *out = tab[i].s;
            return 0;
        }
    return -1;
}

static loom_status tty_raw(int fd, unsigned baud, const char *name, loom_err *e)
{
    struct termios tio;
    if (tcgetattr(fd, &tio) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: not a terminal (%s)", name, strerror(errno));
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    if (baud) {
        speed_t s;
        if (baud_const(baud, &s) != 0)
            return loom_fail(e, LOOM_E_ARG, "%s: baud rate %u not supported by termios", name,
                             baud);
        cfsetispeed(&tio, s);
        cfsetospeed(&tio, s);
    }
    if (tcsetattr(fd, TCSANOW, &tio) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot set raw mode (%s)", name, strerror(errno));
    return LOOM_OK;
}

static loom_status open_tty(const char *path, unsigned baud, transport **out, loom_err *e)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return loom_fail(e, errno == ENOENT ? LOOM_E_IO : LOOM_E_LINK, "cannot open %s: %s", path,
                         strerror(errno));
    loom_status st = tty_raw(fd, baud, path, e);
    if (st) {
        close(fd);
        return st;
    }
    transport *t = t_new(TRANSPORT_TTY, path);
    if (!t) {
        close(fd);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    t->fd = fd;
    *out = t;
    return LOOM_OK;
}

/* ---- TCP ------------------------------------------------------------------------ */

static loom_status open_tcp(const char *spec, int timeout_ms, transport **out, loom_err *e)
{
    const char *hp = spec + 4;
    const char *colon = strrchr(hp, ':');
    if (!colon || colon == hp || !colon[1])
        return loom_fail(e, LOOM_E_ARG, "'%s': expected tcp:HOST:PORT", spec);
    char host[256];
    size_t hl = (size_t)(colon - hp);
    if (hl >= sizeof host)
        return loom_fail(e, LOOM_E_ARG, "'%s': host name too long", spec);
    memcpy(host, hp, hl);
    host[hl] = 0;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0)
        return loom_fail(e, LOOM_E_ARG, "'%s': %s", spec, gai_strerror(rc));
    int fd = -1, err = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            if (errno == EINPROGRESS) {
                struct pollfd p = {fd, POLLOUT, 0};
                int n = poll(&p, 1, timeout_ms);
                socklen_t sl = sizeof err;
                err = 0;
                if (n == 0)
                    err = ETIMEDOUT;
                else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
                    err = errno;
            } else {
                err = errno;
            }
            if (err) {
                close(fd);
                fd = -1;
            }
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return loom_fail(e, LOOM_E_LINK, "cannot connect to %s: %s", spec, strerror(err));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    transport *t = t_new(TRANSPORT_TCP, spec);
    if (!t) {
        close(fd);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    t->fd = fd;
    *out = t;
    return LOOM_OK;
}

/* ---- libserialport ---------------------------------------------------------------- */

static loom_status sp_fail(loom_err *e, enum sp_return r, const char *what, const char *name)
{
    if (r == SP_ERR_FAIL) {
        char *m = sp_last_error_message();
        loom_fail(e, LOOM_E_LINK, "%s: %s failed: %s", name, what, m ? m : "unknown error");
        sp_free_error_message(m);
        return LOOM_E_LINK;
    }
    const char *why = r == SP_ERR_ARG ? "invalid argument" : r == SP_ERR_MEM ? "out of memory"
                    : r == SP_ERR_SUPP ? "not supported" : "error";
    return loom_fail(e, r == SP_ERR_MEM ? LOOM_E_NOMEM : LOOM_E_LINK, "%s: %s failed: %s", name,
                     what, why);
}

static loom_status open_serial(const char *path, unsigned baud, transport **out, loom_err *e)
{
    struct sp_port *sp = NULL;
    enum sp_return r = sp_get_port_by_name(path, &sp);
    if (r != SP_OK)
        return sp_fail(e, r, "looking up the serial port", path);
    r = sp_open(sp, SP_MODE_READ_WRITE);
    if (r != SP_OK) {
        sp_fail(e, r, "opening", path);
        sp_free_port(sp);
        return e ? e->status : LOOM_E_LINK;
    }
    if ((r = sp_set_baudrate(sp, (int)baud)) != SP_OK || (r = sp_set_bits(sp, 8)) != SP_OK ||
        (r = sp_set_parity(sp, SP_PARITY_NONE)) != SP_OK ||
        (r = sp_set_stopbits(sp, 1)) != SP_OK ||
        (r = sp_set_flowcontrol(sp, SP_FLOWCONTROL_NONE)) != SP_OK) {
        char what[64];
        snprintf(what, sizeof what, "setting %u baud 8N1", baud);
        sp_fail(e, r, what, path);
        sp_close(sp);
        sp_free_port(sp);
        return e ? e->status : LOOM_E_LINK;
    }
    transport *t = t_new(TRANSPORT_SERIAL, path);
    if (!t) {
        sp_close(sp);
        sp_free_port(sp);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    t->sp = sp;
    *out = t;
    return LOOM_OK;
}

static int is_pty(const char *path, const struct stat *st)
{
    if (strncmp(path, "/dev/pts/", 9) == 0)
        return 1;
    unsigned maj = major(st->st_rdev);
    return maj >= 136 && maj <= 143; /* Unix98 pty slaves */
}

loom_status transport_open(const char *spec, unsigned baud, int timeout_ms, transport **out,
                           loom_err *e)
{
    *out = NULL;
    if (!spec || !*spec)
        return loom_fail(e, LOOM_E_ARG, "no port given");
    if (strncmp(spec, "tcp:", 4) == 0)
        return open_tcp(spec, timeout_ms, out, e);
    if (strncmp(spec, "tty:", 4) == 0)
        return open_tty(spec + 4, baud, out, e);
    if (strncmp(spec, "serial:", 7) == 0)
        return open_serial(spec + 7, baud, out, e);
    struct stat st;
    if (stat(spec, &st) != 0)
        return loom_fail(e, LOOM_E_IO, "no such port %s (%s; 'loom run --list-ports' lists serial "
                         "ports, tcp:HOST:PORT reaches a virtual board)", spec, strerror(errno));
    if (!S_ISCHR(st.st_mode))
        return loom_fail(e, LOOM_E_ARG, "%s is not a character device", spec);
    if (is_pty(spec, &st))
        return open_tty(spec, baud, out, e);
    return open_serial(spec, baud, out, e);
}

void transport_close(transport *t)
{
    if (!t)
        return;
    if (t->sp) {
        sp_close(t->sp);
        sp_free_port(t->sp);
    }
    if (t->fd >= 0)
        close(t->fd);
    if (t->keep_fd >= 0)
        close(t->keep_fd);
    free(t);
}

transport_kind transport_kind_of(const transport *t)
{
    return t->kind;
}

const char *transport_name(const transport *t)
{
    return t->name;
}

static loom_status gone(transport *t, loom_err *e, const char *why)
{
    return loom_fail(e, LOOM_E_LINK, "link to %s lost: %s", t->name, why);
}

loom_status transport_write(transport *t, const uint8_t *p, size_t n, int timeout_ms, loom_err *e)
{
    if (t->kind == TRANSPORT_SERIAL) {
        int r = sp_blocking_write(t->sp, p, n, (unsigned)(timeout_ms < 0 ? 0 : timeout_ms));
        if (r < 0)
            return sp_fail(e, (enum sp_return)r, "writing", t->name);
        if ((size_t)r < n)
            return loom_fail(e, LOOM_E_TIMEOUT, "%s: wrote %d of %zu bytes in %d ms", t->name, r,
                             n, timeout_ms);
        return LOOM_OK;
    }
    double end = now_ms() + timeout_ms;
    size_t done = 0;
    while (done < n) {
        ssize_t w = t->kind == TRANSPORT_TCP ? send(t->fd, p + done, n - done, MSG_NOSIGNAL)
                                             : write(t->fd, p + done, n - done);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return gone(t, e, strerror(errno));
        int left = (int)(end - now_ms());
        if (left <= 0)
            return loom_fail(e, LOOM_E_TIMEOUT, "%s: wrote %zu of %zu bytes in %d ms", t->name,
                             done, n, timeout_ms);
        struct pollfd pf = {t->fd, POLLOUT, 0};
        int pr = poll(&pf, 1, left);
        if (pr > 0 && (pf.revents & (POLLHUP | POLLERR)) && !(pf.revents & POLLOUT))
            return gone(t, e, "the other end closed");
    }
    return LOOM_OK;
}

loom_status transport_read(transport *t, uint8_t *p, size_t cap, int timeout_ms, size_t *got,
                           loom_err *e)
{
    *got = 0;
    if (t->kind == TRANSPORT_SERIAL) {
        int r = timeout_ms > 0 ? sp_blocking_read_next(t->sp, p, cap, (unsigned)timeout_ms)
                               : sp_nonblocking_read(t->sp, p, cap);
        if (r < 0)
            return sp_fail(e, (enum sp_return)r, "reading", t->name);
        *got = (size_t)r;
        return LOOM_OK;
    }
    double end = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        struct pollfd pf = {t->fd, POLLIN, 0};
        int left = (int)(end - now_ms() + 0.999);
        int pr = poll(&pf, 1, left < 0 ? 0 : left);
        if (pr < 0) {
            if (errno == EINTR && !loom_intr_pending())
                continue;
            if (errno == EINTR)
                return LOOM_OK; /* the caller looks at the stop flag */
            return gone(t, e, strerror(errno));
        }
        if (pr == 0)
            return LOOM_OK; /* timeout */
        if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = read(t->fd, p, cap);
            if (r > 0) {
                *got = (size_t)r;
                return LOOM_OK;
            }
            if (r == 0)
                return gone(t, e, t->kind == TRANSPORT_TCP ? "the peer closed the connection"
                                                           : "the other end closed the terminal");
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                if (now_ms() >= end)
                    return LOOM_OK;
                continue;
            }
            if (errno == EIO)
                return gone(t, e, "the other end closed the terminal");
            return gone(t, e, strerror(errno));
        }
        if (pf.revents & POLLNVAL)
            return gone(t, e, "descriptor closed");
    }
}

/* ---- enumeration ------------------------------------------------------------------------ */

loom_status transport_list_ports(transport_port **ports, size_t *n, loom_err *e)
{
    struct sp_port **list = NULL;
    *ports = NULL;
    *n = 0;
    enum sp_return r = sp_list_ports(&list);
    if (r != SP_OK)
        return sp_fail(e, r, "listing ports", "libserialport");
    size_t k = 0;
    while (list[k])
        k++;
    if (k) {
        *ports = calloc(k, sizeof **ports);
        if (!*ports) {
            sp_free_port_list(list);
            return loom_fail(e, LOOM_E_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < k; i++) {
            const char *nm = sp_get_port_name(list[i]);
            const char *d = sp_get_port_description(list[i]);
            snprintf((*ports)[i].name, sizeof (*ports)[i].name, "%s", nm ? nm : "");
            snprintf((*ports)[i].description, sizeof (*ports)[i].description, "%s", d ? d : "");
        }
    }
    *n = k;
    sp_free_port_list(list);
    return LOOM_OK;
}

/* ---- serving side --------------------------------------------------------------------------- */

loom_status transport_pty_create(transport **master, char *slave_path, size_t cap,
                                 int keep_slave_open, loom_err *e)
{
    *master = NULL;
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0)
        return loom_fail(e, LOOM_E_IO, "posix_openpt: %s", strerror(errno));
    char name[128];
    const char *pn = NULL;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0 || !(pn = ptsname(fd))) {
        int err = errno;
        close(fd);
        return loom_fail(e, LOOM_E_IO, "setting up the pseudo-terminal: %s", strerror(err));
    }
    snprintf(name, sizeof name, "%s", pn);
    if (strlen(name) + 1 > cap) {
        close(fd);
        return loom_fail(e, LOOM_E_ARG, "pty path %s longer than %zu bytes", name, cap);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    /* raw mode for the pair: no echo, no line editing, 8-bit clean */
    loom_status st = tty_raw(fd, 0, name, e);
    if (st) {
        close(fd);
        return st;
    }
    transport *t = t_new(TRANSPORT_TTY, name);
    if (!t) {
        close(fd);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    t->fd = fd;
    if (keep_slave_open)
        t->keep_fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    memcpy(slave_path, name, strlen(name) + 1);
    *master = t;
    return LOOM_OK;
}

loom_status transport_tcp_listen(int port, int *bound_port, transport_listener **out, loom_err *e)
{
    *out = NULL;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return loom_fail(e, LOOM_E_IO, "socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0) {
        int err = errno;
        close(fd);
        return loom_fail(e, LOOM_E_IO, "cannot listen on 127.0.0.1:%d: %s", port, strerror(err));
    }
    socklen_t sl = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &sl);
    if (bound_port)
        *bound_port = ntohs(a.sin_port);
    transport_listener *l = malloc(sizeof *l);
    if (!l) {
        close(fd);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    l->fd = fd;
    *out = l;
    return LOOM_OK;
}

loom_status transport_tcp_accept(transport_listener *l, int timeout_ms, transport **out,
                                 loom_err *e)
{
    *out = NULL;
    struct pollfd pf = {l->fd, POLLIN, 0};
    int pr = poll(&pf, 1, timeout_ms);
    if (pr == 0 || (pr < 0 && errno == EINTR))
        return LOOM_OK; /* timeout, or a signal the caller will look at */
    if (pr < 0)
        return loom_fail(e, LOOM_E_IO, "waiting for a connection: %s", strerror(errno));
    struct sockaddr_in a;
    socklen_t sl = sizeof a;
    int fd = accept(l->fd, (struct sockaddr *)&a, &sl);
    if (fd < 0)
        return loom_fail(e, LOOM_E_IO, "accept: %s", strerror(errno));
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char name[64];
    snprintf(name, sizeof name, "tcp client of 127.0.0.1:%d", ntohs(a.sin_port));
    transport *t = t_new(TRANSPORT_TCP, name);
    if (!t) {
        close(fd);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    t->fd = fd;
    *out = t;
    return LOOM_OK;
}

void transport_listener_close(transport_listener *l)
{
    if (l) {
        close(l->fd);
        free(l);
    }
}
