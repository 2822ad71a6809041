#include "common/wall_time.h"

#include <time.h>

#include <cstdio>

namespace riposte {
namespace {

int64_t ClockNs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

// Seconds through strftime, then the nanoseconds (unless `ns` is false) and a suffix.
std::string FormatClock(int64_t wall_ns, bool utc, const char* seconds_format, const char* suffix,
                        bool ns = true) {
  time_t secs = static_cast<time_t>(wall_ns / 1000000000ll);
  tm parts{};
  if (utc) gmtime_r(&secs, &parts);
  else localtime_r(&secs, &parts);
  char buf[64];
  size_t n = strftime(buf, sizeof(buf), seconds_format, &parts);
  if (ns) snprintf(buf + n, sizeof(buf) - n, ".%09lld%s", static_cast<long long>(wall_ns % 1000000000ll), suffix);
  else snprintf(buf + n, sizeof(buf) - n, "%s", suffix);
  return buf;
}

}  // namespace

TimeBase TimeBase::Now() { return TimeBase{ClockNs(CLOCK_REALTIME) - ClockNs(CLOCK_BOOTTIME)}; }

std::string FormatRfc3339(int64_t wall_ns) { return FormatClock(wall_ns, true, "%Y-%m-%dT%H:%M:%S", "Z"); }

std::string FormatTimeOfDay(int64_t wall_ns) { return FormatClock(wall_ns, false, "%H:%M:%S", ""); }

std::string FormatLocalTime(int64_t wall_ns, bool with_date, bool with_ns) {
  return FormatClock(wall_ns, false, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", "", with_ns);
}

}  // namespace riposte
