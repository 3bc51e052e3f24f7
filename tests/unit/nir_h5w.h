/*
 * nir_h5w.h -- a tiny NIR file writer on the HDF5 C API, for the NIR unit
 * tests only (included by tests/unit/test_nir_*.c; not a test binary of
 * its own).  It writes graphs the way the NIR tools lay them out: /version,
 * /node with `type`, `nodes/NAME/...` and `edges` (N x 2 strings), so the
 * tests can build small hand-computed graphs and deliberately broken files.
 */
#ifndef NIR_H5W_H
#define NIR_H5W_H

#include <hdf5.h>
#include <string.h>

/* A string dataset (variable-length UTF-8, as h5py writes it). */
static inline void h5w_str(hid_t loc, const char *name, const char *val)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &val);
    H5Dclose(d);
    H5Sclose(s);
    H5Tclose(t);
}

/* A fixed-length ASCII string attribute (the other way some writers store `type`). */
static inline void h5w_str_attr(hid_t loc, const char *name, const char *val)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(val));
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, val);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

/* A numeric dataset of rank `rank` (0 = scalar) stored as `filetype`
 * (H5T_IEEE_F32LE, H5T_IEEE_F64LE, H5T_STD_I64LE), optionally gzip'ed. */
static inline void h5w_num(hid_t loc, const char *name, int rank, const hsize_t *dims, const double *v,
                           hid_t filetype, int gzip)
{
    hid_t s = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    if (gzip && rank) {
        H5Pset_chunk(pl, rank, dims);
        H5Pset_deflate(pl, 4);
    }
    hid_t d = H5Dcreate2(loc, name, filetype, s, H5P_DEFAULT, pl, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(d);
    H5Pclose(pl);
    H5Sclose(s);
}

static inline void h5w_vec(hid_t loc, const char *name, hsize_t n, const double *v)
{
    h5w_num(loc, name, 1, &n, v, H5T_IEEE_F64LE, 0);
}

static inline void h5w_mat(hid_t loc, const char *name, hsize_t rows, hsize_t cols, const double *v)
{
    hsize_t d[2] = {rows, cols};
    h5w_num(loc, name, 2, d, v, H5T_IEEE_F32LE, 1);
}

/* edges: n pairs of names, flat (src0, dst0, src1, dst1, ...). */
static inline void h5w_edges(hid_t loc, size_t n, const char *const *names)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hsize_t dims[2] = {n, 2};
    hid_t s = H5Screate_simple(2, dims, NULL);
    hid_t d = H5Dcreate2(loc, "edges", t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (n)
        H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, names);
    H5Dclose(d);
    H5Sclose(s);
    H5Tclose(t);
}

/* Finishes a graph of h5w_open: writes its n edges, closes the /node group
 * g and the file. */
static inline void h5w_close(hid_t g, hid_t file, size_t n, const char *const *edges)
{
    h5w_edges(g, n, edges);
    H5Gclose(g);
    H5Fclose(file);
}

/* Creates file path with /version and returns the /node group (type
 * NIRGraph, with an empty `nodes` group); *file gets the file handle. */
static inline hid_t h5w_open(const char *path, hid_t *file)
{
    *file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    h5w_str(*file, "version", "1.0.0");
    hid_t g = H5Gcreate2(*file, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    h5w_str(g, "type", "NIRGraph");
    hid_t n = H5Gcreate2(g, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(n);
    return g;
}

/* A node group of `type` inside graph group g; caller closes it. */
static inline hid_t h5w_node(hid_t g, const char *name, const char *type)
{
    hid_t nodes = H5Gopen2(g, "nodes", H5P_DEFAULT);
    hid_t n = H5Gcreate2(nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(nodes);
    if (type)
        h5w_str(n, "type", type);
    return n;
}

static inline void h5w_io(hid_t g, const char *name, const char *type, double size)
{
    hid_t n = h5w_node(g, name, type);
    hsize_t one = 1;
    h5w_num(n, "shape", 1, &one, &size, H5T_STD_I64LE, 0);
    H5Gclose(n);
}

#endif
