// evt.* time fields beyond evt.time and evt.rawtime: Falco's other renderings of the
// event's time, its distance from the first and the previous event, and the latency
// fields riposte cannot fill (it records each syscall once, at its exit).
#include "common/wall_time.h"
#include "rules/field_registry.h"

namespace riposte {
namespace {

using V = std::vector<FieldValue>;
constexpr int64_t kSecond = 1000000000;

template <bool kDate, bool kNs>
void LocalTime(EvalContext& c, const FieldArg&, V& out) {
  out.push_back({c.Keep(FormatLocalTime(c.wall_ns, kDate, kNs)), c.wall_ns});
}

void Num(V& out, int64_t n) { out.push_back({{}, n}); }

constexpr std::string_view kNoEnter =
    "no value in riposte: it records each syscall once, at its exit, so there is no enter time to measure from";

}  // namespace

std::vector<FieldDef> EventTimeFields() {
  using K = FieldType;
  using A = FieldArgMode;
  return {
      {"evt.time.s", K::kString, A::kNone, "event time of day, without nanoseconds (local time)", LocalTime<false, false>},
      {"evt.datetime", K::kString, A::kNone, "event date and time with nanoseconds (local time)", LocalTime<true, true>},
      {"evt.datetime.s", K::kString, A::kNone, "event date and time, without nanoseconds (local time)", LocalTime<true, false>},
      {"evt.outputtime", K::kString, A::kNone, "the event time an output prints: evt.time's rendering", LocalTime<false, true>},
      {"evt.rawtime.s", K::kInt, A::kNone, "whole seconds of the event time since the epoch",
       [](EvalContext& c, const FieldArg&, V& out) { Num(out, c.wall_ns / kSecond); }},
      {"evt.rawtime.ns", K::kInt, A::kNone, "nanoseconds part of the event time",
       [](EvalContext& c, const FieldArg&, V& out) { Num(out, c.wall_ns % kSecond); }},
      {"evt.reltime", K::kInt, A::kNone, "ns since the first event the agent evaluated",
       [](EvalContext& c, const FieldArg&, V& out) { Num(out, c.wall_ns - c.first_wall_ns); }},
      {"evt.reltime.s", K::kInt, A::kNone, "whole seconds since the first event the agent evaluated",
       [](EvalContext& c, const FieldArg&, V& out) { Num(out, (c.wall_ns - c.first_wall_ns) / kSecond); }},
      {"evt.reltime.ns", K::kInt, A::kNone, "nanoseconds part of the time since the first event",
       [](EvalContext& c, const FieldArg&, V& out) { Num(out, (c.wall_ns - c.first_wall_ns) % kSecond); }},
      {"evt.deltatime", K::kInt, A::kNone, "ns since the previous event (0 for the first)",
       [](EvalContext& c, const FieldArg&, V& out) {
         Num(out, c.previous_wall_ns ? c.wall_ns - c.previous_wall_ns : 0);
       }},
      {"evt.deltatime.s", K::kInt, A::kNone, "whole seconds since the previous event",
       [](EvalContext& c, const FieldArg&, V& out) {
         Num(out, c.previous_wall_ns ? (c.wall_ns - c.previous_wall_ns) / kSecond : 0);
       }},
      {"evt.deltatime.ns", K::kInt, A::kNone, "nanoseconds part of the time since the previous event",
       [](EvalContext& c, const FieldArg&, V& out) {
         Num(out, c.previous_wall_ns ? (c.wall_ns - c.previous_wall_ns) % kSecond : 0);
       }},
      NoValue("evt.latency", K::kInt, A::kNone, kNoEnter),
      NoValue("evt.latency.s", K::kInt, A::kNone, kNoEnter),
      NoValue("evt.latency.ns", K::kInt, A::kNone, kNoEnter),
      NoValue("evt.latency.quantized", K::kInt, A::kNone, kNoEnter),
      NoValue("evt.latency.human", K::kString, A::kNone, kNoEnter),
      NoValue("evt.wait_latency", K::kInt, A::kNone, kNoEnter),
      NoValue("evt.around", K::kInt, A::kRequiredKey,
              "no value in riposte: Falco's filter for a moment in a capture file being replayed, not a live event"),
  };
}

}  // namespace riposte
