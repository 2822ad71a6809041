// Reading /proc's files the way every reader here must: bounded (a process's cmdline or
// environ is the process's to make large), without trusting what comes back, and the
// socket tables of a network namespace by inode. The /proc scanner seeds the process table
// with them; the evidence steps describe a process with them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "state/fd_info.h"

namespace riposte {

// At most `max_bytes` of the file; nothing when it cannot be opened.
std::optional<std::string> ReadProcFile(const std::string& path, size_t max_bytes);
// A symbolic link's target ("" when it is none or unreadable); "(deleted)" suffixes and the
// like are kept: they are what the kernel reports.
std::string ReadProcLink(const std::string& path);
// Hexadecimal digits up to the first other character.
uint64_t ParseHex(std::string_view s);
// NUL-separated strings (argv, environ): at most `max_items`.
std::vector<std::string> SplitNulSeparated(std::string_view blob, size_t max_items = 4096);

// A socket as its network namespace's /proc/net tables list it.
struct ProcSocket {
  FdInfo info;        // type, tuple and name as an fd of it has them (a unix socket: its path)
  int tcp_state = 0;  // TCP's st column (1 ESTABLISHED .. 11 CLOSING); 0 for the others
};
// Every socket of the network namespace whose /proc/net directory is `net_dir` ("/proc/net"
// for the reader's own, "/proc/PID/net" for a process's), by inode.
std::unordered_map<uint64_t, ProcSocket> ReadSocketTables(const std::string& net_dir);

}  // namespace riposte
