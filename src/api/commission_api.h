// The engine's JSON entry points: one JSON text in, one JSON text out, never a throw or abort.
// Success: {"ok":true,...}. Failure: {"ok":false,"errors":[{"code","path","message"}]}.
// The WASM binding, the native tests and the fuzzer all call exactly these.
#pragma once
#include <string>

namespace engine::api {

std::string Version();
// {} -> the engine's limits that pages and servers must not copy: chain depth, grades, footer
// buttons, the campaign's commission range, the rate cap, batch and list sizes, password lock.
std::string Limits(const std::string& request);
// {program} -> rules_version, the normalised config and warnings for the editor.
std::string ValidateProgram(const std::string& request);
// {program, order} -> every line of commission, skips with reasons, totals, margin.
std::string PreviewOrder(const std::string& request);
// {program, orders:[...]} -> one result per order; a bad order fails alone.
std::string PreviewBatch(const std::string& request);
// PreviewBatch's text written into `answer` from the returned offset on. The bindings hand WASM
// memory to JS from there: cutting the front off a batch answer would move megabytes.
size_t PreviewBatchInto(const std::string& request, std::string& answer);
// {program, order} -> the preview with every beneficiary at each grade in turn.
std::string PreviewGrades(const std::string& request);
// {program, line, refunds:[...]} -> claw-back per refund.
std::string PreviewRefund(const std::string& request);
// {program, balance_fen, events:[...]} -> the campaign budget after each event.
std::string PreviewBudget(const std::string& request);

}  // namespace engine::api
