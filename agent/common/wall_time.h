// Wall-clock time: turning the kernel's boot-relative timestamps into it, and printing it
// the ways riposte's outputs need (RFC 3339 for records, Falco's renderings for alerts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace riposte {

// Kernel timestamps count from boot; this turns them into wall-clock time. Taken once at
// capture start and stored in capture files, so a replay shows the original times.
struct TimeBase {
  int64_t wall_minus_boot_ns = 0;
  static TimeBase Now();
  int64_t ToWall(uint64_t boot_ns) const { return static_cast<int64_t>(boot_ns) + wall_minus_boot_ns; }
};

// The wall clock now, in ns since the epoch.
int64_t WallNowNs();
// RFC 3339 with nanoseconds, UTC: "2026-11-22T21:59:00.123456789Z".
std::string FormatRfc3339(int64_t wall_ns);
// Reads that form back (the fraction may be shorter or absent; what follows the seconds
// and fraction is not read: UTC is assumed); nothing when the date and time are not there.
std::optional<int64_t> ParseRfc3339(const std::string& text);
// Local time of day with nanoseconds, "21:59:00.123456789": Falco's rendering of evt.time
// and the prefix of its alert text.
std::string FormatTimeOfDay(int64_t wall_ns);
// Local time as Falco's other time fields print it: with the date ("2026-11-22 21:59:00")
// or not, with ".123456789" or not (evt.datetime, evt.datetime.s, evt.time.s).
std::string FormatLocalTime(int64_t wall_ns, bool with_date, bool with_ns);

}  // namespace riposte
