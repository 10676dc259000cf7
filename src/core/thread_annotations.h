// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html), as in
// leveldb's port/thread_annotations.h. Under clang with -Wthread-safety (the fuzz build, which
// CI runs) the compiler checks that every GUARDED_BY member is touched only with its mutex held;
// under g++ the macros expand to nothing. Use them with core/mutex.h: libstdc++'s std::mutex
// carries no annotations, so the analysis cannot see it.
#pragma once

#if defined(__clang__)
#define CRYFTTEE_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CRYFTTEE_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) CRYFTTEE_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY CRYFTTEE_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) CRYFTTEE_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) CRYFTTEE_THREAD_ANNOTATION(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) CRYFTTEE_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define REQUIRES(...) CRYFTTEE_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) CRYFTTEE_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) CRYFTTEE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) CRYFTTEE_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) CRYFTTEE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) CRYFTTEE_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) CRYFTTEE_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define EXCLUDES(...) CRYFTTEE_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS CRYFTTEE_THREAD_ANNOTATION(no_thread_safety_analysis)
