/* fuzz_stim.c -- libFuzzer harness: the stimulus readers (stim_open_file,
 * stim_next) on a net with 4 spike and 2 graded channels.  The first byte
 * picks the form: odd = binary .lin, even = CSV; the rest is the file.
 * Every step up to 64 past the first event is asked for; the events must
 * be on valid channels, in channel order (abort otherwise). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "seir.h"
#include "seir_text.h"
#include "stim.h"

static seir_net *the_net(void)
{
    static seir_net *net;
    if (!net) {
        static const char t[] = "seir 1\nprofile p\ninput x[4] spike\ninput g[2] graded\nneuron n p\n"
                                "syn x[0] n 1\nsyn g[1] n 2\n";
        loom_err e;
        if (seir_parse(t, sizeof t - 1, "fuzz-net.seir", &net, &e) != LOOM_OK)
            abort();
    }
    return net;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    seir_net *net = the_net();
    const char *p = fuzz_file(data + 1, size - 1, (data[0] & 1) ? ".lin" : ".csv");
    if (!p)
        return 0;
    stim_src *s = NULL;
    loom_err e;
    if (stim_open_file(net, p, &s, &e) == LOOM_OK) {
        stim_event ev[6];
        uint64_t last = stim_last_step(s);
        uint64_t end = last == UINT64_MAX || last > 64 ? 64 : last + 1;
        for (uint64_t t = 0; t < end; t++) {
            uint32_t n = 0;
            if (stim_next(s, t, ev, 6, &n, &e) != LOOM_OK)
                break;
            if (n > 6)
                abort();
            for (uint32_t k = 0; k < n; k++)
                if (ev[k].channel >= 6 || (k && ev[k].channel <= ev[k - 1].channel))
                    abort();
        }
        stim_close(s);
    }
    unlink(p);
    return 0;
}
