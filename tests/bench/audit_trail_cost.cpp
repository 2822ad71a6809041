// What sealing and shipping cost the response path: the time an audit Append takes (the
// response engine waits for it: the record is fdatasync'd before the action is reported
// done), at 1,000 records/s, with the trail plain, sealed (1 s epochs, so the run crosses
// several boundaries and pays for the seals), and sealed and shipped to a syslog collector
// on loopback (a local TCP reader standing in for rsyslog). Interleaved rounds, one run:
// the ratios are what to read.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "audit/audit_seal.h"
#include "audit/audit_shipper.h"

namespace {

using namespace riposte;
using Clock = std::chrono::steady_clock;

// A collector that reads and drops everything: shipping's cost, not rsyslog's.
class DiscardingCollector {
 public:
  DiscardingCollector() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 4);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[1 << 16];
        while (read(c, buf, sizeof buf) > 0) bytes_ += 1;
        close(c);
      }
    });
  }
  ~DiscardingCollector() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> bytes_{0};
  std::thread thread_;
};

struct Figures {
  double p50_us, p99_us, mean_us;
};

Figures Measure(AuditLog& log, int records) {
  std::vector<double> us;
  const auto start = Clock::now();
  for (int i = 0; i < records; ++i) {
    // 1,000 records a second: each on its own millisecond.
    std::this_thread::sleep_until(start + std::chrono::milliseconds(i));
    const auto t0 = Clock::now();
    (void)log.Append({{"kind", "action"}, {"phase", "result"}, {"action", "process.kill"}, {"outcome", "done"},
                      {"target", {{"pid", 4242}, {"process", "bash"}}}, {"i", i}});
    (void)log.Tick();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double v : us) sum += v;
  return {us[us.size() / 2], us[us.size() * 99 / 100], sum / us.size()};
}

}  // namespace

int main(int argc, char** argv) {
  const int records = argc > 1 ? std::atoi(argv[1]) : 3000;
  const std::string dir = "/var/tmp/riposte-bench-audit-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  DiscardingCollector collector;
  std::printf("audit Append (fdatasync'd) at 1,000 records/s, %d records per round, 3 interleaved rounds, in %s\n", records,
              dir.c_str());
  Figures sum[3] = {};
  for (int round = 0; round < 3; ++round) {
    for (int mode = 0; mode < 3; ++mode) {
      const std::string path = dir + "/r" + std::to_string(round) + "m" + std::to_string(mode) + ".log";
      if (mode >= 1) (void)SealState::Init(path, 1, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                       std::chrono::system_clock::now().time_since_epoch()).count());
      auto log = AuditLog::Open({.path = path, .host = "bench"});
      if (!log) {
        std::fprintf(stderr, "%s\n", log.error().message.c_str());
        return 1;
      }
      std::unique_ptr<AuditShipper> shipper;
      if (mode == 2) {
        ShipTarget target;
        target.name = "bench";
        target.syslog = {"127.0.0.1", collector.port()};
        target.product_version = "bench";
        auto s = AuditShipper::Start(target, {.audit_path = path, .keep = 10});
        if (!s) return 1;
        shipper = std::move(*s);
      }
      Figures f = Measure(**log, records);
      sum[mode].p50_us += f.p50_us / 3;
      sum[mode].p99_us += f.p99_us / 3;
      sum[mode].mean_us += f.mean_us / 3;
      log->reset();
      if (shipper) {
        const auto st = shipper->status();
        if (mode == 2 && round == 2)
          std::printf("  shipped: %lu records sent, %lu known delivered while measured\n",
                      static_cast<unsigned long>(st.sent_seq), static_cast<unsigned long>(st.acked_seq));
      }
    }
  }
  const char* names[] = {"plain", "sealed (1 s epochs)", "sealed + shipped (TCP, loopback)"};
  for (int m = 0; m < 3; ++m)
    std::printf("  %-34s p50 %7.1f us  p99 %7.1f us  mean %7.1f us  (mean %.2fx plain)\n", names[m], sum[m].p50_us,
                sum[m].p99_us, sum[m].mean_us, sum[m].mean_us / sum[0].mean_us);
  std::filesystem::remove_all(dir);
  return 0;
}
