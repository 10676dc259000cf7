// Cold start for bench/api (issue 11): how long a freshly spawned daemon takes until its socket
// answers, against a minimal process start measured in the same run.
//
//   api_bench coldstart --dir <tmp> [--runs N] [--keys K] -- <daemon argv with {sock} {data}>
//
// Each round spawns, interleaved: `/bin/true` (exec to exit: the kernel's process start), the
// in-tree floor responder (exec to its socket answering: a minimal server), and the daemon on
// an empty vault and on a vault holding K BLS keys (exec to `/readyz` answering 200). The
// daemon is stopped with SIGTERM after each start. Prints each series' median and minimum and
// the daemon's ratios to the floor. Fails only when a start does not answer within 10 s.
//
// Threading: single-threaded; children are reaped before the next round.
#pragma once

namespace cryfttee::bench {

int RunColdStart(int argc, char** argv);

}  // namespace cryfttee::bench
