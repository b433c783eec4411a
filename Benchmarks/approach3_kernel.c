// Objective+gradient evaluations per second of the Approach 3 kernel on the digitized runs, on its
// baseline and AVX2+FMA copies, against the floor: a bare scalar loop over the same arithmetic with
// the C library's exp and log.
//
// Build and run (from the repository root):
//   cc -O3 -ffp-contract=off -ISources/CApproach3Kernel/include \
//      Benchmarks/approach3_kernel.c Sources/CApproach3Kernel/approach3_kernel.c -lm -o approach3_kernel
//   ./approach3_kernel [CSV [EVALUATIONS_PER_BATCH [EXCLUDED_HIGHEST_LOSSES]]]
// (`approach3_scipy.py --kernel` does both). Prints the median of several timed batches per variant.

#define _POSIX_C_SOURCE 199309L
#include "approach3_kernel.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_RUNS = 4096, BATCHES = 11 };

typedef struct {
    double n, d, loss;
} run;

static int by_loss(const void *x, const void *y) {
    const double a = ((const run *)x)->loss, b = ((const run *)y)->loss;
    return (a > b) - (a < b);
}

/// Index of `name` among the comma-separated fields of `header`, or −1.
static int column(const char *header, const char *name) {
    int index = 0;
    for (const char *p = header; *p; index++) {
        size_t length = strcspn(p, ",\r\n");
        if (length == strlen(name) && strncmp(p, name, length) == 0) return index;
        p += length;
        if (*p != ',') break;
        p++;
    }
    return -1;
}

/// The runs of the digitized CSV with D = C/(6N), without the `excluded` highest losses.
static size_t load_runs(const char *path, size_t excluded, run *runs) {
    FILE *file = fopen(path, "r");
    if (!file) return 0;
    char line[4096];
    if (!fgets(line, sizeof line, file)) return 0;
    const int iN = column(line, "Model Size"), iC = column(line, "Training FLOP"), iL = column(line, "loss");
    if (iN < 0 || iC < 0 || iL < 0) return 0;
    size_t count = 0;
    while (count < MAX_RUNS && fgets(line, sizeof line, file)) {
        double n = NAN, c = NAN, loss = NAN;
        char *p = line;
        for (int field = 0; p; field++) {
            if (field == iN) n = strtod(p, NULL);
            if (field == iC) c = strtod(p, NULL);
            if (field == iL) loss = strtod(p, NULL);
            p = strchr(p, ',');
            if (p) p++;
        }
        if (isfinite(n) && isfinite(c) && isfinite(loss)) runs[count++] = (run){n, c / (6 * n), loss};
    }
    fclose(file);
    qsort(runs, count, sizeof *runs, by_loss);
    return count > excluded ? count - excluded : 0;
}

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int ascending(const void *x, const void *y) {
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/// The floor: one run at a time, the C library's exp and log, the same Huber objective and gradient.
static double bare_loop(const double *lnN, const double *lnD, const double *lnL, size_t count, double delta,
                        const double *p, double *g) {
    const double bigE = exp(p[2]);
    double f = 0, ga = 0, gb = 0, ge = 0, gAlpha = 0, gBeta = 0;
    for (size_t i = 0; i < count; i++) {
        const double x1 = exp(p[0] - p[3] * lnN[i]), x2 = exp(p[1] - p[4] * lnD[i]);
        const double s = x1 + x2 + bigE;
        const double r = log(s) - lnL[i], ar = fabs(r);
        f += ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
        const double scale = fmin(fmax(r, -delta), delta) / s;
        ga += x1 * scale;
        gb += x2 * scale;
        ge += scale;
        gAlpha -= x1 * scale * lnN[i];
        gBeta -= x2 * scale * lnD[i];
    }
    g[0] = ga, g[1] = gb, g[2] = ge * bigE, g[3] = gAlpha, g[4] = gBeta;
    return f;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "Data/external/chinchilla_svg_extracted.csv";
    const long calls = argc > 2 ? atol(argv[2]) : 20000;
    const size_t excluded = argc > 3 ? (size_t)atol(argv[3]) : 5;
    static run runs[MAX_RUNS];
    const size_t count = load_runs(path, excluded, runs);
    if (count == 0) {
        fprintf(stderr, "no runs read from %s\n", path);
        return 1;
    }
    const size_t blocks = (count + APPROACH3_KERNEL_LANES - 1) / APPROACH3_KERNEL_LANES;
    const size_t padded = blocks * APPROACH3_KERNEL_LANES;
    double *lnN = calloc(padded, sizeof(double)), *lnD = calloc(padded, sizeof(double));
    double *lnL = calloc(padded, sizeof(double)), *weight = calloc(padded, sizeof(double));
    for (size_t i = 0; i < count; i++) {
        lnN[i] = log(runs[i].n), lnD[i] = log(runs[i].d), lnL[i] = log(runs[i].loss), weight[i] = 1;
    }
    const double delta = 1e-3;
    const approach3_kernel_data data = {lnN, lnD, lnL, weight, blocks, delta};
    // Near the fitted optimum, nudged on every call so that no work can be hoisted out of the loop.
    double p[5] = {6.0, 7.0, 0.5, 0.34, 0.28}, g[5];

    const char *names[] = {"kernel, baseline copy", "kernel, AVX2+FMA copy", "bare loop, libm exp/log"};
    printf("%zu runs, %ld evaluations per batch, median of %d batches\n", count, calls, BATCHES);
    printf("%-26s %14s %12s\n", "variant", "evaluations/s", "ns per run");
    for (int variant = 0; variant < 3; variant++) {
        if (variant == 1 && approach3_kernel_resolve(approach3_kernel_avx2) != approach3_kernel_avx2) {
            printf("%-26s %14s %12s\n", names[variant], "no AVX2+FMA", "-");
            continue;
        }
        double times[BATCHES], checksum = 0;
        for (int batch = 0; batch < BATCHES; batch++) {
            const double start = seconds();
            for (long call = 0; call < calls; call++) {
                p[3] = 0.34 + 1e-9 * (double)(call & 7);
                checksum += variant == 2 ? bare_loop(lnN, lnD, lnL, count, delta, p, g)
                                         : approach3_kernel_objective(&data, p, g,
                                               variant == 0 ? approach3_kernel_baseline : approach3_kernel_avx2);
            }
            times[batch] = seconds() - start;
        }
        qsort(times, BATCHES, sizeof(double), ascending);
        const double median = times[BATCHES / 2];
        printf("%-26s %14.0f %12.2f   (checksum %.6g)\n", names[variant], (double)calls / median,
               1e9 * median / (double)calls / (double)count, checksum);
    }
    return 0;
}
