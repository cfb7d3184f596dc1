// Distributor grades (SPEC 6): upgrade by any/all thresholds, never an automatic downgrade, a
// manual grade kept, nothing shown with one grade. Random statistics with a fixed seed check that
// the grade fed back into the next evaluation never goes down, whatever the numbers do.
#include <catch2/catch.hpp>
#include <random>

#include "api/program_json.h"
#include "grades.h"

using nlohmann::json;

namespace {

engine::Program Parse(const json& j) {
  engine::Problems problems;
  auto p = engine::ParseProgram(j, "program", problems);
  INFO((problems.empty() ? std::string() : problems[0].code + " " + problems[0].path));
  REQUIRE(p.has_value());
  return *p;
}

const json kThree = {
    {"kind", "distribution"},
    {"rates_bp", {1000}},
    {"grades",
     {{{"id", "g1"}},
      {{"id", "g2"}, {"thresholds", {{"bound_customers", 10}, {"paid_orders", 5}}}},
      {{"id", "g3"}, {"thresholds", {{"invited_distributors", 3}, {"completed_orders", 20}}}}}}};

size_t Index(const engine::Program& p, const std::string& id) {
  for (size_t i = 0; i < p.grades.size(); ++i)
    if (p.grades[i].id == id) return i;
  return 99;
}

}  // namespace

TEST_CASE("any: one met threshold moves up; all: every one is needed") {
  engine::GradeStats s;
  s.bound_customers = 10;
  const auto any = engine::EvaluateGrade(Parse(kThree), "", false, s);
  CHECK(any.grade == "g2");
  CHECK(any.reason == "grade_upgraded");
  json all_j = kThree;
  all_j["grade_upgrade"] = "all";
  const auto all = engine::EvaluateGrade(Parse(all_j), "", false, s);
  CHECK(all.grade == "g1");
  CHECK(all.reason == "grade_kept");
  REQUIRE(all.progress.size() == 2);
  CHECK(all.progress[0].met);
  CHECK(all.progress[1].missing == 5);
}

TEST_CASE("progress reports current, target and missing per threshold of the next grade") {
  engine::GradeStats s;
  s.invited_distributors = 1;
  s.completed_orders = 25;  // met, but only counts toward g3
  const auto r = engine::EvaluateGrade(Parse(kThree), "g2", false, s);
  CHECK(r.grade == "g3");  // any: completed_orders 25 >= 20
  CHECK_FALSE(r.next.has_value());
  CHECK(r.reason == "grade_upgraded");
  const auto kept = engine::EvaluateGrade(Parse(kThree), "g1", false, engine::GradeStats{});
  REQUIRE(kept.next.has_value());
  CHECK(*kept.next == "g2");
  REQUIRE(kept.progress.size() == 2);
  CHECK(std::string(kept.progress[0].metric) == "bound_customers");
  CHECK(kept.progress[0].target == 10);
  CHECK(kept.progress[0].missing == 10);
}

TEST_CASE("a manual grade stays; one grade shows nothing") {
  engine::GradeStats s;
  s.bound_customers = 1000;
  const auto manual = engine::EvaluateGrade(Parse(kThree), "g1", true, s);
  CHECK(manual.grade == "g1");
  CHECK(manual.reason == "grade_manual");
  CHECK(manual.next_met);
  json one = kThree;
  one["grades"] = {{{"id", "solo"}}};
  const auto hidden = engine::EvaluateGrade(Parse(one), "", false, s);
  CHECK_FALSE(hidden.show);
  CHECK(hidden.reason == "grades_hidden");
}

TEST_CASE("property: fed back, the automatic grade never goes down (fixed seed)") {
  const engine::Program p = Parse(kThree);
  std::mt19937_64 g(6);
  const auto below = [&](uint64_t n) { return static_cast<int64_t>(g() % n); };
  for (int run = 0; run < 200; ++run) {
    std::string grade;
    size_t highest = 0;
    for (int step = 0; step < 30; ++step) {
      engine::GradeStats s;  // statistics may fall (refunds): the grade must not
      s.bound_customers = below(15);
      s.paid_orders = below(7);
      s.invited_distributors = below(4);
      s.completed_orders = below(25);
      const auto r = engine::EvaluateGrade(p, grade, false, s);
      const size_t now = Index(p, r.grade);
      REQUIRE(now < p.grades.size());
      CHECK(now >= highest);
      highest = now;
      grade = r.grade;
      for (const auto& t : r.progress)
        CHECK(t.missing == (t.current >= t.target ? 0 : t.target - t.current));
    }
  }
}
