// JSON entry points for campaign gates, the countdown, the page's display data and regions.
// Same contract as api.h: one JSON text in, one out, {"ok":true,...} or
// {"ok":false,"errors":[...]}.
#pragma once
#include <string>

namespace engine::api {

// {program, now_ms, user:{id, is_fan?, region?, bought_units?, pass?, pass_signature?,
//  wrong_tries_ms?}, state?:{stock_left?, buyers?}} -> allowed, every blocking reason, the
// actions each blocks, changes_at_ms, the password lock and the countdown.
std::string EvaluateGate(const std::string& request);
// {program, now_ms} -> phase, target, remaining days/h/m/s, next_tick_ms, phase_changes_at_ms.
std::string CampaignCountdown(const std::string& request);
// {program, now_ms, participants?, orders?:[{name, at_ms}], navigation?} -> participant text,
// anonymised ticker entries, whether to show the splash ad.
std::string CampaignDisplay(const std::string& request);
// {code, allowed_regions?} -> level, parents, and whether the allowed list admits the code.
std::string RegionInfo(const std::string& request);
// {now_ms, wrong_tries_ms:[...]} -> locked, lock_until_ms, tries_left (SPEC 8: 5 in 10 minutes).
std::string PasswordLockState(const std::string& request);

}  // namespace engine::api
