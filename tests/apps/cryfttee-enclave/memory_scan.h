// Searches another process's memory for byte strings: every readable mapping of
// /proc/PID/maps, read through /proc/PID/mem. The caller must be allowed to ptrace the target
// (its parent, under Yama scope 1).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/bytes.h"

namespace cryfttee::testing {

struct ScanResult {
  bool ok = false;           // the maps could be read and at least one mapping was scanned
  std::string error;         // why not
  size_t bytes_scanned = 0;  // sum of the readable mappings read
  std::vector<size_t> hits;  // per needle: how many times it was found
};

ScanResult ScanProcessMemory(pid_t pid, const std::vector<Bytes>& needles);

}  // namespace cryfttee::testing
