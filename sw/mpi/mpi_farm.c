/*
 * mpi_farm.c -- the work farm of mpi_farm.h on Open MPI (any MPI-3 library).
 *
 * Every collective here is called by all ranks in the same order: the
 * commands drive one batch at a time (broadcast the work, evaluate the own
 * items, collect), so no message can overtake another and no tags are
 * needed.  Each rank's contribution to farm_collect starts with its
 * loom_err, so a failure travels in-band with the results and every rank
 * leaves the batch with the same verdict.
 */
#include "mpi_farm.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct farm {
    int mpi, rank, size;
};

int farm_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return 1;
    }
    return 0;
}

static loom_status mpi_fail(loom_err *e, const char *call, int rc)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS)
        snprintf(msg, sizeof msg, "error %d", rc);
    return loom_fail(e, LOOM_E_LINK, "MPI: %s failed: %s", call, msg);
}

loom_status farm_open(farm **out, loom_err *e)
{
    *out = NULL;
    farm *f = calloc(1, sizeof *f);
    if (!f)
        return loom_fail(e, LOOM_E_NOMEM, "farm: out of memory");
    f->size = 1;
    if (!farm_launched()) {
        /* srun -n N without an MPI plugin starts N independent copies that
         * would all compute the whole job and write the same files */
        const char *tasks = getenv("SLURM_STEP_NUM_TASKS");
        if (tasks && atol(tasks) > 1) {
            free(f);
            return loom_fail(e, LOOM_E_ARG, "started by srun as one of %ld tasks without MPI (no PMI/PMIx in the "
                             "environment): use srun --mpi=pmix (or pmi2), or mpirun", atol(tasks));
        }
        *out = f;
        return LOOM_OK;
    }
    int provided = 0, rc;
    if ((rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided)) != MPI_SUCCESS) {
        free(f);
        return mpi_fail(e, "MPI_Init_thread", rc);
    }
    f->mpi = 1;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &f->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &f->size);
    if (provided < MPI_THREAD_FUNNELED) {
        farm_close(f);
        return loom_fail(e, LOOM_E_LINK, "MPI: the library gives thread level %d, Loom needs FUNNELED (%d)",
                         provided, MPI_THREAD_FUNNELED);
    }
    *out = f;
    return LOOM_OK;
}

void farm_close(farm *f)
{
    if (!f)
        return;
    if (f->mpi)
        MPI_Finalize();
    free(f);
}

int farm_rank(const farm *f) { return f->rank; }
int farm_size(const farm *f) { return f->size; }
int farm_is_mpi(const farm *f) { return f->mpi; }

int farm_owner(const farm *f, uint64_t item) { return (int)(item % (uint64_t)f->size); }

loom_status farm_bcast(farm *f, void *buf, size_t bytes, loom_err *e)
{
    return farm_bcast_from(f, 0, buf, bytes, e);
}

loom_status farm_bcast_from(farm *f, int root, void *buf, size_t bytes, loom_err *e)
{
    if (root < 0 || root >= f->size)
        return loom_fail(e, LOOM_E_ARG, "farm: broadcast from rank %d of %d", root, f->size);
    if (f->size == 1)
        return LOOM_OK;
    char *p = buf;
    while (bytes > 0) { /* MPI counts are ints */
        const int chunk = bytes > (size_t)INT_MAX ? INT_MAX : (int)bytes;
        const int rc = MPI_Bcast(p, chunk, MPI_BYTE, root, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            return mpi_fail(e, "MPI_Bcast", rc);
        p += chunk;
        bytes -= (size_t)chunk;
    }
    return LOOM_OK;
}

loom_status farm_share(farm *f, const void *mine, size_t len, void **all, size_t **lens, loom_err *e)
{
    *all = NULL;
    size_t *ln = *lens = calloc((size_t)f->size, sizeof *ln);
    uint64_t *l64 = calloc((size_t)f->size, sizeof *l64);
    int *counts = calloc((size_t)f->size, sizeof *counts), *displs = calloc((size_t)f->size, sizeof *displs);
    char *buf = NULL;
    loom_status st = LOOM_OK;
    if (!ln || !l64 || !counts || !displs) {
        if (f->mpi)
            MPI_Abort(MPI_COMM_WORLD, 1); /* the others could never finish the collective */
        st = loom_fail(e, LOOM_E_NOMEM, "farm: out of memory");
        goto out;
    }
    uint64_t total = len;
    l64[0] = len;
    if (f->mpi) {
        const uint64_t my = len;
        const int rc = MPI_Allgather(&my, 1, MPI_UINT64_T, l64, 1, MPI_UINT64_T, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) {
            st = mpi_fail(e, "MPI_Allgather", rc);
            goto out;
        }
        total = 0;
        for (int r = 0; r < f->size; r++) {
            displs[r] = (int)(total > (uint64_t)INT_MAX ? 0 : total);
            counts[r] = (int)(l64[r] > (uint64_t)INT_MAX ? 0 : l64[r]);
            total += l64[r];
        }
    }
    for (int r = 0; r < f->size; r++)
        ln[r] = (size_t)l64[r];
    if (total > (uint64_t)INT_MAX) { /* the same verdict on every rank */
        st = loom_fail(e, LOOM_E_CAPACITY, "farm: %llu bytes to share, at most 2 GiB", (unsigned long long)total);
        goto out;
    }
    if (total == 0)
        goto out;
    if (!(buf = malloc((size_t)total))) {
        if (f->mpi)
            MPI_Abort(MPI_COMM_WORLD, 1);
        st = loom_fail(e, LOOM_E_NOMEM, "farm: out of memory");
        goto out;
    }
    if (!f->mpi) {
        memcpy(buf, mine, len);
    } else {
        const int rc = MPI_Allgatherv(mine, (int)len, MPI_BYTE, buf, counts, displs, MPI_BYTE, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) {
            st = mpi_fail(e, "MPI_Allgatherv", rc);
            free(buf);
            buf = NULL;
        }
    }
out:
    free(l64);
    free(counts);
    free(displs);
    *all = buf;
    return st;
}

/* Items of rank r among n: r, r + size, ... */
static uint64_t owned(uint64_t n, int r, int size)
{
    return n > (uint64_t)r ? (n - 1 - (uint64_t)r) / (uint64_t)size + 1 : 0;
}

loom_status farm_collect(farm *f, uint64_t n, size_t rec, void *all, loom_status st, loom_err *e)
{
    if (f->size == 1)
        return st;
    const int size = f->size;
    const uint64_t mine = owned(n, f->rank, size);
    const size_t hdr = sizeof(loom_err);
    /* the same verdict on every rank (n, rec and size are the same everywhere) */
    const int refused = n > ((size_t)INT_MAX - (size_t)size * hdr) / (rec ? rec : 1);
    if (refused)
        st = loom_fail(e, LOOM_E_CAPACITY, "farm: a batch of %llu records of %zu bytes is too big for one "
                       "collection", (unsigned long long)n, rec);
    /* a refused batch sends only the header, so every rank still takes part */
    const size_t send_len = refused ? hdr : hdr + mine * rec;
    char *send = malloc(send_len);
    int *counts = f->rank == 0 ? malloc((size_t)size * sizeof *counts) : NULL;
    int *displs = f->rank == 0 ? malloc((size_t)size * sizeof *displs) : NULL;
    loom_err verdict;
    loom_err_clear(&verdict);
    if (!send || (f->rank == 0 && (!counts || !displs))) {
        /* Cannot take part: the job cannot go on consistently. */
        free(send);
        free(counts);
        free(displs);
        MPI_Abort(MPI_COMM_WORLD, 1);
        return loom_fail(e, LOOM_E_NOMEM, "farm: out of memory");
    }
    loom_err self;
    loom_err_clear(&self);
    if (st != LOOM_OK) {
        self = *e;
        self.status = st;
    }
    memcpy(send, &self, hdr);
    if (send_len > hdr)
        for (uint64_t k = 0; k < mine; k++)
            memcpy(send + hdr + k * rec, (char *)all + ((uint64_t)f->rank + k * (uint64_t)size) * rec, rec);
    char *recv = NULL;
    size_t total = 0;
    if (f->rank == 0) {
        for (int r = 0; r < size; r++) {
            const uint64_t cnt = owned(n, r, size);
            counts[r] = (int)(refused ? hdr : hdr + cnt * rec);
            displs[r] = (int)total;
            total += (size_t)counts[r];
        }
        if (!(recv = malloc(total))) {
            free(send);
            free(counts);
            free(displs);
            MPI_Abort(MPI_COMM_WORLD, 1);
            return loom_fail(e, LOOM_E_NOMEM, "farm: out of memory");
        }
    }
    int rc = MPI_Gatherv(send, (int)send_len, MPI_BYTE, recv, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
    free(send);
    if (rc != MPI_SUCCESS) {
        free(recv);
        free(counts);
        free(displs);
        return mpi_fail(e, "MPI_Gatherv", rc);
    }
    if (f->rank == 0) {
        for (int r = 0; r < size; r++) {
            loom_err re;
            memcpy(&re, recv + displs[r], hdr);
            if (re.status != LOOM_OK && verdict.status == LOOM_OK) {
                verdict = re;
                verdict.msg[LOOM_ERR_MSG - 1] = 0;
                loom_err_prefix(&verdict, "rank %d", r);
            }
            if (re.status != LOOM_OK || refused)
                continue;
            const uint64_t cnt = owned(n, r, size);
            for (uint64_t k = 0; k < cnt; k++)
                memcpy((char *)all + ((uint64_t)r + k * (uint64_t)size) * rec,
                       recv + displs[r] + hdr + k * rec, rec);
        }
        free(recv);
        free(counts);
        free(displs);
    }
    rc = MPI_Bcast(&verdict, (int)sizeof verdict, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS)
        return mpi_fail(e, "MPI_Bcast", rc);
    if (verdict.status != LOOM_OK && e)
        *e = verdict;
    return verdict.status;
}
