// GB/T 2260 administrative division codes: six digits, PPCCDD. A province is PP0000, a city (or a
// prefecture, or a municipality's 市辖区) PPCC00, a district or county PPCCDD. The core knows the
// structure and the assigned province prefixes only; names and the full list of codes come from a
// data package in JS (bindings/gate-node.js), so nothing here goes stale when a county is renamed.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "errors.h"

namespace engine {

enum class RegionLevel { kProvince, kCity, kDistrict };

enum class RegionCheck {
  kOk,
  kMalformed,  // not six ASCII digits
  kUnknown,    // six digits, but the province part is not assigned in GB/T 2260
};

struct RegionCode {
  std::string code;
  RegionLevel level = RegionLevel::kProvince;
  std::string province;  // PP0000
  std::string city;      // PPCC00; empty for a province, or where the code sits right under one
};

RegionCheck CheckRegion(const std::string& code);
// The parsed code when CheckRegion says kOk.
std::optional<RegionCode> ParseRegion(const std::string& code);
// The code itself, then its city, then its province (each once).
std::vector<std::string> RegionAncestry(const RegionCode& r);
// The first allowed code that is the region itself or one of its parents; nullptr when none is.
// A coarser region never matches a finer allowed code: "somewhere in 广东" is not "in 南山区".
const std::string* MatchRegion(const std::vector<std::string>& allowed, const RegionCode& r);
const char* RegionLevelName(RegionLevel level);

// Checks a list of allowed region codes at `path`: E_REGION for a malformed code,
// E_REGION_UNKNOWN for an unassigned province, E_DUPLICATE for a code listed twice.
void ValidateRegionList(const std::vector<std::string>& codes, const std::string& path,
                        Problems& problems);

}  // namespace engine
