// riposte knows every field of Falco's syscall source and container plugin (the list in
// tests/data/falco_fields.txt), and nothing else but its few documented extensions.
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "rules/field_registry.h"

namespace riposte::testing {
namespace {

std::set<std::string> FalcoFields() {
  std::ifstream in(std::string(RIPOSTE_SOURCE_DIR) + "/tests/data/falco_fields.txt");
  std::set<std::string> names;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') names.insert(line);
  return names;
}

TEST(FieldList, EveryFalcoFieldIsKnown) {
  const auto falco = FalcoFields();
  ASSERT_GT(falco.size(), 280u) << "the field list did not load";
  FieldRegistry registry;
  std::string missing;
  for (const auto& name : falco)
    if (!registry.Find(name, nullptr)) missing += " " + name;
  EXPECT_EQ(missing, "") << "Falco fields riposte does not know";
}

TEST(FieldList, OnlyDocumentedExtensionsBeyondFalcos) {
  // riposte's own fields, documented in docs/rules.md.
  const std::set<std::string> extensions = {"evt.abspath.src", "evt.abspath.dst", "proc.pargs", "proc.start_ts",
                                            "user.prev_uid"};
  const auto falco = FalcoFields();
  FieldRegistry registry;
  for (const auto& [name, def] : registry.all())
    EXPECT_TRUE(falco.count(std::string(name)) || extensions.count(std::string(name))) << name;
}

TEST(FieldList, FieldsWithoutAValueSayWhy) {
  FieldRegistry registry;
  size_t without = 0;
  for (const auto& [name, def] : registry.all()) {
    if (def.has_value) continue;
    ++without;
    EXPECT_NE(std::string(def.description).find("no value"), std::string::npos) << name << ": " << def.description;
  }
  EXPECT_GT(without, 0u);
}

TEST(FieldList, NoFieldIsDefinedTwice) {
  size_t defined = 0;
  for (auto group : {EventFields, ProcessFields, FdFields, UserFields, ContainerFields, EventTimeFields,
                     EventIoFields, FsPathFields, ThreadFields})
    defined += group().size();
  EXPECT_EQ(defined, FieldRegistry().all().size());
}

}  // namespace
}  // namespace riposte::testing
