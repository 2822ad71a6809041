// What Falco's event table says of each event type riposte produces (libs
// driver/event_table.c, the exit event of each syscall): its category, and whether it
// creates, uses or destroys an fd. Falco's fields decide from these whether an event has a
// category, counts as I/O, or has fd fields at all (fd.types[N] has a value only for
// events that touch an fd).
#pragma once

#include <string_view>

namespace riposte {

enum class EventCategory : unsigned char {
  kOther, kFile, kNet, kIpc, kMemory, kProcess, kSignal, kUser, kIoRead, kIoWrite, kIoOther
};

struct EventTraits {
  std::string_view type;
  EventCategory category = EventCategory::kOther;
  bool touches_fd = false;  // EF_CREATES_FD, EF_USES_FD or EF_DESTROYS_FD
  // EF_READS_FROM_FD / EF_WRITES_TO_FD: the I/O reads and writes, and finit_module, which
  // reads the module it loads.
  bool reads_fd = false;
  bool writes_fd = false;
};

// The traits of an event type; {type, kOther, false} for one the table does not list.
EventTraits TraitsOf(std::string_view type);

}  // namespace riposte
