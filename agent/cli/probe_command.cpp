// `riposte probe` and `riposte syscalls`: what this kernel offers, what riposte captures.
#include <cstdio>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "kernel/feature_probe.h"
#include "kernel/syscall_table.h"

namespace riposte {

void RegisterProbeCommand(CLI::App& app, const GlobalOptions&) {
  CLI::App* cmd = app.add_subcommand("probe", "Probe the kernel's eBPF features and print the mode riposte would run in");
  AddVersionFlag(*cmd);
  cmd->callback([] {
    auto f = ProbeKernelFeatures();
    if (!f) {
      spdlog::error("{}", f.error().message);
      throw CLI::RuntimeError(1);
    }
    std::printf("kernel %s\n%s\n%s\n", f->kernel_release.c_str(), f->Summary().c_str(),
                f->CaptureMode().c_str());
  });
}

void RegisterSyscallsCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("syscalls", "List the syscalls riposte can capture (* default set, + always on for state)");
  AddVersionFlag(*cmd);
  cmd->callback([] {
    auto in = [](std::span<const std::string_view> set, std::string_view name) {
      for (auto s : set)
        if (s == name) return true;
      return false;
    };
    for (const auto& s : KnownSyscalls()) {
      std::printf("%-16s %3d %s%s\n", std::string(s.name).c_str(), s.nr,
                  in(DefaultSyscalls(), s.name) ? "*" : " ", in(StateSyscalls(), s.name) ? "+" : " ");
    }
  });
}

}  // namespace riposte
