// `riposte exec --profile P -- CMD ARGS...`: starts CMD under a seccomp profile applied
// directly with libseccomp — the built-in "restricted" baseline, `none`, or an OCI
// seccomp JSON file (for example one seccomp.tighten saved) — plus any --deny syscalls;
// every process CMD starts inherits the filter. By default riposte stays as CMD's
// supervisor (seccomp/exec_supervisor.h) so a later seccomp.tighten can take away the
// restricted set's syscalls the profile still allows; --no-supervise becomes CMD instead.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/config_loading.h"
#include "seccomp/exec_supervisor.h"
#include "seccomp/seccomp_filter.h"
#include "seccomp/seccomp_profile.h"

namespace riposte {
namespace {

struct ExecArgs {
  std::string profile = "restricted";
  std::vector<std::string> deny;
  bool kill = false;
  bool no_supervise = false;
  std::string print_profile;  // write the profile applied here as well
  std::vector<std::string> command;
};

Result<nlohmann::json> BaseProfile(const std::string& profile) {
  if (profile == "restricted" || profile == "none") return nlohmann::json(nullptr);
  std::ifstream in(profile);
  if (!in) return Error{profile + ": cannot read (give `restricted` or an OCI seccomp JSON file)"};
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error{profile + ": not a JSON seccomp profile"};
  return j;
}

// A launcher should be invisible to whoever waits for it: a command killed by a signal
// (SIGSYS from a `kill` profile, say) kills the launcher with the same signal, without
// a core file of the launcher's own. Only if that fails does it exit 128+signal.
int EndLikeChild(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (!WIFSIGNALED(wait_status)) return 1;
  const int sig = WTERMSIG(wait_status);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  raise(sig);
  return 128 + sig;
}

int Exec(const ExecArgs& args, const GlobalOptions& global) {
  auto base = BaseProfile(args.profile);
  if (!base) {
    spdlog::error("{}", base.error().message);
    return 2;
  }
  std::vector<std::string> deny = SplitCommas(args.deny);
  if (Status names = CheckSyscallNames(deny); !names) {
    spdlog::error("--deny: {}", names.error().message);
    return 2;
  }
  if (args.profile == "restricted")
    deny.insert(deny.end(), RestrictedSyscalls().begin(), RestrictedSyscalls().end());
  nlohmann::json profile = TightenProfile(*base, deny, args.kill ? DenyAction::kKill : DenyAction::kErrno);
  auto filter = SeccompFilter::FromProfile(profile);
  if (!filter) {
    spdlog::error("profile {}: {}", args.profile, filter.error().message);
    return 2;
  }
  if (!args.print_profile.empty()) std::ofstream(args.print_profile) << profile.dump(2) << "\n";
  if (!args.no_supervise) {
    auto config = LoadConfigFor(global);
    SupervisorOptions o;
    o.profile = profile;
    const auto denied = DeniedSyscalls(profile);
    for (const auto& n : RestrictedSyscalls())
      if (std::find(denied.begin(), denied.end(), n) == denied.end()) o.watch.push_back(n);
    if (config) o.profile_dir = config->seccomp_profile_dir;
    auto status = RunSupervised(o, args.command);
    if (!status) {
      spdlog::error("cannot run {}: {}", args.command[0], status.error().message);
      return 126;
    }
    return EndLikeChild(*status);
  }
  if (Status s = filter->Load(); !s) {
    spdlog::error("{}", s.error().message);
    return 1;
  }
  std::vector<char*> argv;
  for (const auto& a : args.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  spdlog::error("cannot run {}: {}", args.command[0], strerror(errno));
  return 127;
}

}  // namespace

void RegisterExecCommand(CLI::App& app, const std::vector<std::string>& command, const GlobalOptions& global) {
  auto args = std::make_shared<ExecArgs>();
  CLI::App* cmd = app.add_subcommand("exec", "Run a command under a seccomp profile, applied with libseccomp");
  cmd->add_option("--profile", args->profile,
                  "restricted (the baseline: no namespaces, mounts, modules, ptrace, bpf, keyrings, kexec...), none, "
                  "or an OCI seccomp JSON file");
  cmd->add_option("--deny", args->deny, "more syscalls to deny (comma-separated or repeated)");
  cmd->add_flag("--kill", args->kill, "kill the process on a denied syscall instead of failing it with EPERM");
  cmd->add_option("--write-profile", args->print_profile, "also write the profile applied, as OCI JSON, to this file");
  cmd->add_flag("--no-supervise", args->no_supervise,
                "become the command instead of supervising it (no later seccomp.tighten is possible)");
  cmd->footer("  riposte exec [OPTIONS] -- COMMAND [ARGS...]");
  cmd->callback([args, &command, &global] {
    args->command = command;
    if (args->command.empty()) {
      spdlog::error("exec: no command given (riposte exec --profile P -- COMMAND ARGS...)");
      throw CLI::RuntimeError(2);
    }
    int rc = Exec(*args, global);
    throw CLI::RuntimeError(rc);
  });
}

}  // namespace riposte
