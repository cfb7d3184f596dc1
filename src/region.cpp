#include "region.h"

#include <set>

namespace engine {
namespace {

// The province-level prefixes of GB/T 2260 (31 provinces, autonomous regions and municipalities,
// plus 台湾 71, 香港 81, 澳门 82). They have not changed since 重庆 (50) in 1997.
constexpr const char* kProvinces[] = {"11", "12", "13", "14", "15", "21", "22", "23", "31",
                                      "32", "33", "34", "35", "36", "37", "41", "42", "43",
                                      "44", "45", "46", "50", "51", "52", "53", "54", "61",
                                      "62", "63", "64", "65", "71", "81", "82"};

bool SixDigits(const std::string& s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

RegionCheck CheckRegion(const std::string& code) {
  if (!SixDigits(code)) return RegionCheck::kMalformed;
  for (const char* p : kProvinces)
    if (code[0] == p[0] && code[1] == p[1]) return RegionCheck::kOk;
  return RegionCheck::kUnknown;
}

std::optional<RegionCode> ParseRegion(const std::string& code) {
  if (CheckRegion(code) != RegionCheck::kOk) return std::nullopt;
  RegionCode r;
  r.code = code;
  r.province = code.substr(0, 2) + "0000";
  const bool city_part = code[2] != '0' || code[3] != '0';
  const bool district_part = code[4] != '0' || code[5] != '0';
  if (district_part) {
    r.level = RegionLevel::kDistrict;
    // 香港 810001 and the like sit right under the province: no city between.
    if (city_part) r.city = code.substr(0, 4) + "00";
  } else if (city_part) {
    r.level = RegionLevel::kCity;
    r.city = code;
  } else {
    r.level = RegionLevel::kProvince;
  }
  return r;
}

std::vector<std::string> RegionAncestry(const RegionCode& r) {
  std::vector<std::string> out{r.code};
  if (!r.city.empty() && r.city != r.code) out.push_back(r.city);
  if (r.province != r.code) out.push_back(r.province);
  return out;
}

const std::string* MatchRegion(const std::vector<std::string>& allowed, const RegionCode& r) {
  const auto ancestry = RegionAncestry(r);
  for (const auto& a : allowed)
    for (const auto& c : ancestry)
      if (a == c) return &a;
  return nullptr;
}

const char* RegionLevelName(RegionLevel level) {
  switch (level) {
    case RegionLevel::kProvince:
      return "province";
    case RegionLevel::kCity:
      return "city";
    case RegionLevel::kDistrict:
      return "district";
  }
  return "province";
}

void ValidateRegionList(const std::vector<std::string>& codes, const std::string& path,
                        Problems& problems) {
  std::set<std::string> seen;
  for (size_t i = 0; i < codes.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    switch (CheckRegion(codes[i])) {
      case RegionCheck::kMalformed:
        Report(problems, "E_REGION", at, "expected a 6-digit GB/T 2260 code");
        continue;
      case RegionCheck::kUnknown:
        Report(problems, "E_REGION_UNKNOWN", at, "no GB/T 2260 province starts with these digits");
        continue;
      case RegionCheck::kOk:
        break;
    }
    if (!seen.insert(codes[i]).second) Report(problems, "E_DUPLICATE", at, "region listed twice");
  }
}

}  // namespace engine
