#include "kernel/libbpf_logging.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>
#include <string>

#include <spdlog/spdlog.h>

namespace riposte {
namespace {

int Print(enum libbpf_print_level level, const char* format, va_list args) {
  if (!spdlog::should_log(spdlog::level::debug)) return 0;
  char buf[1024];
  int n = std::vsnprintf(buf, sizeof(buf), format, args);
  std::string line(buf, n > 0 ? std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1) : 0);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  spdlog::debug("libbpf{}: {}", level == LIBBPF_WARN ? " warn" : "", line);
  return 0;
}

}  // namespace

void RouteLibbpfLogToSpdlog() { libbpf_set_print(&Print); }

}  // namespace riposte
