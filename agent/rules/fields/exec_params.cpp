#include "rules/fields/exec_params.h"

#include <cstdio>

#include "common/wall_time.h"
#include "decode/arg_format.h"
#include "state/process_info.h"

namespace riposte {
namespace {

// Falco's PT_BYTEBUF rendering of a NUL-separated list: each item, its unprintable bytes
// as '.', and a '.' for the NUL after it ("exec_argv." for one argument).
std::string ByteBufText(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    for (unsigned char c : item) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
    out += '.';
  }
  return out;
}

ExecParamValue Text(std::string s) { return {s, std::move(s), std::nullopt, false}; }

ExecParamValue Number(int64_t n, std::string text) {
  return {text, std::move(text), n, true};
}

// A pid parameter: its process's name, "26547(cf_exec1)" in evt.args.
ExecParamValue Pid(const ProcessTable& processes, uint32_t pid) {
  const ProcessInfo* p = processes.Find(pid);
  if (!p) return Number(pid, std::to_string(pid));
  return {p->comm, std::to_string(pid) + "(" + p->comm + ")", pid, false};
}

// A uid or gid parameter: its name ("<NONE>" for -1), "0(root)" in evt.args.
ExecParamValue Id(ArgKind kind, uint32_t id) {
  const int64_t n = id == UINT32_MAX ? -1 : static_cast<int64_t>(id);
  std::string name = FormatArg(kind, id);
  const bool named = name != std::to_string(id);
  return {name, named ? std::to_string(n) + "(" + name + ")" : name, n, false};
}

ExecParamValue Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%llX", static_cast<unsigned long long>(v));
  return Number(static_cast<int64_t>(v), buf);
}

}  // namespace

std::optional<ExecParamValue> ExecParamOf(const Event& e, const ProcessTable& processes, std::string_view name) {
  const ProcessInfo* p = e.process;
  if (!p) return std::nullopt;
  if (name == "exe") return Text(p->exe);  // argv[0], as the process got it
  if (name == "args") return Text(ByteBufText(p->args));
  if (name == "tid") return Pid(processes, e.tid);
  if (name == "pid") return Pid(processes, e.pid);
  // The parent thread: riposte keeps the parent process, the same task unless a
  // secondary thread of a multithreaded parent forked.
  if (name == "ptid") return Pid(processes, p->ppid);
  // Falco's modern probe leaves execve's cwd empty: rules and outputs see "<NA>".
  if (name == "cwd") return Text("<NA>");
  if (name == "comm") return Text(p->comm);
  if (name == "tty") return Number(p->tty, std::to_string(p->tty));
  if (name == "pgid" || name == "vpgid") return Pid(processes, p->pgid);
  if (name == "loginuid") return Id(ArgKind::kUid, p->loginuid);
  if (name == "uid") return Id(ArgKind::kUid, p->uid);
  if (name == "gid") return Id(ArgKind::kGid, p->gid);
  if (name == "cap_inheritable") return Hex(p->cap_inheritable);
  if (name == "cap_permitted") return Hex(p->cap_permitted);
  if (name == "cap_effective") return Hex(p->cap_effective);
  if (name == "exe_ino") return Number(static_cast<int64_t>(p->exe_ino), std::to_string(p->exe_ino));
  if (name == "exe_ino_ctime" || name == "exe_ino_mtime") {
    const int64_t ns = name == "exe_ino_ctime" ? p->exe_ctime_ns : p->exe_mtime_ns;
    std::string when = FormatLocalTime(ns, true, true);
    return ExecParamValue{when, when, ns, false};
  }
  if (name == "trusted_exepath") return Text(p->exepath);
  return std::nullopt;
}

}  // namespace riposte
