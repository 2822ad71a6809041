// Every field a condition or an output can name: its type, whether it takes an argument,
// and the extractor that reads it from an event and the agent's state. The fields are
// Falco's (same names, same meaning), backed by riposte's own capture and state.
#pragma once

#include <cstdint>
#include <forward_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "decode/event.h"
#include "state/process_table.h"

namespace riposte {

enum class FieldType { kString, kInt, kBool, kIpAddr, kIpNet, kFlags };
std::string_view FieldTypeName(FieldType t);

enum class FieldArgMode { kNone, kOptionalIndex, kRequiredIndex, kRequiredKey, kOptionalKey };

// A field's argument as written ("[2]" or "[HOME]"), parsed once at compile time.
struct FieldArg {
  bool present = false;
  std::string key;
  int64_t index = -1;
};

// One extracted value. Strings point into the event, the state, or the context's arena:
// valid until the next event.
struct FieldValue {
  std::string_view str;
  int64_t num = 0;
  // A string field's value that is a number underneath (evt.rawarg.mode: "3FF" is 1023):
  // conditions compare `num` with numeric operands, as Falco compares raw arguments.
  enum class Numeric : uint8_t { kNo, kShownAsText, kYes } numeric = Numeric::kNo;
};

// What an extractor can see. One per evaluation of one event.
class EvalContext {
 public:
  EvalContext(const Event& event, const ProcessTable& processes, std::string_view hostname,
              uint64_t event_number, int64_t wall_ns)
      : event(event), processes(processes), hostname(hostname), event_number(event_number), wall_ns(wall_ns) {}

  const Event& event;
  const ProcessTable& processes;
  std::string_view hostname;
  uint64_t event_number;
  int64_t wall_ns;
  // The first event the engine saw and the one before this (evt.reltime, evt.deltatime);
  // 0 when there is none.
  int64_t first_wall_ns = 0;
  int64_t previous_wall_ns = 0;

  // Keeps a computed string alive for the rest of this evaluation.
  std::string_view Keep(std::string s);

 private:
  // A list: views into earlier strings stay valid, and nothing is allocated until used.
  std::forward_list<std::string> arena_;
};

// Falco's two kinds of field with several values, compared differently.
enum class Multiplicity {
  kOne,
  // Each value stands alone (proc.aname: every ancestor; fd.ip: either end). Any value
  // satisfying the comparison satisfies the field, `in` included; printed space-joined.
  kAnyOf,
  // The values form one list (fd.types): `in` asks whether every value is in the set,
  // `intersects` whether one is; other operators, whether any value satisfies them.
  kList,
};

using FieldExtractor = void (*)(EvalContext& ctx, const FieldArg& arg, std::vector<FieldValue>& out);

struct FieldDef {
  std::string_view name;
  FieldType type;
  FieldArgMode arg_mode;
  std::string_view description;
  FieldExtractor extract;
  // What several values mean when the field is used without an argument.
  Multiplicity many = Multiplicity::kOne;
  // False for a Falco field riposte knows but cannot give a value (its description says
  // why): it loads, a condition using it warns, and it is never true.
  bool has_value = true;
  // True for Falco's filter-only fields (fd.ip, fd.port, fd.net, fd.proto): a condition
  // compares their values, but Falco's extractor gives none, so an output prints none.
  bool filter_only = false;
};

// A Falco field riposte has no value for; `why` goes in its description.
FieldDef NoValue(std::string_view name, FieldType type, FieldArgMode arg_mode, std::string_view why);
// `def`, marked filter-only.
FieldDef FilterOnly(FieldDef def);

class FieldRegistry {
 public:
  FieldRegistry();
  // Exact name, or the longest registered prefix for "evt.arg.NAME"-style fields
  // (then `dynamic_arg` receives the suffix).
  const FieldDef* Find(std::string_view name, std::string* dynamic_arg) const;
  const std::map<std::string_view, FieldDef>& all() const { return fields_; }

 private:
  void Add(const std::vector<FieldDef>& defs);
  std::map<std::string_view, FieldDef> fields_;
};

// Field groups, one file each (agent/rules/fields/).
std::vector<FieldDef> EventFields();
std::vector<FieldDef> ProcessFields();
std::vector<FieldDef> FdFields();
std::vector<FieldDef> UserFields();
std::vector<FieldDef> ContainerFields();
std::vector<FieldDef> EventTimeFields();
std::vector<FieldDef> EventIoFields();
std::vector<FieldDef> FsPathFields();
std::vector<FieldDef> ThreadFields();

}  // namespace riposte
