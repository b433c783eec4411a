// The Approach 3 objective kernel, compiled for two instruction sets from one source
// (approach3_kernel_body.h) and chosen at run time.
//
// Why both copies give the same bits: every lane of every vector goes through the same sequence of
// correctly rounded IEEE-754 binary64 operations (+, −, ×, ÷), comparisons, selects and integer bit
// operations, in the same order, whichever register width holds it; the lane sums are added in a
// fixed order (lane 0 first); the exponential's table is a constant. What could break this is a
// contraction of a·b + c into a fused multiply-add (one rounding instead of two), which the pragma
// below forbids (and neither baseline x86-64 nor the "avx2" target feature includes FMA), and
// reassociation, which C never does without -ffast-math. Both copies run with the same MXCSR
// (round to nearest, subnormals kept).

#ifdef __clang__
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "approach3_kernel.h"
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LANES APPROACH3_KERNEL_LANES

#ifdef __clang__
// Vectors of eight doubles only cross function boundaries between always-inlined functions, so the
// calling convention the compiler warns about (AVX without AVX-512) never applies.
#pragma clang diagnostic ignored "-Wpsabi"
#endif

/// Eight doubles; the compiler splits them over four SSE2 or two AVX2 registers.
typedef double vd __attribute__((vector_size(LANES * sizeof(double))));
/// The same lanes as signed 64-bit integers (comparison masks, arithmetic shifts).
typedef int64_t vi __attribute__((vector_size(LANES * sizeof(double))));
/// The same lanes as unsigned 64-bit integers (wrapping arithmetic, bit fields).
typedef uint64_t vu __attribute__((vector_size(LANES * sizeof(double))));

/// Lane-wise `mask ? a : b` for a mask of all-ones or all-zero lanes (C has no `?:` on vectors).
#define SELECT(mask, a, b) ((vd)(((vi)(a) & (vi)(mask)) | ((vi)(b) & ~(vi)(mask))))

/// 1.5 · 2⁵², added to round a double to the nearest integer (|x| < 2⁵¹) in its low bits.
static const double ROUNDING_MAGIC = 6755399441055744.0;
static const double TWO_TO_52 = 4503599627370496.0;
static const uint64_t TWO_TO_52_BITS = 0x4330000000000000u;
static const double TWO_TO_54 = 18014398509481984.0;
static const double SMALLEST_NORMAL = 2.2250738585072014e-308;
static const double SQRT2 = 1.4142135623730951;
static const double LOG2E = 1.4426950408889634;
/// ln 2 split into a high part with 32 significant bits and the rest.
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const uint64_t EXPONENT_MASK = 0x7ff0000000000000u;
static const uint64_t MANTISSA_MASK = 0x000fffffffffffffu;
static const uint64_t ONE_BITS = 0x3ff0000000000000u;
/// fdlibm's minimax coefficients of ln((1 + s)/(1 − s)) = 2s + s·(LG1·s² + LG2·s⁴ + …).
static const double LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01;
static const double LG3 = 2.857142874366239149e-01, LG4 = 2.222219843214978396e-01;
static const double LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01;
static const double LG7 = 1.479819860511658591e-01;

/// 2^(j/128) for j = 0…127, each correctly rounded.
static const double exp2_table[128] = {
    0x1.0000000000000p+0, 0x1.0163da9fb3335p+0, 0x1.02c9a3e778061p+0, 0x1.04315e86e7f85p+0,
    0x1.059b0d3158574p+0, 0x1.0706b29ddf6dep+0, 0x1.0874518759bc8p+0, 0x1.09e3ecac6f383p+0,
    0x1.0b5586cf9890fp+0, 0x1.0cc922b7247f7p+0, 0x1.0e3ec32d3d1a2p+0, 0x1.0fb66affed31bp+0,
    0x1.11301d0125b51p+0, 0x1.12abdc06c31ccp+0, 0x1.1429aaea92de0p+0, 0x1.15a98c8a58e51p+0,
    0x1.172b83c7d517bp+0, 0x1.18af9388c8deap+0, 0x1.1a35beb6fcb75p+0, 0x1.1bbe084045cd4p+0,
    0x1.1d4873168b9aap+0, 0x1.1ed5022fcd91dp+0, 0x1.2063b88628cd6p+0, 0x1.21f49917ddc96p+0,
    0x1.2387a6e756238p+0, 0x1.251ce4fb2a63fp+0, 0x1.26b4565e27cddp+0, 0x1.284dfe1f56381p+0,
    0x1.29e9df51fdee1p+0, 0x1.2b87fd0dad990p+0, 0x1.2d285a6e4030bp+0, 0x1.2ecafa93e2f56p+0,
    0x1.306fe0a31b715p+0, 0x1.32170fc4cd831p+0, 0x1.33c08b26416ffp+0, 0x1.356c55f929ff1p+0,
    0x1.371a7373aa9cbp+0, 0x1.38cae6d05d866p+0, 0x1.3a7db34e59ff7p+0, 0x1.3c32dc313a8e5p+0,
    0x1.3dea64c123422p+0, 0x1.3fa4504ac801cp+0, 0x1.4160a21f72e2ap+0, 0x1.431f5d950a897p+0,
    0x1.44e086061892dp+0, 0x1.46a41ed1d0057p+0, 0x1.486a2b5c13cd0p+0, 0x1.4a32af0d7d3dep+0,
    0x1.4bfdad5362a27p+0, 0x1.4dcb299fddd0dp+0, 0x1.4f9b2769d2ca7p+0, 0x1.516daa2cf6642p+0,
    0x1.5342b569d4f82p+0, 0x1.551a4ca5d920fp+0, 0x1.56f4736b527dap+0, 0x1.58d12d497c7fdp+0,
    0x1.5ab07dd485429p+0, 0x1.5c9268a5946b7p+0, 0x1.5e76f15ad2148p+0, 0x1.605e1b976dc09p+0,
    0x1.6247eb03a5585p+0, 0x1.6434634ccc320p+0, 0x1.6623882552225p+0, 0x1.68155d44ca973p+0,
    0x1.6a09e667f3bcdp+0, 0x1.6c012750bdabfp+0, 0x1.6dfb23c651a2fp+0, 0x1.6ff7df9519484p+0,
    0x1.71f75e8ec5f74p+0, 0x1.73f9a48a58174p+0, 0x1.75feb564267c9p+0, 0x1.780694fde5d3fp+0,
    0x1.7a11473eb0187p+0, 0x1.7c1ed0130c132p+0, 0x1.7e2f336cf4e62p+0, 0x1.80427543e1a12p+0,
    0x1.82589994cce13p+0, 0x1.8471a4623c7adp+0, 0x1.868d99b4492edp+0, 0x1.88ac7d98a6699p+0,
    0x1.8ace5422aa0dbp+0, 0x1.8cf3216b5448cp+0, 0x1.8f1ae99157736p+0, 0x1.9145b0b91ffc6p+0,
    0x1.93737b0cdc5e5p+0, 0x1.95a44cbc8520fp+0, 0x1.97d829fde4e50p+0, 0x1.9a0f170ca07bap+0,
    0x1.9c49182a3f090p+0, 0x1.9e86319e32323p+0, 0x1.a0c667b5de565p+0, 0x1.a309bec4a2d33p+0,
    0x1.a5503b23e255dp+0, 0x1.a799e1330b358p+0, 0x1.a9e6b5579fdbfp+0, 0x1.ac36bbfd3f37ap+0,
    0x1.ae89f995ad3adp+0, 0x1.b0e07298db666p+0, 0x1.b33a2b84f15fbp+0, 0x1.b59728de5593ap+0,
    0x1.b7f76f2fb5e47p+0, 0x1.ba5b030a1064ap+0, 0x1.bcc1e904bc1d2p+0, 0x1.bf2c25bd71e09p+0,
    0x1.c199bdd85529cp+0, 0x1.c40ab5fffd07ap+0, 0x1.c67f12e57d14bp+0, 0x1.c8f6d9406e7b5p+0,
    0x1.cb720dcef9069p+0, 0x1.cdf0b555dc3fap+0, 0x1.d072d4a07897cp+0, 0x1.d2f87080d89f2p+0,
    0x1.d5818dcfba487p+0, 0x1.d80e316c98398p+0, 0x1.da9e603db3285p+0, 0x1.dd321f301b460p+0,
    0x1.dfc97337b9b5fp+0, 0x1.e264614f5a129p+0, 0x1.e502ee78b3ff6p+0, 0x1.e7a51fbc74c83p+0,
    0x1.ea4afa2a490dap+0, 0x1.ecf482d8e67f1p+0, 0x1.efa1bee615a27p+0, 0x1.f252b376bba97p+0,
    0x1.f50765b6e4540p+0, 0x1.f7bfdad9cbe14p+0, 0x1.fa7c1819e90d8p+0, 0x1.fd3c22b8f71f1p+0,
};

// Helpers without a target attribute: always inlined, so they take on the instruction set of the
// function they are inlined into.
#define HELPER static inline __attribute__((always_inline))

HELPER vd splat(double x) { return (vd){0} + x; }

HELPER vd load(const double *p) {
    vd v;
    memcpy(&v, p, sizeof v);
    return v;
}

HELPER void store(double *p, vd v) { memcpy(p, &v, sizeof v); }

/// Lane 0 + lane 1 + … + lane 7, in that order, starting from −0 (so that −0 + x = x exactly).
HELPER double lane_sum(vd v) {
    double sum = -0.0;
    for (int lane = 0; lane < LANES; lane++) sum += v[lane];
    return sum;
}

/// 2ᵏ for integers k ∈ [−1022, 1023], built from its bits.
HELPER vd power_of_two(vi k) { return (vd)(((vu)k + 1023) << 52); }

/// Exact conversion of integers in [0, 2⁵²) to doubles with bit operations only.
HELPER vd small_integer_to_double(vu n) { return (vd)(n | TWO_TO_52_BITS) - TWO_TO_52; }

// MARK: The two copies

#define KERNEL_TARGET
#define KERNEL_SUFFIX baseline
#include "approach3_kernel_body.h"
#undef KERNEL_TARGET
#undef KERNEL_SUFFIX

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_AVX2_COPY 1
#define KERNEL_TARGET __attribute__((target("avx2")))
#define KERNEL_SUFFIX avx2
#include "approach3_kernel_body.h"
#undef KERNEL_TARGET
#undef KERNEL_SUFFIX
#else
#define HAVE_AVX2_COPY 0
#endif

// MARK: Dispatch

typedef struct {
    double (*objective)(const approach3_kernel_data *, const double *, double *);
    void (*exp)(const double *, double *, size_t);
    void (*exp_normal)(const double *, double *, size_t);
    void (*log)(const double *, double *, size_t);
    void (*log_normal)(const double *, double *, size_t);
} kernel_copy;

static const kernel_copy baseline_copy = {
    objective_baseline, exp_batch_baseline, exp_normal_batch_baseline, log_batch_baseline,
    log_normal_batch_baseline,
};

#if HAVE_AVX2_COPY
static const kernel_copy avx2_copy = {
    objective_avx2, exp_batch_avx2, exp_normal_batch_avx2, log_batch_avx2, log_normal_batch_avx2,
};
#endif

static int cpu_has_avx2(void) {
#if HAVE_AVX2_COPY
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

/// What `approach3_kernel_automatic` means, decided on first use (0 = not yet). Several threads
/// may decide at once; they all reach the same answer.
static _Atomic int automatic_choice = 0;

approach3_kernel_path approach3_kernel_resolve(approach3_kernel_path path) {
    switch (path) {
    case approach3_kernel_baseline: return approach3_kernel_baseline;
    case approach3_kernel_avx2: return cpu_has_avx2() ? approach3_kernel_avx2 : approach3_kernel_baseline;
    default: break;
    }
    int choice = atomic_load_explicit(&automatic_choice, memory_order_relaxed);
    if (choice == 0) {
        const char *requested = getenv("REPORTGEN_APPROACH3_KERNEL");
        int baseline = requested && strcmp(requested, "baseline") == 0;
        choice = !baseline && cpu_has_avx2() ? approach3_kernel_avx2 : approach3_kernel_baseline;
        atomic_store_explicit(&automatic_choice, choice, memory_order_relaxed);
    }
    return (approach3_kernel_path)choice;
}

static const kernel_copy *copy_for(approach3_kernel_path path) {
#if HAVE_AVX2_COPY
    if (approach3_kernel_resolve(path) == approach3_kernel_avx2) return &avx2_copy;
#else
    (void)path;
#endif
    return &baseline_copy;
}

// MARK: Entry points

double approach3_kernel_objective(
    const approach3_kernel_data *data, const double *params, double *gradient, approach3_kernel_path path)
{
    return copy_for(path)->objective(data, params, gradient);
}

void approach3_kernel_exp(const double *x, double *y, size_t count, approach3_kernel_path path) {
    copy_for(path)->exp(x, y, count);
}

void approach3_kernel_exp_normal(const double *x, double *y, size_t count, approach3_kernel_path path) {
    copy_for(path)->exp_normal(x, y, count);
}

void approach3_kernel_log(const double *x, double *y, size_t count, approach3_kernel_path path) {
    copy_for(path)->log(x, y, count);
}

void approach3_kernel_log_normal(const double *x, double *y, size_t count, approach3_kernel_path path) {
    copy_for(path)->log_normal(x, y, count);
}
