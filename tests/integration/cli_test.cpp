// The `riposte` binary as a user runs it: capture --write, then replay the file.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/agent_process.h"
#include "integration/capture_harness.h"

namespace riposte::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The subcommands `riposte PATH --help` lists (its "Subcommands:" section).
std::vector<std::string> SubcommandsOf(const std::string& path) {
  std::istringstream help(Shell(RiposteBinary() + " " + path + " --help"));
  std::vector<std::string> out;
  bool in_section = false;
  for (std::string line; std::getline(help, line);) {
    if (line.starts_with("Subcommands:")) {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    if (line.size() < 3 || line[0] != ' ' || line[2] == ' ') {
      if (!line.empty() && line[0] != ' ') in_section = false;
      continue;
    }
    out.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return out;
}

TEST(Cli, VersionAndHelpWorkOnEverySubcommand) {
  EXPECT_EQ(Shell(RiposteBinary() + " --version"), "riposte 0.1.0");
  // Every subcommand at every depth, as the help texts list them.
  std::vector<std::string> todo = SubcommandsOf(""), walked;
  while (!todo.empty()) {
    const std::string path = todo.back();
    todo.pop_back();
    walked.push_back(path);
    SCOPED_TRACE(path);
    int rc = -1;
    EXPECT_EQ(ShellStatus(RiposteBinary() + " " + path + " --version 2>&1", &rc), "riposte 0.1.0");
    EXPECT_EQ(rc, 0);
    std::string help = ShellStatus(RiposteBinary() + " " + path + " --help 2>&1", &rc);
    EXPECT_NE(help.find("Usage"), std::string::npos) << help;
    EXPECT_EQ(rc, 0);
    for (const auto& s : SubcommandsOf(path)) todo.push_back(path + " " + s);
  }
  for (const char* expected : {"run", "respond", "container list", "quarantine release", "audit verify", "exec",
                               "seccomp show", "policy test", "rules validate"})
    EXPECT_NE(std::find(walked.begin(), walked.end(), expected), walked.end()) << expected;
  // Past "--" the words are the command's own: `exec -- CMD --version` runs CMD.
  EXPECT_EQ(Shell(RiposteBinary() + " exec --profile none -- /bin/sh -c 'echo \"$0\"' --version"), "--version");
}

TEST(Cli, ProbeReportsTheActiveMode) {
  std::string out = Shell(RiposteBinary() + " probe");
  EXPECT_NE(out.find("raw_tracepoint=yes"), std::string::npos) << out;
  // This kernel offers tp_btf (the brief's machine): the typed hooks are the mode.
  EXPECT_NE(out.find("tp_btf=yes"), std::string::npos) << out;
  EXPECT_NE(out.find("capture: tp_btf sys_enter/sys_exit"), std::string::npos) << out;
}

TEST(Cli, WithoutPrivilegesTheAgentSaysWhatIsMissing) {
  // As nobody, with no capabilities: no BPF program may be loaded.
  std::string cmd = "setpriv --reuid=65534 --regid=65534 --clear-groups " + RiposteBinary() +
                    " capture --duration 1 2>&1";
  int rc = 0;
  std::string out = ShellStatus(cmd, &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("cannot load BPF programs: run riposte as root"), std::string::npos) << out;
}

TEST(Cli, CaptureWriteThenReplayShowsTheSameEvents) {
  const std::string dir = "/tmp/riposte-cli-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/cap.rpc", log = dir + "/capture.log", marker = dir + "/marker";

  pid_t agent = fork();
  if (agent == 0) {
    freopen(log.c_str(), "w", stderr);
    freopen("/dev/null", "w", stdout);
    execl(RiposteBinary().c_str(), "riposte", "capture", "--format", "none", "--write",
          file.c_str(), "--duration", "20", "--stats", nullptr);
    _exit(127);
  }
  // Wait until capture is attached and seeded.
  for (int i = 0; i < 200 && ReadAll(log).find("seeded") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_NE(ReadAll(log).find("seeded"), std::string::npos) << ReadAll(log);
  Shell(WorkloadPath() + " open " + marker + " unlink " + marker);
  Shell("cp " + WorkloadPath() + " " + marker + "-shadow-reader && " + marker + "-shadow-reader openro /etc/shadow");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(agent, SIGINT);
  int status = 0;
  waitpid(agent, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadAll(log);

  std::string replay = Shell(RiposteBinary() + " replay " + file + " --type openat,unlink --format json 2>/dev/null");
  // The same capture through the default rules: the read of /etc/shadow is an alert.
  std::string alerts = Shell(RiposteBinary() + " replay " + file + " --rules " + SourceDir() +
                             "/rules --json 2>/dev/null | grep marker-shadow-r || true");
  EXPECT_NE(replay.find("\"name\":\"" + marker + "\""), std::string::npos);
  EXPECT_NE(replay.find("\"path\":\"" + marker + "\""), std::string::npos);
  // State was rebuilt from the file: the workload's process is known with its argv.
  EXPECT_NE(replay.find("\"exepath\":\"" + WorkloadPath() + "\""), std::string::npos);
  auto alert = nlohmann::json::parse(alerts.substr(0, alerts.find('\n')), nullptr, false);
  ASSERT_FALSE(alert.is_discarded()) << alerts;
  EXPECT_EQ(alert["rule"], "Sensitive file read");
  EXPECT_EQ(alert["output_fields"]["fd.name"], "/etc/shadow");
  // The same alert as a SIEM reads it: an OCSF Detection Finding, an ECS alert.
  for (const char* format : {"ocsf", "ecs"}) {
    std::string rendered = Shell(RiposteBinary() + " replay " + file + " --rules " + SourceDir() + "/rules --json " +
                                 "--alerts-format " + format + " 2>/dev/null | grep marker-shadow-r || true");
    auto r = nlohmann::json::parse(rendered.substr(0, rendered.find('\n')), nullptr, false);
    ASSERT_FALSE(r.is_discarded()) << format << ": " << rendered;
    if (std::string(format) == "ocsf") {
      EXPECT_EQ(r["class_uid"], 2004);
      EXPECT_EQ(r["finding_info"]["title"], "Sensitive file read");
    } else {
      EXPECT_EQ(r["event"]["kind"], "alert");
      EXPECT_EQ(r["rule"]["name"], "Sensitive file read");
      EXPECT_EQ(r["file"]["path"], "/etc/shadow");
    }
  }

  // A damaged file: the error names the file and the byte offset, and the exit code is 1.
  const auto size = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, size - 3);
  std::string cmd = RiposteBinary() + " replay " + file + " --format none 2>&1";
  int rc = 0;
  std::string out = ShellStatus(cmd, &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find(file + ": byte "), std::string::npos) << out;
  EXPECT_NE(out.find("truncated frame"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

// nohup and a shell's background jobs start the agent with SIGINT (and SIGHUP) ignored; a
// supervisor's SIGTERM may come while it is still loading. Neither may leave it deaf.
// Without --duration the agent and capture run until they are stopped: a request's
// "no duration" is not a duration of zero (a fresh-clone run caught `run` stopping at once).
TEST(Cli, RunAndCaptureWithoutADurationRunUntilStopped) {
  const std::string dir = "/tmp/rp-cli-nodur-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  struct Case {
    std::vector<std::string> args;
    std::string ready, stopped;
  };
  for (const Case& c : {Case{{"run", "--rules", SourceDir() + "/rules"}, "riposte is running", "stopped:"},
                        Case{{"capture", "--format", "none"}, "capturing", "capture done"}}) {
    AgentProcess agent(c.args, dir + "/" + c.args[0] + ".log", c.ready);
    ASSERT_TRUE(agent.ready()) << agent.Log();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(agent.Log().find(c.stopped), std::string::npos) << c.args[0] << " stopped by itself:\n" << agent.Log();
    EXPECT_EQ(agent.Stop(), 0) << agent.Log();
    EXPECT_NE(agent.Log().find(c.stopped), std::string::npos) << agent.Log();
  }
  std::filesystem::remove_all(dir);
}

TEST(Cli, AStopSentDuringStartUpIsObeyedEvenWhenInheritedAsIgnored) {
  for (int sig : {SIGTERM, SIGINT}) {
    pid_t pid = fork();
    if (pid == 0) {
      signal(SIGTERM, SIG_IGN);
      signal(SIGINT, SIG_IGN);
      freopen("/dev/null", "w", stderr);
      freopen("/dev/null", "w", stdout);
      execl(RiposteBinary().c_str(), "riposte", "capture", "--format", "none", nullptr);
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // inside start-up (BPF load takes ~1 s)
    kill(pid, sig);
    int status = -1;
    for (int i = 0; i < 200 && waitpid(pid, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bool exited = WIFEXITED(status) || WIFSIGNALED(status);
    if (!exited) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    EXPECT_TRUE(exited) << "signal " << sig << " sent during start-up was lost";
  }
}

TEST(Cli, BadConfigIsRefusedWithFileLineAndColumn) {
  const std::string cfg = "/tmp/riposte-cli-config-" + std::to_string(getpid()) + ".yaml";
  std::ofstream(cfg) << "capture:\n  syscalls: [openat]\n  ring_bufer_mb: 8\n";
  std::string cmd = RiposteBinary() + " --config " + cfg + " capture --duration 1 2>&1";
  int rc = 0;
  std::string out = ShellStatus(cmd, &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find(cfg + ":3:3: unknown key capture.ring_bufer_mb"), std::string::npos) << out;
  std::filesystem::remove(cfg);
}

}  // namespace
}  // namespace riposte::testing

namespace riposte::testing {
namespace {

// Every riposte command the README and docs/ show (in code: fenced blocks and `inline`)
// names a real subcommand, which answers --help: the docs cannot drift from the CLI.
TEST(Cli, EveryCommandTheDocsShowExists) {
  std::set<std::string> known;
  std::vector<std::string> todo = SubcommandsOf("");
  while (!todo.empty()) {
    std::string path = todo.back();
    todo.pop_back();
    known.insert(path);
    for (const auto& s : SubcommandsOf(path)) todo.push_back(path + " " + s);
  }
  std::vector<std::filesystem::path> pages{SourceDir() + "/README.md"};
  for (const auto& e : std::filesystem::directory_iterator(SourceDir() + "/docs"))
    if (e.path().extension() == ".md") pages.push_back(e.path());
  // A command: the span or line starts with `riposte` (after an optional "$ "), or names
  // the binary by a path (/usr/bin/riposte, build/riposte). The next word is the
  // subcommand. Alert names that start with "riposte" are not commands.
  const std::set<std::string> not_commands = {"riposte circuit breaker tripped"};
  auto commands_in = [&](const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> tokens;
    for (std::string t; in >> t;) tokens.push_back(t);
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      const std::string& t = tokens[i];
      const bool leading = i == 0 || (i == 1 && tokens[0] == "$");
      const bool by_path = t.ends_with("bin/riposte") || t == "build/riposte" || t == "./riposte";
      if (!((t == "riposte" && leading) || by_path)) continue;
      if (std::any_of(not_commands.begin(), not_commands.end(),
                      [&](const std::string& n) { return text.find(n) != std::string::npos; }))
        continue;
      size_t j = i + 1;  // past global flags: --config FILE, --log-level=debug
      while (j < tokens.size() && tokens[j].starts_with("-")) j += tokens[j].find('=') == std::string::npos ? 2 : 1;
      if (j >= tokens.size()) continue;
      const std::string& sub = tokens[j];
      if (!std::islower(static_cast<unsigned char>(sub[0])) ||
          !std::all_of(sub.begin(), sub.end(), [](char c) { return std::islower(c) || c == '-'; }))
        continue;  // a rule name ("riposte internal: ..."), a path
      out.push_back({sub, j + 1 < tokens.size() ? tokens[j + 1] : ""});
    }
    return out;
  };
  int checked = 0;
  for (const auto& page : pages) {
    std::ifstream in(page);
    bool fenced = false;
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      if (line.starts_with("```")) {
        fenced = !fenced;
        continue;
      }
      // Code only: a fenced line, or the inside of `...` spans.
      std::vector<std::string> code;
      if (fenced) {
        code.push_back(line);
      } else {
        for (size_t a = line.find('`'); a != std::string::npos; a = line.find('`', a + 1)) {
          size_t b = line.find('`', a + 1);
          if (b == std::string::npos) break;
          code.push_back(line.substr(a + 1, b - a - 1));
          a = b;
        }
      }
      for (const auto& text : code) {
        for (const auto& [first, second] : commands_in(text)) {
          const std::string where = page.filename().string() + ":" + std::to_string(line_no) + ": riposte " + first;
          EXPECT_TRUE(known.count(first)) << where << " is not a subcommand";
          const std::string path = known.count(first + " " + second) ? first + " " + second : first;
          int rc = -1;
          ShellStatus(RiposteBinary() + " " + path + " --help >/dev/null 2>&1", &rc);
          EXPECT_EQ(rc, 0) << where;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 20);
}

}  // namespace
}  // namespace riposte::testing
