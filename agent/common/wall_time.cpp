#include "common/wall_time.h"

#include <time.h>

#include <cstdio>
#include <ctime>

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

int64_t WallNowNs() { return ClockNs(CLOCK_REALTIME); }

std::string FormatRfc3339(int64_t wall_ns) { return FormatClock(wall_ns, true, "%Y-%m-%dT%H:%M:%S", "Z"); }

std::optional<int64_t> ParseRfc3339(const std::string& text) {
  int y, mo, d, h, mi, sec, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6 ||
      consumed != 19)
    return std::nullopt;
  int64_t ns = 0;
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    int digits = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at)
      if (digits++ < 9) ns = ns * 10 + (text[at] - '0');
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) ns *= 10;
  }
  // What follows (Falco and riposte write "Z") is not read: times are taken as UTC.
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm)) * 1000000000 + ns;
}

std::string FormatTimeOfDay(int64_t wall_ns) { return FormatClock(wall_ns, false, "%H:%M:%S", ""); }

std::string FormatLocalTime(int64_t wall_ns, bool with_date, bool with_ns) {
  return FormatClock(wall_ns, false, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", "", with_ns);
}

}  // namespace riposte
