// Distributor grades (SPEC 6, seeds 001 and 003): up to 5 grades, each higher grade with its
// thresholds, upgrade when any (or all) are met, never an automatic downgrade, a merchant's manual
// grade kept as set. The grade table itself is the program's (ParseProgram validates it).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "program.h"

namespace engine {

// What a distributor has achieved, in the units of the thresholds (counts, fen).
struct GradeStats {
  int64_t bound_customers = 0, invited_distributors = 0, paid_orders = 0, paid_fen = 0,
          deal_fen = 0, completed_orders = 0;
};

struct ThresholdProgress {
  const char* metric = "";
  int64_t current = 0, target = 0, missing = 0;
  bool met = false;
};

struct GradeReport {
  bool show = false;   // false with one grade (or none): nothing about grades is shown
  std::string grade;   // the grade now ("" when the program has none)
  std::string from;    // the grade given in
  std::string reason;  // grades_hidden | grade_manual | grade_upgraded | grade_kept | grade_top
  std::optional<std::string> next;  // the grade right above `grade`
  bool next_met = false;
  std::vector<ThresholdProgress> progress;  // toward `next`, one per threshold it sets
};

// `current` is "" for the first grade; it must name a grade of the program (checked by the caller).
// `manual`: the merchant set this grade by hand; it stays until the merchant changes it.
GradeReport EvaluateGrade(const Program& p, const std::string& current, bool manual,
                          const GradeStats& stats);

}  // namespace engine
