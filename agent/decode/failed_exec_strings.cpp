#include "decode/failed_exec_strings.h"

#include "kernel/syscall_table.h"

namespace riposte {

std::optional<FailedExecStrings> FailedExecStringsOf(const Event& e) {
  if (!e.syscall || e.ret >= 0 || e.syscall->params[1].kind != ParamKind::kExecStrings) return std::nullopt;
  const std::string_view raw = e.params[1];
  if (raw.empty()) return std::nullopt;
  // One byte counting argv's strings, then argv's and envp's strings, each NUL-terminated
  // (the last one may be cut short by the record's bound, without its NUL).
  const size_t argc = static_cast<unsigned char>(raw[0]);
  FailedExecStrings out;
  size_t pos = 1;
  while (pos < raw.size()) {
    size_t end = raw.find('\0', pos);
    if (end == std::string_view::npos) end = raw.size();
    auto& into = out.argv.size() < argc ? out.argv : out.envp;
    into.emplace_back(raw.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace riposte
