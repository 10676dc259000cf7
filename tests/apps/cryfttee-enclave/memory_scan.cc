#include "memory_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace cryfttee::testing {

ScanResult ScanProcessMemory(pid_t pid, const std::vector<Bytes>& needles) {
  ScanResult result;
  result.hits.assign(needles.size(), 0);
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  if (!maps) {
    result.error = "cannot read /proc/" + std::to_string(pid) + "/maps";
    return result;
  }
  int mem = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  if (mem < 0) {
    result.error = "cannot open /proc/" + std::to_string(pid) + "/mem (ptrace not permitted?)";
    return result;
  }
  std::string line;
  Bytes region;
  while (std::getline(maps, line)) {
    unsigned long start = 0, end = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &start, &end, perms) != 3) continue;
    if (perms[0] != 'r') continue;
    // [vvar] and device mappings cannot be read; they hold no heap or stack data.
    if (line.find("[vvar]") != std::string::npos || line.find("[vsyscall]") != std::string::npos) {
      continue;
    }
    region.resize(end - start);
    ssize_t n = ::pread(mem, region.data(), region.size(), static_cast<off_t>(start));
    if (n <= 0) continue;
    region.resize(static_cast<size_t>(n));
    result.bytes_scanned += region.size();
    for (size_t i = 0; i < needles.size(); ++i) {
      const Bytes& needle = needles[i];
      auto it = region.begin();
      while ((it = std::search(it, region.end(), needle.begin(), needle.end())) != region.end()) {
        ++result.hits[i];
        ++it;
      }
    }
  }
  ::close(mem);
  result.ok = result.bytes_scanned > 0;
  if (!result.ok) result.error = "no readable mapping could be read";
  return result;
}

}  // namespace cryfttee::testing
