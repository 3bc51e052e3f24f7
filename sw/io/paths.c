/*
 * paths.c -- the data folder of the toolchain (loom_paths.h).
 */
#define _GNU_SOURCE /* dladdr */
#include "loom_paths.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_exec(const char *p)
{
    return is_file(p) && access(p, X_OK) == 0;
}

/* Cuts the last path component off p (in place); 0 when there is none. */
static int dirname_inplace(char *p)
{
    char *s = strrchr(p, '/');
    if (!s)
        return 0;
    if (s == p)
        s[1] = 0;
    else
        *s = 0;
    return 1;
}

/* The folder holding the running executable. */
static int exe_folder(char *buf, size_t len)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = 0;
    if (!dirname_inplace(exe))
        return 0;
    snprintf(buf, len, "%s", exe);
    return 1;
}

/* The folder holding the object this function was loaded from (libloom.so,
 * or the executable when linked statically), made absolute. */
static int lib_folder(char *buf, size_t len)
{
    Dl_info info;
    if (!dladdr((void *)&lib_folder, &info) || !info.dli_fname || !*info.dli_fname)
        return 0;
    char *real = realpath(info.dli_fname, NULL);
    if (!real)
        return 0;
    int ok = dirname_inplace(real);
    if (ok)
        snprintf(buf, len, "%s", real);
    free(real);
    return ok;
}

/* buf = path made absolute (path itself when realpath fails); returns 1. */
static int put_real(const char *path, char *buf, size_t len)
{
    char *real = realpath(path, NULL);
    snprintf(buf, len, "%s", real ? real : path);
    free(real);
    return 1;
}

/* DIR/../share/loom or DIR/../.. when it holds rtl/loom_top.v. */
static int root_near(const char *dir, char *buf, size_t len)
{
    static const char *const up[] = {"/../share/loom", "/../.."};
    char cand[4096], probe[4200];
    for (size_t k = 0; k < sizeof up / sizeof up[0]; k++) {
        snprintf(cand, sizeof cand, "%s%s", dir, up[k]);
        snprintf(probe, sizeof probe, "%s/rtl/loom_top.v", cand);
        if (is_file(probe)) {
            return put_real(cand, buf, len);
        }
    }
    return 0;
}

/* The folder of the first executable `loom` on PATH (for programs linked
 * statically against libloom.a, which know nothing of where Loom is). */
static int path_loom_folder(char *buf, size_t len)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        char cand[4096];
        if (n > 0 && n < sizeof cand - 6) {
            snprintf(cand, sizeof cand, "%.*s/loom", (int)n, path);
            if (is_exec(cand)) {
                char *real = realpath(cand, NULL);
                int ok = real && dirname_inplace(real);
                if (ok)
                    snprintf(buf, len, "%s", real);
                free(real);
                if (ok)
                    return 1;
            }
        }
        path += n;
        if (*path == ':')
            path++;
    }
    return 0;
}

char *loom_data_root(char *buf, size_t len)
{
    const char *env = getenv("LOOM_DATADIR");
    if (env && *env) {
        snprintf(buf, len, "%s", env);
        return buf;
    }
    char dir[4096];
    if (exe_folder(dir, sizeof dir) && root_near(dir, buf, len))
        return buf;
    if (lib_folder(dir, sizeof dir) && root_near(dir, buf, len))
        return buf;
    if (path_loom_folder(dir, sizeof dir) && root_near(dir, buf, len))
        return buf;
    snprintf(buf, len, ".");
    return buf;
}

char *loom_data_file(const char *rel, char *buf, size_t len)
{
    char root[4096], cand[8200];
    if (rel[0] != '/' && !is_file(rel)) {
        loom_data_root(root, sizeof root);
        snprintf(cand, sizeof cand, "%s/%s", root, rel);
        if (is_file(cand)) {
            snprintf(buf, len, "%s", cand);
            return buf;
        }
    }
    snprintf(buf, len, "%s", rel);
    return buf;
}

int loom_tool_path(char *buf, size_t len)
{
    char exe[4096], dir[4096], cand[4200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) { /* the running executable, when it is loom */
        exe[n] = 0;
        const char *base = strrchr(exe, '/');
        if (base && !strcmp(base + 1, "loom") && is_exec(exe)) {
            snprintf(buf, len, "%s", exe);
            return 1;
        }
    }
    if (lib_folder(dir, sizeof dir)) { /* LIBDIR/../bin/loom, BUILD/lib/../bin/loom */
        snprintf(cand, sizeof cand, "%s/../bin/loom", dir);
        if (is_exec(cand)) {
            return put_real(cand, buf, len);
        }
    }
    if (path_loom_folder(dir, sizeof dir)) {
        snprintf(buf, len, "%s/loom", dir);
        return 1;
    }
    return 0;
}
