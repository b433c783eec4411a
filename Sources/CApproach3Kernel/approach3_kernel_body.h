// The Approach 3 kernel and its exp/log, written once and compiled twice by approach3_kernel.c:
// before each inclusion it defines KERNEL_TARGET (a function attribute selecting the instruction
// set, possibly empty) and KERNEL_SUFFIX (appended to every name). Every operation below is a
// correctly rounded IEEE add, subtract, multiply, divide or fused multiply-add (FMA, one rounding),
// a comparison, a select, a table lookup or an integer bit operation on 8 independent lanes, so each
// lane's result is fixed by the operands alone, in whatever registers (4 × SSE2 or 2 × AVX2) the
// compiler places the lanes.

#define KERNEL_NAME2(name, suffix) name##_##suffix
#define KERNEL_NAME1(name, suffix) KERNEL_NAME2(name, suffix)
#define KERNEL_FN(name) KERNEL_NAME1(name, KERNEL_SUFFIX)
#define KERNEL_INLINE static inline __attribute__((always_inline)) KERNEL_TARGET

// MARK: exp

/// Splits x = (128·k + j)·ln2/128 + r with |r| ≤ ln2/256 and returns eˣ/2ᵏ = 2^(j/128)·eʳ, eʳ from
/// its Taylor series to r⁵ (truncation below 10⁻¹⁸); stores k in `k`.
KERNEL_INLINE vd KERNEL_FN(exp_reduced)(vd x, vi *k) {
    const vd shifted = FMA(x, splat(128 * LOG2E), splat(ROUNDING_MAGIC));
    const vd nd = shifted - ROUNDING_MAGIC;
    // The low bits of `shifted` hold round(128·x/ln2) in two's complement.
    const vi n = (vi)((vu)shifted - (vu)splat(ROUNDING_MAGIC));
    // LN2_HI has 32 significant bits, so nd·LN2_HI/128 is exact for |nd| < 2²¹ (|x| < 10⁴).
    const vd hi = FMA(-nd, splat(LN2_HI / 128), x);
    const vd r = FMA(-nd, splat(LN2_LO / 128), hi);
    const vd r2 = r * r;
    const vd c23 = FMA(r, splat(1.0 / 6), splat(0.5));
    const vd c45 = FMA(r, splat(1.0 / 120), splat(1.0 / 24));
    const vd p = FMA(r2, FMA(r2, c45, c23), r);
    const vi j = n & 127;
    vd t;
    for (int lane = 0; lane < LANES; lane++) t[lane] = exp2_table[j[lane]];
    *k = n >> 7;
    return FMA(t, p, t);
}

/// eˣ for |x| ≤ 708 (2ᵏ normal).
KERNEL_INLINE vd KERNEL_FN(exp_normal)(vd x) {
    vi k;
    const vd y = KERNEL_FN(exp_reduced)(x, &k);
    return y * power_of_two(k);
}

/// eˣ for any x: clamped so that the exponent arithmetic cannot wrap (the clamps still overflow
/// and underflow), and 2ᵏ applied as 2^(k₁)·2^(k − k₁) with both factors normal.
KERNEL_INLINE vd KERNEL_FN(exp_full)(vd x) {
    x = SELECT(x > 710.0, splat(710), x);
    x = SELECT(x < -746.0, splat(-746), x);
    vi k;
    const vd y = KERNEL_FN(exp_reduced)(x, &k);
    const vi k1 = k >> 1;
    return y * power_of_two(k1) * power_of_two((vi)((vu)k - (vu)k1));
}

// MARK: log

/// ln(x · 2^(−offset)) for positive normal finite x: x = 2ᵏ·z with z ∈ [0.6855, 1.3730), so that
/// k = 0 near x = 1 and nothing cancels there; invc ≈ 1/c for a table centre c within 1/256 of z
/// (exactly 1 for z ∈ [1 − 2⁻⁹, 1 + 2⁻⁸)), r = z·invc − 1 with one rounding (|r| ≲ 2⁻⁸) and
/// ln x = k·ln 2 − ln(invc) + ln(1 + r), the last from its Taylor series to r⁷ (truncation below
/// r·2⁻⁵⁹, so the result keeps its relative accuracy when it is as small as r, next to 1). `offset` (a small integer) joins k before it is multiplied by ln 2, so scaled
/// subnormals lose no accuracy.
KERNEL_INLINE vd KERNEL_FN(log_offset)(vd x, vd offset) {
    const vu bits = (vu)x;
    const vu shifted = bits - LOG_OFFSET_BITS;
    // k is the exponent field of the shifted bits (signed); adding 2048 makes it a small
    // non-negative integer for the exact conversion.
    const vi ki = (vi)shifted >> 52;
    const vd k = small_integer_to_double((vu)(ki + 2048)) - 2048.0 - offset;
    const vd z = (vd)(bits - (shifted & EXPONENT_AND_SIGN_MASK));
    const vu j = (shifted >> 45) & 127;
    vd invc, logc;
    for (int lane = 0; lane < LANES; lane++) {
        invc[lane] = log_invc[j[lane]];
        logc[lane] = log_logc[j[lane]];
    }
    const vd r = FMA(z, invc, splat(-1.0));
    const vd r2 = r * r;
    const vd q1 = FMA(r, splat(1.0 / 3), splat(-0.5));
    const vd q2 = FMA(r2, FMA(r, splat(1.0 / 7), splat(-1.0 / 6)), FMA(r, splat(0.2), splat(-0.25)));
    const vd p = FMA(r2, FMA(r2, q2, q1), r);
    return FMA(k, splat(LN2_HI), logc) + FMA(k, splat(LN2_LO), p);
}

/// ln x for positive normal finite x.
KERNEL_INLINE vd KERNEL_FN(log_normal)(vd x) { return KERNEL_FN(log_offset)(x, splat(0)); }

/// ln x for any x: subnormals (and zero) are scaled by 2⁵⁴ into the normal range first.
KERNEL_INLINE vd KERNEL_FN(log_full)(vd x) {
    const vi subnormal = (vi)(x < SMALLEST_NORMAL);
    const vd scaled = SELECT(subnormal, x * TWO_TO_54, x);
    const vd offset = SELECT(subnormal, splat(54), splat(0));
    vd y = KERNEL_FN(log_offset)(scaled, offset);
    y = SELECT(x == 0.0, splat(-INFINITY), y);
    y = SELECT(x < 0.0, splat(NAN), y);
    y = SELECT(x == INFINITY, x, y);
    y = SELECT(x != x, x, y);
    return y;
}

// MARK: Batches

#define KERNEL_BATCH(name, vector_function)                                                        \
    static KERNEL_TARGET void KERNEL_FN(name)(const double *x, double *y, size_t count) {         \
        size_t i = 0;                                                                              \
        for (; i + LANES <= count; i += LANES) store(y + i, vector_function(load(x + i)));       \
        if (i < count) {                                                                           \
            double in[LANES] = {0}, out[LANES];                                                    \
            memcpy(in, x + i, (count - i) * sizeof(double));                                     \
            store(out, vector_function(load(in)));                                                 \
            memcpy(y + i, out, (count - i) * sizeof(double));                                    \
        }                                                                                          \
    }
KERNEL_BATCH(exp_batch, KERNEL_FN(exp_full))
KERNEL_BATCH(exp_normal_batch, KERNEL_FN(exp_normal))
KERNEL_BATCH(log_batch, KERNEL_FN(log_full))
KERNEL_BATCH(log_normal_batch, KERNEL_FN(log_normal))
#undef KERNEL_BATCH

// MARK: Objective

/// The Huber objective and gradient (see approach3_kernel_objective). Per lane, for the runs it
/// holds: u = a − α ln N, v = b − β ln D, s = eᵘ + eᵛ + eᵉ, r = ln s − ln L,
///   f += w·Huber_δ(r),  and with scale = w·clip(r, ±δ)/s (= w·Huber′(r)·∂ln s/∂s):
///   ∂a += eᵘ·scale, ∂b += eᵛ·scale, ∂e += scale (times eᵉ at the end),
///   ∂α −= eᵘ·scale·ln N, ∂β −= eᵛ·scale·ln D.
/// The eight lanes' partial sums are then added lane 0 first.
///
/// The work goes in chunks of KERNEL_CHUNK blocks, each in four passes (eᵘ; eᵛ and s; r; the sums)
/// through a small buffer on the stack. One block's chain (exp, then log, then a division) is so
/// long that the processor, fetching a block's ~360 instructions in order, could barely overlap two
/// blocks when each ran start to finish; within a pass the blocks are independent, so their
/// operations overlap (12–37% less time in alternating runs on the digitized data; four passes did
/// better than two or three). Every lane still sees the same operations in the same order and the
/// sums are accumulated block by block as before, so the bits do not depend on the chunking.
#define KERNEL_CHUNK 8
static KERNEL_TARGET double KERNEL_FN(objective)(
    const approach3_kernel_data *data, const double *params, double *gradient)
{
    const double a = params[0], b = params[1], e = params[2], alpha = params[3], beta = params[4];
    const double bigE = exp(e);
    const double delta = data->delta, halfDelta = 0.5 * delta;
    const vd zero = splat(0);
    vd f = zero, ga = zero, gb = zero, ge = zero, gAlpha = zero, gBeta = zero;
    vd x1[KERNEL_CHUNK], x2[KERNEL_CHUNK], s[KERNEL_CHUNK], r[KERNEL_CHUNK];
    for (size_t first = 0; first < data->blocks; first += KERNEL_CHUNK) {
        const size_t count = data->blocks - first < KERNEL_CHUNK ? data->blocks - first : KERNEL_CHUNK;
        const double *lnN = data->lnN + first * LANES, *lnD = data->lnD + first * LANES;
        const double *lnL = data->lnL + first * LANES, *weight = data->weight + first * LANES;
        for (size_t c = 0; c < count; c++) x1[c] = KERNEL_FN(exp_normal)(FMA(splat(-alpha), load(lnN + c * LANES), splat(a)));
        for (size_t c = 0; c < count; c++) {
            x2[c] = KERNEL_FN(exp_normal)(FMA(splat(-beta), load(lnD + c * LANES), splat(b)));
            s[c] = x1[c] + x2[c] + bigE;
        }
        for (size_t c = 0; c < count; c++) r[c] = KERNEL_FN(log_normal)(s[c]) - load(lnL + c * LANES);
        for (size_t c = 0; c < count; c++) {
            const vd w = load(weight + c * LANES), rc = r[c];
            const vd ar = SELECT(rc < 0.0, -rc, rc);
            const vd linear = delta * (ar - halfDelta);
            f = FMA(w, SELECT(ar <= delta, 0.5 * rc * rc, linear), f);
            vd h = SELECT(rc > delta, splat(delta), rc);
            h = SELECT(rc < -delta, splat(-delta), h);
            const vd scale = (w * h) / s[c];
            const vd w1 = x1[c] * scale, w2 = x2[c] * scale;
            ga += w1;
            gb += w2;
            ge += scale;
            gAlpha = FMA(-w1, load(lnN + c * LANES), gAlpha);
            gBeta = FMA(-w2, load(lnD + c * LANES), gBeta);
        }
    }
    if (gradient) {
        gradient[0] = lane_sum(ga);
        gradient[1] = lane_sum(gb);
        gradient[2] = lane_sum(ge) * bigE;
        gradient[3] = lane_sum(gAlpha);
        gradient[4] = lane_sum(gBeta);
    }
    return lane_sum(f);
}


/// The same objective and gradient with LSE shifted by its largest argument, m = max(u, v, e):
/// s = e^(u−m) + e^(v−m) + e^(e−m) ∈ [1, 3] and r = m + ln s − ln L, so no exponential overflows
/// for any finite parameters (the terms below m may underflow to 0, which is their value to
/// double precision next to the term equal to 1). Three exponentials per run instead of two; the
/// caller uses it where some exponent leaves ±700. The gradient is the same as the direct form's,
/// with eᵘ·scale = e^(u−m)·(w·clip(r, ±δ)/s), where s is the shifted sum.
static KERNEL_TARGET double KERNEL_FN(objective_stable)(
    const approach3_kernel_data *data, const double *params, double *gradient)
{
    const double a = params[0], b = params[1], e = params[2], alpha = params[3], beta = params[4];
    const double delta = data->delta, halfDelta = 0.5 * delta;
    const vd zero = splat(0);
    vd f = zero, ga = zero, gb = zero, ge = zero, gAlpha = zero, gBeta = zero;
    for (size_t block = 0; block < data->blocks; block++) {
        const vd lnN = load(data->lnN + block * LANES), lnD = load(data->lnD + block * LANES);
        const vd lnL = load(data->lnL + block * LANES), w = load(data->weight + block * LANES);
        const vd u = FMA(splat(-alpha), lnN, splat(a));
        const vd v = FMA(splat(-beta), lnD, splat(b));
        vd m = SELECT(u > v, u, v);
        m = SELECT(m > e, m, splat(e));
        const vd x1 = KERNEL_FN(exp_full)(u - m);
        const vd x2 = KERNEL_FN(exp_full)(v - m);
        const vd x3 = KERNEL_FN(exp_full)(e - m);
        const vd s = x1 + x2 + x3;
        const vd rc = (m + KERNEL_FN(log_normal)(s)) - lnL;
        const vd ar = SELECT(rc < 0.0, -rc, rc);
        const vd linear = delta * (ar - halfDelta);
        // Padding lanes (w = 0) hold finite values, so they add exactly 0.
        f = FMA(w, SELECT(ar <= delta, 0.5 * rc * rc, linear), f);
        vd h = SELECT(rc > delta, splat(delta), rc);
        h = SELECT(rc < -delta, splat(-delta), h);
        const vd scale = (w * h) / s;
        const vd w1 = x1 * scale, w2 = x2 * scale;
        ga += w1;
        gb += w2;
        ge = FMA(x3, scale, ge);
        gAlpha = FMA(-w1, lnN, gAlpha);
        gBeta = FMA(-w2, lnD, gBeta);
    }
    if (gradient) {
        gradient[0] = lane_sum(ga);
        gradient[1] = lane_sum(gb);
        gradient[2] = lane_sum(ge);
        gradient[3] = lane_sum(gAlpha);
        gradient[4] = lane_sum(gBeta);
    }
    return lane_sum(f);
}

#undef KERNEL_CHUNK
#undef KERNEL_INLINE
#undef KERNEL_FN
#undef KERNEL_NAME1
#undef KERNEL_NAME2
