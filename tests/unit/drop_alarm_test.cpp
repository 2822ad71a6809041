// Drops are reported at most once per interval, and none is lost from the counts.
#include <gtest/gtest.h>

#include "pipeline/drop_alarm.h"

namespace riposte {
namespace {

TEST(DropAlarm, ReportsOncePerIntervalCarryingTheCounts) {
  DropAlarm alarm(DropAlarmOptions{});
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(alarm.Check(0, 100, t0));
  auto first = alarm.Check(10, 200, t0 + std::chrono::seconds(1));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->dropped, 10u);
  EXPECT_EQ(first->sent, 200u);
  EXPECT_FALSE(alarm.Check(25, 300, t0 + std::chrono::seconds(10)));  // within 30 s
  auto second = alarm.Check(30, 400, t0 + std::chrono::seconds(32));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->dropped, 20u);  // the 15 held back are in it
  EXPECT_EQ(second->total_dropped, 30u);
  EXPECT_NE(second->Text().find("20 records dropped"), std::string::npos);
  EXPECT_FALSE(alarm.Check(30, 500, t0 + std::chrono::seconds(100)));  // nothing new
}

}  // namespace
}  // namespace riposte
