#pragma once
// NNLAB_ISA_CLONES marks a hot kernel entry point that GCC compiles three times, for AVX-512
// (x86-64-v4), AVX2 (x86-64-v3) and the baseline, and picks among at run time. The build itself
// stays portable (no -march flags). The clones may use fused multiply-add, so the last bit of a
// result can differ between machines with and without AVX2; on one machine runs repeat exactly.
#define NNLAB_ISA_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

// The same for a function template. Clang (14) cannot multiversion templates, so a clang build
// (the fuzz build) compiles them once, for the baseline.
#if defined(__clang__)
#define NNLAB_ISA_CLONES_TEMPLATE
#else
#define NNLAB_ISA_CLONES_TEMPLATE NNLAB_ISA_CLONES
#endif
