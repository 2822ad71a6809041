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
  // Sized to the message: a verifier log runs to megabytes, and its end (the refusal) is
  // the part that matters.
  va_list measure;
  va_copy(measure, args);
  const int n = std::vsnprintf(nullptr, 0, format, measure);
  va_end(measure);
  if (n <= 0) return 0;
  std::string line(static_cast<size_t>(n) + 1, '\0');
  std::vsnprintf(line.data(), line.size(), format, args);
  line.resize(static_cast<size_t>(n));
  while (!line.empty() && line.back() == '\n') line.pop_back();
  spdlog::debug("libbpf{}: {}", level == LIBBPF_WARN ? " warn" : "", line);
  return 0;
}

}  // namespace

void RouteLibbpfLogToSpdlog() { libbpf_set_print(&Print); }

}  // namespace riposte
