#include "config/agent_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace riposte {
namespace {

std::string Write(const std::string& text) {
  static int n = 0;
  std::string path = "/tmp/riposte-config-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(AgentConfig, ReadsEveryKey) {
  auto path = Write("capture:\n  syscalls: [openat, execve]\n  ring_buffer_mb: 32\n"
                    "state:\n  containerd_namespaces: [prod]\nlog_level: debug\n");
  auto c = LoadAgentConfig(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->syscalls, (std::vector<std::string>{"openat", "execve"}));
  EXPECT_EQ(c->ring_buffer_mb, 32u);
  EXPECT_EQ(c->containerd_namespaces, (std::vector<std::string>{"prod"}));
  EXPECT_EQ(c->log_level, "debug");
  std::filesystem::remove(path);
}

TEST(AgentConfig, UnknownKeysNameFileLineAndColumn) {
  auto path = Write("capture:\n  syscalls: [openat]\n  ringbuffer: 3\n");
  auto c = LoadAgentConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message, path + ":3:3: unknown key capture.ringbuffer");
  std::filesystem::remove(path);
}

TEST(AgentConfig, SyntaxAndTypeErrorsNamePositions) {
  auto path = Write("capture:\n  syscalls: [openat\n");
  auto c = LoadAgentConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.error().message.starts_with(path + ":")) << c.error().message;
  auto path2 = Write("capture:\n  ring_buffer_mb: lots\n");
  auto c2 = LoadAgentConfig(path2);
  ASSERT_FALSE(c2.ok());
  EXPECT_TRUE(c2.error().message.starts_with(path2 + ":2:")) << c2.error().message;
  EXPECT_FALSE(LoadAgentConfig("/nonexistent/riposte.yaml").ok());
  std::filesystem::remove(path);
  std::filesystem::remove(path2);
}

}  // namespace
}  // namespace riposte
