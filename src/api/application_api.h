// JSON entry point for distributor applications (SPEC 9). Same contract as api.h.
#pragma once
#include <string>

namespace engine::api {

// {conditions:{phone_bound?, min_spent_fen?, min_orders?, tag?}, facts:{phone_bound?, spent_fen?,
//  orders?, tags?}} -> allowed, every unmet condition (code, path, current, target, missing) and
//  the conditions with their defaults.
std::string EvaluateApplication(const std::string& request);

}  // namespace engine::api
