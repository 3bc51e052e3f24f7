/*
 * afile.c -- write-to-temporary-then-rename output files (afile.h).
 *
 * The temporary lives in the target's folder so that rename() is atomic
 * and never crosses file systems.  Only regular files (or names that do
 * not exist yet) are replaced that way: renaming over /dev/null would
 * replace the device node, and writing to a FIFO must reach the reader.
 */
#include "afile.h"
#include "loom_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct afile {
    FILE *f;
    char *path;
    char *tmp; /* NULL: written directly (stdout or a special file) */
};

loom_status afile_open(const char *path, afile **out, loom_err *e)
{
    *out = NULL;
    afile *a = calloc(1, sizeof *a);
    if (!a || !(a->path = strdup(path))) {
        free(a);
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", path);
    }
    if (!strcmp(path, "-")) {
        a->f = stdout;
        *out = a;
        return LOOM_OK;
    }
    struct stat sb;
    int replaceable = stat(path, &sb) != 0 ? errno == ENOENT : S_ISREG(sb.st_mode);
    if (replaceable && (a->tmp = malloc(strlen(path) + 32))) {
        snprintf(a->tmp, strlen(path) + 32, "%s.tmp%ld", path, (long)getpid());
        int fd = open(a->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd >= 0 && !(a->f = fdopen(fd, "wb"))) {
            close(fd);
            unlink(a->tmp);
        }
    }
    if (!a->f) {
        free(a->tmp);
        a->tmp = NULL;
        if (!(a->f = fopen(path, "wb"))) {
            loom_status st = loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
            free(a->path);
            free(a);
            return st;
        }
    }
    *out = a;
    return LOOM_OK;
}

FILE *afile_fp(afile *a)
{
    return a->f;
}

static void afile_free(afile *a)
{
    LOOM_FREE(a->path, a->tmp, a);
}

loom_status afile_commit(afile *a, loom_err *e)
{
    if (!a)
        return LOOM_OK;
    loom_status st = LOOM_OK;
    if (fflush(a->f) != 0 || ferror(a->f))
        st = loom_fail(e, LOOM_E_IO, "%s: write error: %s", a->path, strerror(errno));
    if (a->f != stdout && fclose(a->f) != 0 && st == LOOM_OK)
        st = loom_fail(e, LOOM_E_IO, "%s: write error on close: %s", a->path, strerror(errno));
    if (a->tmp) {
        if (st == LOOM_OK && rename(a->tmp, a->path) != 0)
            st = loom_fail(e, LOOM_E_IO, "%s: cannot replace it: %s", a->path, strerror(errno));
        if (st != LOOM_OK)
            unlink(a->tmp);
    }
    afile_free(a);
    return st;
}

void afile_discard(afile *a)
{
    if (!a)
        return;
    if (a->f == stdout)
        fflush(stdout);
    else
        fclose(a->f);
    if (a->tmp)
        unlink(a->tmp);
    afile_free(a);
}

loom_status afile_copy(const char *src, const char *dst, loom_err *e)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", src, strerror(errno));
    FILE *out = fopen(dst, "wb");
    if (!out) {
        fclose(in);
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", dst, strerror(errno));
    }
    char buf[65536];
    size_t n;
    int bad = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        bad |= fwrite(buf, 1, n, out) != n;
    bad |= ferror(in);
    fclose(in);
    bad |= fclose(out) != 0;
    return bad ? loom_fail(e, LOOM_E_IO, "%s: copy to %s failed", src, dst) : LOOM_OK;
}
