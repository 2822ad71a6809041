#include "audit/audit_compare.h"

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "audit/audit_verifier.h"

namespace riposte {
namespace {

// seq -> the record's exact line, over files oldest first; a repeated seq (a collector
// that got a record twice) keeps its first copy, and a differing repeat is reported.
std::map<uint64_t, std::string> Lines(const std::vector<std::string>& files, std::vector<std::string>& problems) {
  std::map<uint64_t, std::string> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      problems.push_back(f + ": cannot read it");
      continue;
    }
    size_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      auto rec = nlohmann::json::parse(line, nullptr, false);
      if (rec.is_discarded() || !rec.is_object() || !rec.contains("seq") || !rec["seq"].is_number_unsigned()) continue;
      const uint64_t seq = rec["seq"].get<uint64_t>();
      auto [it, fresh] = out.emplace(seq, line);
      if (!fresh && it->second != line)
        problems.push_back(f + ":" + std::to_string(line_no) + ": seq " + std::to_string(seq) +
                           " appears twice with different contents");
    }
  }
  return out;
}

}  // namespace

AuditComparison CompareAuditTrails(const std::vector<std::string>& node_files, const std::vector<std::string>& copy_files) {
  AuditComparison c;
  std::vector<std::string> problems;
  const auto node = Lines(node_files, problems);
  const auto copy = Lines(copy_files, problems);
  auto fail = [&](const std::string& what) {
    if (c.ok) c.finding = what;
    c.ok = false;
  };
  for (const auto& p : problems) fail(p);
  const AuditVerification nv = VerifyAuditChain(node_files);
  if (!nv.ok) fail("the node's trail: " + nv.first_break);
  c.node_last = node.empty() ? 0 : node.rbegin()->first;
  c.copy_last = copy.empty() ? 0 : copy.rbegin()->first;
  for (const auto& [seq, line] : copy) {
    auto it = node.find(seq);
    if (it == node.end()) {
      if (seq > c.node_last) ++c.only_in_copy;
      else if (!node.empty() && seq >= node.begin()->first)
        fail("seq " + std::to_string(seq) + " is in the copy but missing from the node's trail");
      continue;
    }
    ++c.compared;
    if (it->second != line) fail("seq " + std::to_string(seq) + " differs between the node's trail and the copy: rewritten on one side");
  }
  for (const auto& [seq, line] : node)
    if (seq > c.copy_last) ++c.not_shipped_yet;
  if (c.only_in_copy > 0)
    fail("the copy holds " + std::to_string(c.only_in_copy) + " records after the node's last (seq " +
         std::to_string(c.node_last) + "): the node's trail was cut, or started again, after seq " +
         std::to_string(c.node_last));
  if (c.not_shipped_yet > 0)
    c.notes.push_back(std::to_string(c.not_shipped_yet) + " records after the copy's last (seq " +
                      std::to_string(c.copy_last) + ") are on the node only: not shipped yet, or the copy is older");
  if (c.compared == 0 && c.ok) c.notes.push_back("no seq in common: nothing compared");
  return c;
}

}  // namespace riposte
