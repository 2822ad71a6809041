// A rule's `output:` compiled: literal text and %field tokens (%proc.name,
// %proc.aname[2], %evt.arg.flags). A field with no value prints as <NA>, as in Falco.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "rules/field_check.h"

namespace riposte {

class OutputFormat {
 public:
  static Result<OutputFormat> Compile(const std::string& format, const FieldRegistry& fields);
  struct RenderedField {
    std::string name;  // as written: "proc.aname[2]"
    FieldValue value;
    FieldType type;
    bool present;
    // A list field (fd.types): every value, which output_fields holds as a JSON array
    // (as Falco's do, with an index too: "fd.types[3]": ["pipe"]).
    bool is_list = false;
    std::vector<std::string_view> list;
  };
  // The message, and each field's value (for Falco's output_fields).
  std::string Render(EvalContext& ctx, std::vector<RenderedField>* fields) const;
  // The fields it reads, as written ("proc.aname[2]", "evt.arg.flags").
  std::vector<std::string> FieldNames() const;

 private:
  struct Token {
    std::string text;  // literal, or the field as written
    bool is_field = false;
    ResolvedField field;
    bool made_printable = false;  // printed as Falco prints strings (rules/printable_text.h)
  };
  std::vector<Token> tokens_;
};

}  // namespace riposte
