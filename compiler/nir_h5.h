/*
 * nir_h5.h -- the HDF5 handle clean-up shared by the NIR reader
 * (nir_read.c) and writer (nir_write.c).  Internal to compiler/.
 */
#ifndef NIR_H5_H
#define NIR_H5_H

#include <hdf5.h>

/* Closes the dataset d, the dataspace s and the datatypes t and mt, each
 * only when it is open (>= 0; pass -1 for none). */
static inline void nir_h5_close(hid_t d, hid_t s, hid_t t, hid_t mt)
{
    if (d >= 0)
        H5Dclose(d);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    if (mt >= 0)
        H5Tclose(mt);
}

#endif
