#include "rules/rule_engine.h"

#include "state/process_info.h"

namespace riposte {
namespace {

// A field's value in Falco's output_fields: null when absent, numbers and booleans typed.
nlohmann::json TypedValue(const OutputFormat::RenderedField& f) {
  if (!f.present) return nullptr;
  if (f.is_list) {
    nlohmann::json list = nlohmann::json::array();
    for (auto each : f.list) list.push_back(std::string(each));
    return list;
  }
  if (f.type == FieldType::kInt || f.value.numeric == FieldValue::Numeric::kYes) return f.value.num;
  if (f.type == FieldType::kBool) return f.value.num != 0;
  return std::string(f.value.str);
}

}  // namespace

RuleEngine::RuleEngine(std::shared_ptr<const RuleSet> rules, Priority min_priority, std::string hostname)
    : rules_(std::move(rules)), min_priority_(min_priority), hostname_(std::move(hostname)) {}

void RuleEngine::Evaluate(const Event& e, const ProcessTable& processes, int64_t wall_ns, std::vector<Alert>& out) {
  ++events_;
  if (first_wall_ns_ == 0) first_wall_ns_ = wall_ns;
  const int64_t previous = previous_wall_ns_;
  previous_wall_ns_ = wall_ns;
  const auto& candidates = rules_->RulesFor(EventTypeName(e));
  if (candidates.empty()) return;
  EvalContext ctx(e, processes, hostname_, events_, wall_ns);
  ctx.first_wall_ns = first_wall_ns_;
  ctx.previous_wall_ns = previous;
  for (const RuleCandidate& candidate : candidates) {
    const CompiledRule* rule = candidate.rule;
    // Priorities are ordered most severe first.
    if (rule->def.priority > min_priority_) continue;
    if (!candidate.filter->Eval(ctx)) continue;
    Alert a;
    a.rule = rule;
    a.time_ns = wall_ns;
    a.hostname = hostname_;
    std::vector<OutputFormat::RenderedField> fields;
    a.output = rule->output.Render(ctx, &fields);
    a.output_fields = nlohmann::json::object();
    for (const auto& f : fields) a.output_fields[f.name] = TypedValue(f);
    for (const auto& extra : rule->extra_fields) {
      std::vector<OutputFormat::RenderedField> rendered;
      std::string text = extra.format.Render(ctx, extra.raw ? &rendered : nullptr);
      a.output_fields[extra.name] = extra.raw && rendered.size() == 1 ? TypedValue(rendered[0]) : nlohmann::json(text);
    }
    // Falco's alert text starts with %evt.time, so its output_fields always hold it.
    if (!a.output_fields.contains("evt.time")) a.output_fields["evt.time"] = wall_ns;
    if (e.process) {
      a.pid = e.process->pid;
      a.ppid = e.process->ppid;
      a.process_start_boottime_ns = e.process->start_boottime_ns;
      a.container_id = e.process->container_id;
      a.container = e.process->container;
      a.process_name = e.process->comm;
      a.exepath = e.process->exepath;
    } else {
      a.pid = e.pid;
    }
    a.kernel_kill = e.kernel_kill;
    ++alerts_per_rule_[rule->def.name];
    out.push_back(std::move(a));
  }
}

}  // namespace riposte
