#include "common/prometheus_parse.h"

#include <cctype>
#include <cstdlib>
#include <sstream>

namespace riposte::testing {
namespace {

bool NameChar(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// The family a sample belongs to: histogram samples carry a suffix.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  if (types.count(name)) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      std::string base = name.substr(0, name.size() - s.size());
      if (types.count(base)) return base;
    }
  }
  return "";
}

}  // namespace

std::optional<double> PromParse::Value(const std::string& name,
                                       const std::map<std::string, std::string>& labels) const {
  std::optional<double> out;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      match &= it != s.labels.end() && it->second == v;
    }
    if (match) out = out.value_or(0) + s.value;
  }
  return out;
}

PromParse ParsePrometheusText(const std::string& text) {
  PromParse p;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto fail = [&](const std::string& why) {
    p.error = "line " + std::to_string(n) + ": " + why + ": " + line;
    return p;
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream c(line);
      std::string hash, kind, name, type;
      c >> hash >> kind >> name;
      if (kind == "TYPE") {
        c >> type;
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped")
          return fail("unknown type");
        if (p.types.count(name)) return fail("family typed twice");
        p.types[name] = type;
      }
      continue;
    }
    size_t i = 0;
    if (!NameChar(line[0], true)) return fail("bad metric name");
    while (i < line.size() && NameChar(line[i], i == 0)) ++i;
    PromSample s;
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t k = i;
        while (i < line.size() && NameChar(line[i], i == k)) ++i;
        std::string key = line.substr(k, i - k);
        if (key.empty() || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return fail("bad label");
        i += 2;
        std::string value;
        for (; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\') {
            if (++i >= line.size()) return fail("dangling escape");
            if (line[i] == 'n') value += '\n';
            else if (line[i] == '\\' || line[i] == '"') value += line[i];
            else return fail("bad escape");
          } else {
            value += line[i];
          }
        }
        if (i >= line.size()) return fail("unterminated label value");
        ++i;  // closing quote
        if (s.labels.count(key)) return fail("label repeated");
        s.labels[key] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return fail("unterminated labels");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') return fail("no value");
    const std::string number = line.substr(i + 1);
    char* end = nullptr;  // strtod reads +Inf, -Inf and NaN as the format spells them
    s.value = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0') return fail("value is not a number");
    if (FamilyOf(s.name, p.types).empty()) return fail("sample of a family with no TYPE");
    p.samples.push_back(std::move(s));
  }
  return p;
}

}  // namespace riposte::testing
