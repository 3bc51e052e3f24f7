/*
 * loom_paths.h -- where the installed (or built) toolchain keeps its data: the
 * RTL, board files, firmware image, examples and docs (internal).
 *
 * The data folder ("root") holds rtl/, boards/, examples/, docs/ and fw/.
 * It is found, in this order:
 *   1. $LOOM_DATADIR when set and non-empty (the one override; docs/install.md);
 *   2. from where the code runs -- the folder of the running executable and
 *      the folder of libloom.so when the code was loaded from it:
 *        DIR/../share/loom  (an installed tree: PREFIX/bin/loom, PREFIX/lib/libloom.so)
 *        DIR/../..          (the source tree: BUILD/bin/loom, BUILD/lib/libloom.so)
 *      whichever holds rtl/loom_top.v first;
 *   3. the same beside the first `loom` on PATH (for programs linked
 *      statically against libloom.a);
 *   4. "." (the current folder).
 */
#ifndef LOOM_PATHS_H
#define LOOM_PATHS_H
#include <stddef.h>

/* The data folder into buf (see above); returns buf. */
char *loom_data_root(char *buf, size_t len);

/* ROOT/rel into buf when it names a file that exists, else rel itself (so a
 * path given relative to the current folder keeps working); returns buf. */
char *loom_data_file(const char *rel, char *buf, size_t len);

/* The loom executable of this toolchain into buf: the running executable
 * when it is loom, else BIN/loom beside the folder of libloom.so
 * (LIBDIR/../bin/loom), else the first loom on PATH; 0 when none is found. */
int loom_tool_path(char *buf, size_t len);

#endif
