#ifndef REPORTGEN_APPROACH3_KERNEL_H
#define REPORTGEN_APPROACH3_KERNEL_H
#include <stddef.h>

/// Runs per block: the data arrays hold whole blocks of this many doubles, the last block padded
/// with lanes of weight 0 (holding finite values, e.g. a copy of a run, so that they add exactly 0).
#define APPROACH3_KERNEL_LANES 8

/// Which compiled copy of the kernel runs. Both copies perform the same IEEE operations in the
/// same order on every lane and reduce the lanes in the same order, so they return the same bits;
/// only the speed differs.
typedef enum {
    /// The AVX2 copy when the processor supports AVX2 and FMA, else the baseline copy. Setting the environment
    /// variable REPORTGEN_APPROACH3_KERNEL=baseline before the first call makes it the baseline.
    approach3_kernel_automatic = 0,
    /// The copy compiled for the target's baseline instruction set (SSE2 on x86-64).
    approach3_kernel_baseline = 1,
    /// The copy compiled with AVX2 and FMA (256-bit vectors, fused multiply-adds in hardware; the
    /// baseline copy computes the same fused operations with the C library's fma()). Falls back to
    /// the baseline copy when the processor lacks either feature or the target is not x86-64.
    approach3_kernel_avx2 = 2,
} approach3_kernel_path;

/// The data of an Approach 3 fit: four arrays of `blocks * APPROACH3_KERNEL_LANES` doubles.
typedef struct {
    const double *lnN;    ///< ln N (parameters)
    const double *lnD;    ///< ln D (training tokens)
    const double *lnL;    ///< ln L (final loss, nats per token)
    const double *weight; ///< 1 for a run, 0 for padding
    size_t blocks;
    double delta;         ///< Huber threshold on the log-loss residual
} approach3_kernel_data;

/// The copy that `path` runs on this processor (never `approach3_kernel_automatic`).
approach3_kernel_path approach3_kernel_resolve(approach3_kernel_path path);

/// Σᵢ wᵢ·Huber_δ(ln(e^(a − α ln Nᵢ) + e^(b − β ln Dᵢ) + eᵉ) − ln Lᵢ) at
/// `params = [a, b, e, alpha, beta]`; writes ∂/∂[a, b, e, alpha, beta] to `gradient` when it is
/// not NULL. Every exponent a − α ln Nᵢ, b − β ln Dᵢ and e must lie in (−708, 708) (the caller
/// checks; outside it the result is meaningless but not a trap).
double approach3_kernel_objective(
    const approach3_kernel_data *data, const double *params, double *gradient, approach3_kernel_path path);

/// The same objective and gradient for any finite parameters: LSE shifted by its largest
/// argument, so nothing overflows (three exponentials per run instead of two; the fallback of
/// `approach3_kernel_objective` where an exponent leaves (−700, 700)).
double approach3_kernel_objective_stable(
    const approach3_kernel_data *data, const double *params, double *gradient, approach3_kernel_path path);

/// eˣ for `count` values: above ≈ 709.78 gives +∞, below ≈ −745.13 gives 0, NaN stays NaN.
void approach3_kernel_exp(const double *x, double *y, size_t count, approach3_kernel_path path);
/// eˣ for |x| ≤ 708 only (the objective's version): 2ᵏ is then a normal number.
void approach3_kernel_exp_normal(const double *x, double *y, size_t count, approach3_kernel_path path);
/// ln x for `count` values: ln 0 = −∞, ln x = NaN for x < 0 or NaN, ln ∞ = ∞.
void approach3_kernel_log(const double *x, double *y, size_t count, approach3_kernel_path path);
/// ln x for positive normal finite x only (the objective's version).
void approach3_kernel_log_normal(const double *x, double *y, size_t count, approach3_kernel_path path);

#endif
