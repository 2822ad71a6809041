#include "common/log_setup.h"

#include "common/control_escape.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace riposte {
namespace {

// %* in a pattern: the message, escaped by `Escape` — for a JSON string (json), or with
// control characters shown as escapes (text), so text from a hostile process (a name with
// a newline, an escape sequence) cannot forge a log line or drive a terminal.
template <std::string (*Escape)(std::string_view)>
class EscapedMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string escaped = Escape(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<EscapedMessageFlag>(); }
};

}  // namespace

std::string JsonEscape(std::string_view text) {
  // nlohmann's serializer escapes what JSON needs; bytes that are not UTF-8 (a path may
  // hold any) become U+FFFD, so the line stays valid JSON.
  const std::string quoted =
      nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

void SetLogFormat(std::string_view format) {
  if (format == "json") {
    // Times in UTC, as every other timestamp riposte writes.
    auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<EscapedMessageFlag<JsonEscape>>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","pid":%P,"msg":"%*"})");
    spdlog::set_formatter(std::move(f));
  } else {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<EscapedMessageFlag<EscapeControl>>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %*");
    spdlog::set_formatter(std::move(f));
  }
}

}  // namespace riposte
