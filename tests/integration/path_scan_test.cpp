// The kernel's path scan (bpf/path_scan.bpf.h), run in the kernel through BPF_PROG_TEST_RUN,
// against userspace's IsCleanPath: the record filter leaves an open out only for a path the
// scan calls clean, and that is safe only if it calls clean exactly the paths that are their
// own normal form. Every path over {'/', '.', 'a'} up to ten bytes (patterns at every offset
// of the first two words), paths around the word edges and long random ones, each with
// four kinds of leftover bytes after the NUL; and the hash depends on the path alone.
#include <sys/resource.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include "kernel/record_filter.h"
#include "path_scan_test.skel.h"

namespace riposte {
namespace {

struct ScanIo {
  uint32_t len;
  uint32_t clean;
  uint64_t hash;
  uint8_t data[RP_PATH_MAX];
};

struct ScanResult {
  bool clean;
  uint64_t hash;
};

// One loaded scan program whose buffer holds `garbage` past each path.
class KernelScan {
 public:
  explicit KernelScan(uint8_t garbage) {
    skel_ = path_scan_test_bpf__open();
    if (!skel_) return;
    skel_->rodata->garbage = garbage;
    if (path_scan_test_bpf__load(skel_) != 0) {
      path_scan_test_bpf__destroy(skel_);
      skel_ = nullptr;
    }
  }
  ~KernelScan() {
    if (skel_) path_scan_test_bpf__destroy(skel_);
  }
  KernelScan(const KernelScan&) = delete;
  KernelScan& operator=(const KernelScan&) = delete;
  bool loaded() const { return skel_ != nullptr; }

  ScanResult Scan(const std::string& path) const {
    ScanIo io{};
    io.len = static_cast<uint32_t>(path.size() + 1);
    std::memcpy(io.data, path.data(), path.size());
    LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &io, .ctx_size_in = sizeof(io));
    int err = bpf_prog_test_run_opts(bpf_program__fd(skel_->progs.rp_path_scan), &opts);
    EXPECT_EQ(err, 0) << path;
    EXPECT_EQ(opts.retval, 0u) << path;
    return {io.clean != 0, io.hash};
  }

 private:
  path_scan_test_bpf* skel_ = nullptr;
};

std::vector<std::string> Corpus() {
  std::vector<std::string> out = {"/", "/etc/shadow", "/a/b.c/.d", "/.x/y", "/x/y.", "etc/shadow", "//etc",
                                  "/etc//shadow", "/etc/../x", "/etc/./x", "/etc/.", "/etc/..", "/etc/", "/a/b/",
                                  "/a/..", "/a..b", "/usr/lib/x86_64-linux-gnu/liblzma.so.5.6.0"};
  // Every string over {'/', '.', 'a'} of 1..10 bytes.
  const char alphabet[] = {'/', '.', 'a'};
  std::vector<std::string> level = {""};
  for (int len = 1; len <= 10; ++len) {
    std::vector<std::string> next;
    next.reserve(level.size() * 3);
    for (const auto& s : level)
      for (char c : alphabet) next.push_back(s + c);
    level = std::move(next);
    out.insert(out.end(), level.begin(), level.end());
  }
  // Longer paths: a clean one of each length up to the longest the kernel keeps, and each
  // with a bad pattern placed across every word edge.
  for (size_t len = 2; len < RP_PATH_MAX; ++len) {
    std::string clean = "/";
    while (clean.size() < len) clean += (clean.size() % 7 == 0) ? '/' : 'x';
    if (clean.back() == '/') clean.back() = 'y';
    out.push_back(clean);
    for (const char* bad : {"//", "..", "/./", "/.", "/"}) {
      std::string p = clean.substr(0, len - 1);
      size_t at = len / 2;
      p.replace(at, std::min(std::strlen(bad), p.size() - at), bad);
      out.push_back(p);
      out.push_back(clean.substr(0, len - std::min(len - 1, std::strlen(bad))) + bad);
    }
  }
  std::mt19937 rng(1234);
  const char pool[] = "//..abc/";
  for (int i = 0; i < 20000; ++i) {
    size_t len = 1 + rng() % (RP_PATH_MAX - 1);
    std::string p = "/";
    while (p.size() < len) p += pool[rng() % (sizeof(pool) - 1)];
    out.push_back(p);
  }
  return out;
}

TEST(PathScan, KernelScanCallsCleanExactlyThePathsUserspaceDoes) {
  rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  setrlimit(RLIMIT_MEMLOCK, &unlimited);
  KernelScan zero(0), slash('/'), dot('.'), letter('a');
  ASSERT_TRUE(zero.loaded() && slash.loaded() && dot.loaded() && letter.loaded())
      << "the path scan test program did not load (root and a kernel with BPF_PROG_TYPE_SYSCALL are needed)";
  size_t clean_paths = 0, checked = 0;
  for (const auto& path : Corpus()) {
    if (path.empty() || path.size() + 1 > RP_PATH_MAX) continue;
    const bool want = IsCleanPath(path);
    const ScanResult a = zero.Scan(path);
    ASSERT_EQ(a.clean, want) << "'" << path << "' (" << path.size() << " bytes)";
    for (const KernelScan* other : {&slash, &dot, &letter}) {
      const ScanResult b = other->Scan(path);
      ASSERT_EQ(b.clean, want) << "'" << path << "' with other bytes after its NUL";
      ASSERT_EQ(b.hash, a.hash) << "'" << path << "': the hash read past the NUL";
    }
    clean_paths += want;
    ++checked;
  }
  EXPECT_GT(checked, 100000u);
  EXPECT_GT(clean_paths, 1000u);  // both verdicts well represented
}

TEST(PathScan, DifferentPathsHashApart) {
  KernelScan scan(0);
  ASSERT_TRUE(scan.loaded());
  EXPECT_NE(scan.Scan("/etc/hostname").hash, scan.Scan("/etc/hostnamf").hash);
  EXPECT_NE(scan.Scan("/etc/shadow").hash, scan.Scan("/etc/shado").hash);
  EXPECT_NE(scan.Scan("/a").hash, scan.Scan("/a/").hash);
}

}  // namespace
}  // namespace riposte
