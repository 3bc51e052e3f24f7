/*
 * mpi_farm.h -- a fixed-assignment work farm over the ranks of an MPI job.
 *
 * The only module of Loom that includes <mpi.h>: the commands that spread
 * work over processes (loom evolve, loom verify) see ranks, a broadcast
 * from rank 0 and an ordered collection of fixed-size results, and stay
 * MPI-agnostic.  A process that was not started by an MPI launcher
 * (mpirun, mpiexec, Slurm's srun with a PMI/PMIx plugin; recognised by the
 * environment variables they set: OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK)
 * makes no MPI call at all and is a farm of one rank, so a plain `loom ...`
 * behaves exactly as it did before MPI existed.
 *
 * Determinism: item i of a batch always belongs to rank i mod size
 * (farm_owner), and farm_collect puts every result at its item's index, so
 * rank 0 sees the same array whatever the number of ranks; results that are
 * bit-exact functions of their item (Loom's evaluations are) make the whole
 * run independent of the rank count.
 *
 * Threads: MPI is initialised MPI_THREAD_FUNNELED: only the thread that
 * called farm_open may call the farm; worker threads inside a rank are fine.
 * Errors: MPI calls return errors (MPI_ERRORS_RETURN) that become
 * LOOM_E_LINK with the MPI message.  A rank that dies outright (a signal,
 * exit without farm_close) cannot be reported by the survivors: the launcher
 * ends the whole job (Open MPI's mpirun sends SIGTERM to every other rank).
 * The one exception to "errors are values": when farm_collect or farm_share
 * cannot get
 * the few bytes of its buffers in the middle of a collective, the other
 * ranks could never finish it, so the job is ended with MPI_Abort.
 */
#ifndef MPI_FARM_H
#define MPI_FARM_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"

typedef struct farm farm;

/* 1 when the environment says this process was started by an MPI launcher
 * (see above), else 0.  farm_open joins the MPI job exactly then. */
int farm_launched(void);

/* Joins the MPI job (MPI_Init_thread) when farm_launched(), else makes a
 * farm of one rank without touching MPI.  *out owned by the caller
 * (farm_close).  LOOM_E_LINK when MPI cannot start or gives fewer threads
 * than FUNNELED; LOOM_E_ARG for one of several tasks of a Slurm job step
 * (SLURM_STEP_NUM_TASKS > 1) that has no MPI launcher: `srun -n N` without
 * --mpi=pmix would run N whole copies of the job. */
loom_status farm_open(farm **out, loom_err *e);

/* Leaves the job (MPI_Finalize, collective: every rank must call it) and
 * frees f.  NULL is fine. */
void farm_close(farm *f);

int farm_rank(const farm *f);       /* 0..size-1 */
int farm_size(const farm *f);       /* ranks in the job, >= 1 */
int farm_is_mpi(const farm *f);     /* 1 when farm_open joined an MPI job */

/* The rank that owns item i of a batch: i mod size. */
int farm_owner(const farm *f, uint64_t item);

/* Copies `bytes` bytes of buf on rank 0 into buf on every rank
 * (collective).  Any size; nothing happens on a farm of one. */
loom_status farm_bcast(farm *f, void *buf, size_t bytes, loom_err *e);

/* The same from rank `root` (0..size-1; LOOM_E_ARG otherwise, on every
 * rank alike). */
loom_status farm_bcast_from(farm *f, int root, void *buf, size_t bytes, loom_err *e);

/* Everyone's blob to everyone (collective): every rank passes `len` bytes
 * at `mine` (len may differ between ranks, 0 is fine); on return *all (a
 * new buffer; NULL when the total is 0) holds the blobs of ranks 0, 1, ...
 * back to back and (*lens)[r] (a new array of size entries) the length of
 * rank r's; the caller frees both, also on an error.  On a farm of one, a
 * copy of mine.  LOOM_E_CAPACITY beyond 2 GiB in total, LOOM_E_LINK. */
loom_status farm_share(farm *f, const void *mine, size_t len, void **all, size_t **lens, loom_err *e);

/* Ordered collection (collective).  all holds n records of rec bytes; on
 * entry every rank has filled the records of the items it owns (the others
 * are ignored); on return rank 0's all holds every record, each from its
 * owner.  Every rank passes how its own work went (st, and *e when st !=
 * LOOM_OK); the call returns on EVERY rank the status of the lowest rank
 * that failed, with e = "rank R: <its message>" (unprefixed on a farm of
 * one), or LOOM_OK.  LOOM_E_LINK on a failed MPI call.  With n = 0 (all may
 * then be NULL) it is just the verdict: "did every rank succeed?". */
loom_status farm_collect(farm *f, uint64_t n, size_t rec, void *all, loom_status st, loom_err *e);

#endif
