#include "rules/rule_items.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace riposte {

std::string SourcePosition::ToString() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string LoadMessage::ToString() const {
  std::string s = position.ToString() + (severity == Severity::kError     ? ": error: "
                                         : severity == Severity::kWarning ? ": warning: "
                                                                          : ": info: ");
  if (!item.empty()) s += item + ": ";
  return s + text;
}

LoadMessage SyntaxErrorMessage(const std::string& name, const std::string& msg) {
  size_t c1 = msg.find(':', name.size() + 1), c2 = c1 == std::string::npos ? c1 : msg.find(':', c1 + 1);
  int line = std::atoi(msg.c_str() + name.size() + 1);
  int col = c1 == std::string::npos ? 0 : std::atoi(msg.c_str() + c1 + 1);
  return {Severity::kError, {name, line, col}, "", c2 == std::string::npos ? msg : msg.substr(c2 + 2)};
}

namespace {
struct PriorityName {
  Priority p;
  std::string_view canonical;
};
constexpr std::array<PriorityName, 8> kPriorities = {{
    {Priority::kEmergency, "Emergency"}, {Priority::kAlert, "Alert"},
    {Priority::kCritical, "Critical"},   {Priority::kError, "Error"},
    {Priority::kWarning, "Warning"},     {Priority::kNotice, "Notice"},
    {Priority::kInformational, "Informational"}, {Priority::kDebug, "Debug"},
}};

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::optional<Priority> ParsePriority(std::string_view name) {
  for (const auto& p : kPriorities)
    if (IEquals(name, p.canonical)) return p.p;
  if (IEquals(name, "info")) return Priority::kInformational;  // Falco accepts both
  return std::nullopt;
}

std::string_view PriorityName(Priority p) { return kPriorities[static_cast<size_t>(p)].canonical; }

}  // namespace riposte
