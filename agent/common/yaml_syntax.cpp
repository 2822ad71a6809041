#include "common/yaml_syntax.h"

#include <yaml.h>

namespace riposte {

Status CheckYamlSyntax(const std::string& name, const std::string& text) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return Error{name + ": cannot initialize the YAML parser"};
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  Status result;
  while (true) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      const yaml_mark_t& m = parser.problem_mark;
      std::string what = parser.problem ? parser.problem : "syntax error";
      if (parser.context) what = std::string(parser.context) + ": " + what;
      result = Error{name + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + what};
      break;
    }
    bool done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    if (done) break;
  }
  yaml_parser_delete(&parser);
  return result;
}

}  // namespace riposte
