// The Approach 3 objective kernel, compiled for two instruction sets from one source
// (approach3_kernel_body.h) and chosen at run time.
//
// Why both copies give the same bits: every lane of every vector goes through the same sequence of
// correctly rounded IEEE-754 binary64 operations (+, −, ×, ÷, and fused multiply-adds a·b + c with
// one rounding where the source writes FMA), comparisons, selects and integer bit operations, in
// the same order, whichever register width holds it; the lane sums are added in a fixed order
// (lane 0 first); the exponential's and logarithm's tables are constants. The AVX2 copy computes
// FMA with the processor's instruction, the baseline copy with the C library's fma(), which is
// correctly rounded too (in software on processors without FMA: slow, but the same bits). What
// could break this is the compiler fusing a·b + c where the source does not say FMA, which the
// pragma below forbids, and reassociation, which C never does without -ffast-math. Both copies run
// with the same MXCSR (round to nearest, subnormals kept).

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
static const double LOG2E = 1.4426950408889634;
/// ln 2 split into a high part with 32 significant bits and the rest.
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const uint64_t EXPONENT_AND_SIGN_MASK = 0xfff0000000000000u;

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

/// ln's table: for j = 0…127 the doubles z whose bits minus LOG_OFFSET_BITS have j in bits 45–51
/// form an interval of [0.6855, 1.3730) (1/256 wide below 1, 1/128 above); c is its midpoint, or 1
/// for the interval around 1. The table holds 1/c rounded to a double, invc, and −ln(invc) correctly
/// rounded: ln z = ln(z·invc) − ln(invc) holds exactly whatever the rounding of invc.
static const uint64_t LOG_OFFSET_BITS = 0x3fe6000000000000u - (UINT64_C(1) << 44);
static const double log_invc[128] = {
    0x1.745d1745d1746p+0, 0x1.724287f46debcp+0, 0x1.702e05c0b8170p+0, 0x1.6e1f76b4337c7p+0,
    0x1.6c16c16c16c17p+0, 0x1.6a13cd1537290p+0, 0x1.6816816816817p+0, 0x1.661ec6a5122f9p+0,
    0x1.642c8590b2164p+0, 0x1.623fa77016240p+0, 0x1.6058160581606p+0, 0x1.5e75bb8d015e7p+0,
    0x1.5c9882b931057p+0, 0x1.5ac056b015ac0p+0, 0x1.58ed2308158edp+0, 0x1.571ed3c506b3ap+0,
    0x1.5555555555555p+0, 0x1.5390948f40febp+0, 0x1.51d07eae2f815p+0, 0x1.5015015015015p+0,
    0x1.4e5e0a72f0539p+0, 0x1.4cab88725af6ep+0, 0x1.4afd6a052bf5bp+0, 0x1.49539e3b2d067p+0,
    0x1.47ae147ae147bp+0, 0x1.460cbc7f5cf9ap+0, 0x1.446f86562d9fbp+0, 0x1.42d6625d51f87p+0,
    0x1.4141414141414p+0, 0x1.3fb013fb013fbp+0, 0x1.3e22cbce4a902p+0, 0x1.3c995a47babe7p+0,
    0x1.3b13b13b13b14p+0, 0x1.3991c2c187f63p+0, 0x1.3813813813814p+0, 0x1.3698df3de0748p+0,
    0x1.3521cfb2b78c1p+0, 0x1.33ae45b57bcb2p+0, 0x1.323e34a2b10bfp+0, 0x1.30d190130d190p+0,
    0x1.2f684bda12f68p+0, 0x1.2e025c04b8097p+0, 0x1.2c9fb4d812ca0p+0, 0x1.2b404ad012b40p+0,
    0x1.29e4129e4129ep+0, 0x1.288b01288b013p+0, 0x1.27350b8812735p+0, 0x1.25e22708092f1p+0,
    0x1.2492492492492p+0, 0x1.23456789abcdfp+0, 0x1.21fb78121fb78p+0, 0x1.20b470c67c0d9p+0,
    0x1.1f7047dc11f70p+0, 0x1.1e2ef3b3fb874p+0, 0x1.1cf06ada2811dp+0, 0x1.1bb4a4046ed29p+0,
    0x1.1a7b9611a7b96p+0, 0x1.19453808ca29cp+0, 0x1.1811811811812p+0, 0x1.16e0689427379p+0,
    0x1.15b1e5f75270dp+0, 0x1.1485f0e0acd3bp+0, 0x1.135c81135c811p+0, 0x1.12358e75d3033p+0,
    0x1.1111111111111p+0, 0x1.0fef010fef011p+0, 0x1.0ecf56be69c90p+0, 0x1.0db20a88f4696p+0,
    0x1.0c9714fbcda3bp+0, 0x1.0b7e6ec259dc8p+0, 0x1.0a6810a6810a7p+0, 0x1.0953f39010954p+0,
    0x1.0842108421084p+0, 0x1.073260a47f7c6p+0, 0x1.0624dd2f1a9fcp+0, 0x1.05197f7d73404p+0,
    0x1.0410410410410p+0, 0x1.03091b51f5e1ap+0, 0x1.0204081020408p+0, 0x1.0101010101010p+0,
    0x1.0000000000000p+0, 0x1.fc07f01fc07f0p-1, 0x1.f81f81f81f820p-1, 0x1.f44659e4a4271p-1,
    0x1.f07c1f07c1f08p-1, 0x1.ecc07b301ecc0p-1, 0x1.e9131abf0b767p-1, 0x1.e573ac901e574p-1,
    0x1.e1e1e1e1e1e1ep-1, 0x1.de5d6e3f8868ap-1, 0x1.dae6076b981dbp-1, 0x1.d77b654b82c34p-1,
    0x1.d41d41d41d41dp-1, 0x1.d0cb58f6ec074p-1, 0x1.cd85689039b0bp-1, 0x1.ca4b3055ee191p-1,
    0x1.c71c71c71c71cp-1, 0x1.c3f8f01c3f8f0p-1, 0x1.c0e070381c0e0p-1, 0x1.bdd2b899406f7p-1,
    0x1.bacf914c1bad0p-1, 0x1.b7d6c3dda338bp-1, 0x1.b4e81b4e81b4fp-1, 0x1.b2036406c80d9p-1,
    0x1.af286bca1af28p-1, 0x1.ac5701ac5701bp-1, 0x1.a98ef606a63bep-1, 0x1.a6d01a6d01a6dp-1,
    0x1.a41a41a41a41ap-1, 0x1.a16d3f97a4b02p-1, 0x1.9ec8e951033d9p-1, 0x1.9c2d14ee4a102p-1,
    0x1.999999999999ap-1, 0x1.970e4f80cb872p-1, 0x1.948b0fcd6e9e0p-1, 0x1.920fb49d0e229p-1,
    0x1.8f9c18f9c18fap-1, 0x1.8d3018d3018d3p-1, 0x1.8acb90f6bf3aap-1, 0x1.886e5f0abb04ap-1,
    0x1.8618618618618p-1, 0x1.83c977ab2beddp-1, 0x1.8181818181818p-1, 0x1.7f405fd017f40p-1,
    0x1.7d05f417d05f4p-1, 0x1.7ad2208e0ecc3p-1, 0x1.78a4c8178a4c8p-1, 0x1.767dce434a9b1p-1,
};
static const double log_logc[128] = {
    -0x1.7fafa3bd8151cp-2, -0x1.79e26687cfb3dp-2, -0x1.741d876c67bb1p-2, -0x1.6e60ee6af1973p-2,
    -0x1.68ac83e9c6a15p-2, -0x1.630030b3aac48p-2, -0x1.5d5bddf595f31p-2, -0x1.57bf753c8d1fbp-2,
    -0x1.522ae0738a3d7p-2, -0x1.4c9e09e172c3dp-2, -0x1.4718dc271c41cp-2, -0x1.419b423d5e8c6p-2,
    -0x1.3c25277333183p-2, -0x1.36b6776be1116p-2, -0x1.314f1e1d35ce3p-2, -0x1.2bef07cdc9355p-2,
    -0x1.269621134db91p-2, -0x1.214456d0eb8d5p-2, -0x1.1bf99635a6b95p-2, -0x1.16b5ccbacfb73p-2,
    -0x1.1178e8227e47ap-2, -0x1.0c42d676162e2p-2, -0x1.07138604d5864p-2, -0x1.01eae5626c691p-2,
    -0x1.f991c6cb3b37ap-3, -0x1.ef5ade4dcffe5p-3, -0x1.e530effe71013p-3, -0x1.db13db0d48941p-3,
    -0x1.d1037f2655e7bp-3, -0x1.c6ffbc6f00f71p-3, -0x1.bd087383bd8aap-3, -0x1.b31d8575bce3bp-3,
    -0x1.a93ed3c8ad9e5p-3, -0x1.9f6c407089663p-3, -0x1.95a5adcf70182p-3, -0x1.8beafeb38fe8fp-3,
    -0x1.823c16551a3c0p-3, -0x1.7898d85444c74p-3, -0x1.6f0128b756ab9p-3, -0x1.6574ebe8c1339p-3,
    -0x1.5bf406b543db0p-3, -0x1.527e5e4a1b58dp-3, -0x1.4913d8333b563p-3, -0x1.3fb45a59928cap-3,
    -0x1.365fcb0159014p-3, -0x1.2d1610c86813dp-3, -0x1.23d712a49c201p-3, -0x1.1aa2b7e23f729p-3,
    -0x1.1178e8227e47ap-3, -0x1.08598b59e3a07p-3, -0x1.fe89139dbd565p-4, -0x1.ec739830a1126p-4,
    -0x1.da7276384469ep-4, -0x1.c885801bc4b20p-4, -0x1.b6ac88dad5b1dp-4, -0x1.a4e7640b1bc38p-4,
    -0x1.9335e5d594988p-4, -0x1.8197e2f40e3f0p-4, -0x1.700d30aeac0e8p-4, -0x1.5e95a4d9791cdp-4,
    -0x1.4d3115d207eacp-4, -0x1.3bdf5a7d1ee5ep-4, -0x1.2aa04a44717a1p-4, -0x1.1973bd1465561p-4,
    -0x1.08598b59e3a06p-4, -0x1.eea31c006b87cp-5, -0x1.ccb73cdddb2d0p-5, -0x1.aaef2d0fb1108p-5,
    -0x1.894aa149fb34bp-5, -0x1.67c94f2d4bb65p-5, -0x1.466aed42de3f9p-5, -0x1.252f32f8d1840p-5,
    -0x1.0415d89e74440p-5, -0x1.c63d2ec14aad7p-6, -0x1.8492528c8cac5p-6, -0x1.432a925980cbcp-6,
    -0x1.0205658935837p-6, -0x1.82448a388a283p-7, -0x1.010157588de69p-7, -0x1.0080559588b25p-8,
    0x0.0p+0, 0x1.fe02a6b106799p-8, 0x1.fc0a8b0fc03c4p-7, 0x1.7b91b07d5b126p-6,
    0x1.f829b0e7832f8p-6, 0x1.39e87b9febd68p-5, 0x1.77458f632dcffp-5, 0x1.b42dd711971b9p-5,
    0x1.f0a30c01162a8p-5, 0x1.16536eea37ae3p-4, 0x1.341d7961bd1d0p-4, 0x1.51b073f06183cp-4,
    0x1.6f0d28ae56b4ep-4, 0x1.8c345d6319b23p-4, 0x1.a926d3a4ad562p-4, 0x1.c5e548f5bc743p-4,
    0x1.e27076e2af2eap-4, 0x1.fec9131dbeabcp-4, 0x1.0d77e7cd08e5bp-3, 0x1.1b72ad52f67a2p-3,
    0x1.29552f81ff521p-3, 0x1.371fc201e8f75p-3, 0x1.44d2b6ccb7d1cp-3, 0x1.526e5e3a1b438p-3,
    0x1.5ff3070a793d6p-3, 0x1.6d60fe719d21bp-3, 0x1.7ab890210d907p-3, 0x1.87fa06520c911p-3,
    0x1.9525a9cf456b6p-3, 0x1.a23bc1fe2b561p-3, 0x1.af3c94e80bff3p-3, 0x1.bc286742d8cd4p-3,
    0x1.c8ff7c79a9a20p-3, 0x1.d5c216b4fbb94p-3, 0x1.e27076e2af2e8p-3, 0x1.ef0adcbdc5935p-3,
    0x1.fb9186d5e3e29p-3, 0x1.0402594b4d041p-2, 0x1.0a324e27390e2p-2, 0x1.1058bf9ae4ad4p-2,
    0x1.1675cababa60fp-2, 0x1.1c898c16999fbp-2, 0x1.22941fbcf7966p-2, 0x1.2895a13de86a4p-2,
    0x1.2e8e2bae11d31p-2, 0x1.347dd9a987d56p-2, 0x1.3a64c556945eap-2, 0x1.404308686a7e4p-2,
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

/// a·b + c on every lane with one rounding: the FMA instruction when the function it is inlined
/// into has the "fma" target feature, the C library's fma() otherwise.
#if defined(__has_builtin) && __has_builtin(__builtin_elementwise_fma)
#define FMA(a, b, c) __builtin_elementwise_fma((a), (b), (c))
#else
HELPER vd fma_lanes(vd a, vd b, vd c) {
    vd result;
    for (int lane = 0; lane < LANES; lane++) result[lane] = __builtin_fma(a[lane], b[lane], c[lane]);
    return result;
}
#define FMA(a, b, c) fma_lanes((a), (b), (c))
#endif

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
#define KERNEL_TARGET __attribute__((target("avx2,fma")))
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
    double (*objective_stable)(const approach3_kernel_data *, const double *, double *);
    void (*exp)(const double *, double *, size_t);
    void (*exp_normal)(const double *, double *, size_t);
    void (*log)(const double *, double *, size_t);
    void (*log_normal)(const double *, double *, size_t);
} kernel_copy;

static const kernel_copy baseline_copy = {
    objective_baseline, objective_stable_baseline, exp_batch_baseline, exp_normal_batch_baseline, log_batch_baseline,
    log_normal_batch_baseline,
};

#if HAVE_AVX2_COPY
static const kernel_copy avx2_copy = {
    objective_avx2, objective_stable_avx2, exp_batch_avx2, exp_normal_batch_avx2, log_batch_avx2, log_normal_batch_avx2,
};
#endif

static int cpu_has_avx2(void) {
#if HAVE_AVX2_COPY
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
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

double approach3_kernel_objective_stable(
    const approach3_kernel_data *data, const double *params, double *gradient, approach3_kernel_path path)
{
    return copy_for(path)->objective_stable(data, params, gradient);
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
