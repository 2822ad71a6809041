#include "cli/config_loading.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/agent_signals.h"
#include "common/log_setup.h"

namespace riposte {

Result<AgentConfig> LoadConfigFor(const GlobalOptions& global) {
  if (!global.config_path.empty()) return LoadAgentConfig(global.config_path);
  constexpr const char* kDefault = "/etc/riposte/riposte.yaml";
  if (access(kDefault, R_OK) == 0) return LoadAgentConfig(kDefault);
  return AgentConfig{};
}

std::optional<AgentConfig> LoadAgentProcessConfig(const GlobalOptions& global) {
  TakeOverAgentSignals();
  auto config = LoadConfigFor(global);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return std::nullopt;
  }
  SetLogFormat(config->log_format);
  if (!global.log_level_given) spdlog::set_level(spdlog::level::from_str(config->log_level));
  return std::move(*config);
}

std::vector<std::string> SplitCommas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    size_t i = 0;
    while (i <= v.size()) {
      size_t j = v.find(',', i);
      if (j == std::string::npos) j = v.size();
      if (j > i) out.push_back(v.substr(i, j - i));
      i = j + 1;
    }
  }
  return out;
}

Result<PrintSetup> LoadPrintSetup(const GlobalOptions& global, const std::string& format,
                                  const std::vector<std::string>& types, const std::string& container) {
  auto config = LoadConfigFor(global);
  if (!config) return config.error();
  auto fmt = ParsePrintFormat(format);
  if (!fmt) return fmt.error();
  EventFilter filter;
  for (auto& t : SplitCommas(types)) filter.types.insert(t);
  filter.container = container;
  return PrintSetup{std::move(*config), *fmt, std::move(filter)};
}

}  // namespace riposte
