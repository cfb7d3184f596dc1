// GB/T 2260 structure and ancestry matching (SPEC 8 region gate).
#include <catch2/catch.hpp>

#include "region.h"

using engine::CheckRegion;
using engine::MatchRegion;
using engine::ParseRegion;
using engine::RegionCheck;

TEST_CASE("region: structure") {
  CHECK(CheckRegion("440305") == RegionCheck::kOk);
  CHECK(CheckRegion("110000") == RegionCheck::kOk);
  CHECK(CheckRegion("820001") == RegionCheck::kOk);
  for (const char* bad :
       {"", "44030", "4403050", "44 305", "44030a", "-44030", "+44030", "４４０３０５"})
    CHECK(CheckRegion(bad) == RegionCheck::kMalformed);
  for (const char* unknown : {"000000", "100000", "160000", "200000", "470000", "990101", "720000"})
    CHECK(CheckRegion(unknown) == RegionCheck::kUnknown);
  CHECK_FALSE(ParseRegion("44030"));
  CHECK_FALSE(ParseRegion("990101"));
}

TEST_CASE("region: every assigned province prefix parses, every other one does not") {
  int known = 0;
  for (int pp = 0; pp < 100; ++pp) {
    std::string code = (pp < 10 ? "0" : "") + std::to_string(pp) + "0000";
    if (CheckRegion(code) == RegionCheck::kOk) ++known;
  }
  CHECK(known == 34);  // 31 + 台湾, 香港, 澳门
}

TEST_CASE("region: levels and ancestry") {
  const auto d = *ParseRegion("440305");
  CHECK(d.level == engine::RegionLevel::kDistrict);
  CHECK(engine::RegionAncestry(d) == std::vector<std::string>{"440305", "440300", "440000"});
  const auto c = *ParseRegion("440300");
  CHECK(c.level == engine::RegionLevel::kCity);
  CHECK(engine::RegionAncestry(c) == std::vector<std::string>{"440300", "440000"});
  const auto p = *ParseRegion("440000");
  CHECK(engine::RegionAncestry(p) == std::vector<std::string>{"440000"});
  const auto hk = *ParseRegion("810001");
  CHECK(engine::RegionAncestry(hk) == std::vector<std::string>{"810001", "810000"});
}

TEST_CASE("region: an allowed code admits itself and its descendants only") {
  const std::vector<std::string> allowed{"440300"};
  CHECK(MatchRegion(allowed, *ParseRegion("440305")));
  CHECK(MatchRegion(allowed, *ParseRegion("440300")));
  CHECK_FALSE(MatchRegion(allowed, *ParseRegion("440000")));  // coarser
  CHECK_FALSE(MatchRegion(allowed, *ParseRegion("440105")));  // sibling city's district
  CHECK_FALSE(MatchRegion(allowed, *ParseRegion("450305")));  // another province, same tail
  CHECK_FALSE(MatchRegion({}, *ParseRegion("440305")));
  const std::vector<std::string> several{"110000", "440000"};
  CHECK(*MatchRegion(several, *ParseRegion("440305")) == "440000");
}

TEST_CASE("region: list validation reports every bad code with its index") {
  engine::Problems pr;
  engine::ValidateRegionList({"440300", "4403", "990000", "440300", "110000"}, "p.allowed_regions",
                             pr);
  REQUIRE(pr.size() == 3);
  CHECK(pr[0].code == "E_REGION");
  CHECK(pr[0].path == "p.allowed_regions[1]");
  CHECK(pr[1].code == "E_REGION_UNKNOWN");
  CHECK(pr[2].code == "E_DUPLICATE");
  CHECK(pr[2].path == "p.allowed_regions[3]");
}
