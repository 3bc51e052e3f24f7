/* loom_example.c -- the complete example of docs/api.md: load a model,
 * print its compile report, simulate it bit-exactly, and (with --vboard)
 * run it on a virtual board and check that the board spikes as the
 * simulator does.
 *
 *   cc loom_example.c $(pkg-config --cflags --libs loom) -o loom_example
 *   ./loom_example [MODEL] [--vboard]
 *
 * MODEL defaults to examples/seir/feedforward.seir of the data folder. */
#include <loom/loom.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STEPS = 200 };

static int fail(const char *what, const loom_err *e)
{
    fprintf(stderr, "loom_example: %s: %s\n", what, e->msg);
    return 1;
}

int main(int argc, char **argv)
{
    char root[4096], path[4200];
    const char *model = NULL;
    int vboard = 0;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--vboard"))
            vboard = 1;
        else
            model = argv[k];
    }
    if (!model) {
        snprintf(path, sizeof path, "%s/examples/seir/feedforward.seir",
                 loom_data_root(root, sizeof root));
        model = path;
    }

    /* 1. load (NIR and AIGER are compiled; here for the hx8k-breakout board) */
    loom_err e;
    loom_load_opts o;
    loom_load_opts_default(&o);
    o.board = "hx8k-breakout";
    loom_net *net = NULL;
    if (loom_net_load(model, &o, &net, &e) != LOOM_OK)
        return fail("load", &e);
    uint32_t ni = loom_net_inputs(net), nn = loom_net_neurons(net);
    const char *base = strrchr(model, '/') ? strrchr(model, '/') + 1 : model;
    printf("loom %s: %s: %u inputs, %u neurons, %u outputs\n", loom_version(), base, ni, nn,
           loom_net_outputs(net));

    /* 2. the compile report, per layer */
    loom_report *r = NULL;
    if (loom_net_report(net, NULL, &r, &e) != LOOM_OK)
        return fail("report", &e);
    for (uint32_t k = 0; k < loom_report_layers(r); k++) {
        const loom_layer *l = loom_report_layer(r, k);
        printf("layer %-10s %4u neurons %6llu synapses  w %d..%d (%.0f%% of the range)\n", l->name,
               l->count, (unsigned long long)l->synapses, l->w_min, l->w_max, 100 * l->w_use);
    }
    if (loom_report_agreement(r) >= 0)
        printf("float/integer agreement %.4f\n", loom_report_agreement(r));
    loom_report_free(r);

    /* 3. simulate: a fixed input pattern, every channel firing every 3rd step */
    int32_t *x = calloc((size_t)STEPS * (ni ? ni : 1), sizeof *x);
    uint8_t *spk = calloc((size_t)STEPS * (nn ? nn : 1), 1);
    uint8_t *board_spk = calloc((size_t)STEPS * (nn ? nn : 1), 1);
    if (!x || !spk || !board_spk)
        return 1;
    for (uint32_t t = 0; t < STEPS; t++)
        for (uint32_t c = 0; c < ni; c++)
            x[t * ni + c] = (t + c) % 3 == 0;
    loom_sim *sim = NULL;
    if (loom_sim_new(net, &sim, &e) != LOOM_OK || loom_sim_run(sim, x, STEPS, ni, spk, NULL, &e))
        return fail("simulate", &e);
    /* one more step by hand: set inputs, step, read spikes and state */
    for (uint32_t c = 0; c < ni; c++)
        loom_sim_set_input(sim, c, 1, NULL);
    loom_sim_step(sim);
    const uint32_t *fired;
    uint32_t nf = loom_sim_spikes(sim, &fired);
    printf("step %llu: %u neurons fired; v of neuron 0 = %d\n",
           (unsigned long long)loom_sim_time(sim) - 1, nf, loom_sim_v(sim, 0));
    loom_sim_free(sim);
    unsigned long total = 0;
    for (size_t k = 0; k < (size_t)STEPS * nn; k++)
        total += spk[k];
    printf("simulated %d steps: %lu spikes\n", STEPS, total);

    /* 4. the same input through a virtual board: the RTL under Verilator */
    int rc = 0;
    if (vboard) {
        loom_vboard *vb = NULL;
        loom_board *b = NULL;
        if (loom_vboard_start("hx8k-breakout", 0, &vb, &e) || loom_board_open(loom_vboard_port(vb), 0, &b, &e) ||
            loom_board_load(b, net, &e) || loom_board_run(b, x, STEPS, ni, board_spk, &e)) {
            rc = fail("virtual board", &e);
        } else {
            int same = !memcmp(spk, board_spk, (size_t)STEPS * nn);
            printf("virtual board on %s: %s the simulator\n", loom_vboard_port(vb),
                   same ? "spikes exactly as" : "DIFFERS from");
            rc = !same;
        }
        loom_board_close(b);
        loom_vboard_stop(vb);
    }
    free(x);
    free(spk);
    free(board_spk);
    loom_net_free(net);
    return rc;
}
