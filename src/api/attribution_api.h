// JSON entry points for attribution and grades (SPEC 5 and 6), same contract as api.h: one JSON
// text in, one out, {"ok":true,...} or {"ok":false,"errors":[...]}, never a throw. State in, state
// out: a failed call returns only errors, so the caller's state is never half changed.
#pragma once
#include <string>

namespace engine::api {

// {settings, state?, event} -> {state, decision, applied:[switches that took effect first]}.
std::string AttributionStep(const std::string& request);
// {settings, state?, events:[...]} -> {state, decisions:[...]}: the server's and auditor's replay.
std::string ReplayEvents(const std::string& request);
// {settings, state?, event:{customer_id, at_ms}, order?} -> {state, decision, order, commission?}:
// the commission engine's input (bound_distributor_id + inviter slice), and its preview when the
// order's items are given.
std::string AttributeOrder(const std::string& request);
// {settings, state?, at_ms, to?} -> would a switch now be allowed, when it takes effect, when the
// next one may be requested.
std::string PreviewModeSwitch(const std::string& request);
// {} -> every reason code a decision can carry (AttributionReasons), for tests and pages that
// must have a sentence for each.
std::string AttributionReasonCodes(const std::string& request);
// {program, grade?, manual?, stats} -> the grade now and the progress to the next one.
std::string GradeStatus(const std::string& request);

}  // namespace engine::api
