#include "responders/step_params.h"

#include <time.h>

#include "common/duration_text.h"

namespace riposte {

std::chrono::milliseconds DurationParam(const nlohmann::json& params, const char* key, std::chrono::milliseconds dflt) {
  if (!params.is_object() || !params.contains(key)) return dflt;
  const auto& v = params[key];
  if (v.is_number()) return std::chrono::milliseconds(static_cast<int64_t>(v.get<double>() * 1000));
  if (!v.is_string()) return dflt;
  return ParseDuration(v.get<std::string>()).value_or(dflt);
}

Status CheckDuration(const nlohmann::json& v, const std::string& key) {
  bool ok = (v.is_number() && v.get<double>() >= 0) || (v.is_string() && ParseDuration(v.get<std::string>()));
  if (!ok) return Error{key + " must be a duration (\"10s\", \"500ms\") or a number of seconds, not " + v.dump()};
  return Status::Ok();
}

Status CheckDurationAtMost(const nlohmann::json& params, const char* key, std::chrono::milliseconds max) {
  if (!params.is_object() || !params.contains(key)) return Status::Ok();
  if (auto st = CheckDuration(params[key], key); !st) return st;
  if (DurationParam(params, key, {}) > max)
    return Error{std::string(key) + " must be at most " + std::to_string(max.count() / 1000) + "s"};
  return Status::Ok();
}

uint64_t BytesParam(const nlohmann::json& params, const char* key, uint64_t dflt) {
  if (!params.is_object() || !params.contains(key) || !params[key].is_number_unsigned()) return dflt;
  return params[key].get<uint64_t>();
}

Status CheckBytes(const nlohmann::json& params, const char* key, uint64_t max) {
  if (!params.is_object() || !params.contains(key)) return Status::Ok();
  const auto& v = params[key];
  if (!v.is_number_unsigned() || v.get<uint64_t>() == 0 || v.get<uint64_t>() > max)
    return Error{std::string(key) + " must be a number of bytes from 1 to " + std::to_string(max) + ", not " + v.dump()};
  return Status::Ok();
}

int64_t BootEpochNs() {
  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  return (real.tv_sec - boot.tv_sec) * 1000000000LL + (real.tv_nsec - boot.tv_nsec);
}

}  // namespace riposte
