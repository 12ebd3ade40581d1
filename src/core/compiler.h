/*
 * core/compiler.h -- hints to the compiler, where measurement showed they
 * matter.
 */
#ifndef SLP_CORE_COMPILER_H
#define SLP_CORE_COMPILER_H

/* A small static function on a per-event path that GCC at -O2 would keep
 * out of line because it has several callers: the call, and the spills
 * around it, cost more than its body. */
#define SLP__INLINE static inline __attribute__((always_inline))

#endif /* SLP_CORE_COMPILER_H */
