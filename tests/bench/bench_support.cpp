#include "bench_support.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include <nlohmann/json.hpp>

namespace riposte::testing {

std::string g_riposte, g_source_dir;
std::string RiposteBinary() { return g_riposte; }
std::string SourceDir() { return g_source_dir; }
std::string Shell(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

int64_t WallNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t AlertTime(const std::string& alerts_path, const std::string& file) {
  std::ifstream in(alerts_path);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    const auto& f = j["output_fields"];
    if (f.value("fd.name", "") == file && f.contains("evt.rawtime")) return f["evt.rawtime"].get<int64_t>();
  }
  return 0;
}

Percentiles Summarise(std::vector<double> ms) {
  Percentiles p;
  if (ms.empty()) return p;
  std::sort(ms.begin(), ms.end());
  p.p50 = ms[ms.size() / 2];
  p.p99 = ms[std::min(ms.size() - 1, static_cast<size_t>(ms.size() * 0.99))];
  p.max = ms.back();
  return p;
}

}  // namespace riposte::testing
