// The workloads the overhead benchmarks time, the same in each so their figures compare:
// the syscall-heavy worst case (open, read, close one file), and the median of rounds.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace riposte::bench {

// Seconds for `iterations` rounds of open, read, close on `file`.
inline double OpenReadCloseLoop(int iterations, const std::string& file) {
  char buf[256];
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    int fd = open(file.c_str(), O_RDONLY);
    if (fd >= 0) {
      (void)!read(fd, buf, sizeof(buf));
      close(fd);
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace riposte::bench
