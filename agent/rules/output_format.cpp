#include "rules/output_format.h"

#include <cctype>

#include "rules/printable_text.h"

namespace riposte {
namespace {

// Falco's syscall-source fields print their strings made printable; the container plugin's
// (container.*, k8s.*) print as the plugin gives them (libsinsp's plugin field check does
// not sanitize).
bool PrintsMadePrintable(const FieldDef& def) {
  if (def.type != FieldType::kString) return false;
  return !def.name.starts_with("container.") && !def.name.starts_with("k8s.");
}

}  // namespace

Result<OutputFormat> OutputFormat::Compile(const std::string& format, const FieldRegistry& fields) {
  OutputFormat out;
  std::string literal;
  size_t i = 0;
  while (i < format.size()) {
    char c = format[i];
    if (c != '%' || i + 1 >= format.size() || !(std::isalpha(static_cast<unsigned char>(format[i + 1])))) {
      literal += c;
      ++i;
      continue;
    }
    size_t start = ++i;
    while (i < format.size() && (std::isalnum(static_cast<unsigned char>(format[i])) || format[i] == '_' || format[i] == '.'))
      ++i;
    FieldRef ref;
    ref.name = format.substr(start, i - start);
    while (!ref.name.empty() && ref.name.back() == '.') {  // "%proc.name." ends a sentence
      ref.name.pop_back();
      --i;
    }
    if (i < format.size() && format[i] == '[') {
      size_t close = format.find(']', i);
      if (close == std::string::npos) return Error{"missing ']' in output field %" + ref.name};
      ref.arg = format.substr(i + 1, close - i - 1);
      ref.has_arg = true;
      i = close + 1;
    }
    if (ref.name == "container.info") continue;  // Falco's old magic token: prints nothing now
    auto resolved = ResolveField(ref, fields);
    if (!resolved) return Error{"output: " + resolved.error().message};
    if (!literal.empty()) out.tokens_.push_back({std::move(literal), false, {}});
    literal.clear();
    const bool printable = PrintsMadePrintable(*resolved->def);
    out.tokens_.push_back({ref.ToString(), true, std::move(*resolved), printable});
  }
  if (!literal.empty()) out.tokens_.push_back({std::move(literal), false, {}});
  return out;
}

std::vector<std::string> OutputFormat::FieldNames() const {
  std::vector<std::string> out;
  for (const auto& t : tokens_)
    if (t.is_field) out.push_back(t.text);
  return out;
}

std::string OutputFormat::Render(EvalContext& ctx, std::vector<RenderedField>* fields) const {
  std::string out;
  std::vector<FieldValue> values;
  for (const auto& t : tokens_) {
    if (!t.is_field) {
      out += t.text;
      continue;
    }
    values.clear();
    if (!t.field.def->filter_only) ExtractField(t.field, ctx, values);  // Falco compares them, prints nothing
    if (t.made_printable) {
      for (auto& each : values) {
        std::string storage;
        const std::string_view shown = PrintableText(each.str, storage);
        if (shown.data() != each.str.data()) each.str = ctx.Keep(std::move(storage));
      }
    }
    FieldValue v = values.empty() ? FieldValue{"<NA>", 0} : values.front();
    if (!values.empty() && t.field.def->type == FieldType::kInt && v.str.empty()) v.str = ctx.Keep(std::to_string(v.num));
    // Every ancestor (proc.aname): Falco prints them all, space-separated.
    if (values.size() > 1 && t.field.def->many == Multiplicity::kAnyOf && !t.field.arg.present) {
      std::string joined;
      for (const auto& each : values) {
        if (!joined.empty()) joined += ' ';
        joined += t.field.def->type == FieldType::kInt && each.str.empty() ? std::to_string(each.num) : std::string(each.str);
      }
      v.str = ctx.Keep(std::move(joined));
    }
    // Falco has no text form for a network: an address compared as one prints as a token.
    if (!values.empty() && t.field.def->type == FieldType::kIpNet) v.str = "<IPNET>";
    // A list field prints as Falco prints a list: "(file,pipe)", "(file)" for fd.types[0].
    if (!values.empty() && t.field.def->many == Multiplicity::kList) {
      std::string joined = "(";
      for (const auto& each : values) joined += (joined.size() > 1 ? "," : "") + std::string(each.str);
      v.str = ctx.Keep(joined + ")");
    }
    out += v.str;
    if (!fields) continue;
    fields->push_back({t.text, v, t.field.def->type, !values.empty()});
    if (t.field.def->many == Multiplicity::kList) {
      fields->back().is_list = true;
      for (const auto& each : values) fields->back().list.push_back(each.str);
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace riposte
