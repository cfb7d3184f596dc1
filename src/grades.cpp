#include "grades.h"

namespace engine {
namespace {

std::vector<ThresholdProgress> Progress(const Thresholds& t, const GradeStats& s) {
  std::vector<ThresholdProgress> out;
  const auto one = [&](const char* metric, const std::optional<int64_t>& target, int64_t current) {
    if (!target) return;
    ThresholdProgress p;
    p.metric = metric;
    p.current = current;
    p.target = *target;
    p.missing = current >= *target ? 0 : *target - current;
    p.met = p.missing == 0;
    out.push_back(p);
  };
  one("bound_customers", t.bound_customers, s.bound_customers);
  one("invited_distributors", t.invited_distributors, s.invited_distributors);
  one("paid_orders", t.paid_orders, s.paid_orders);
  one("paid_fen", t.paid_fen, s.paid_fen);
  one("deal_fen", t.deal_fen, s.deal_fen);
  one("completed_orders", t.completed_orders, s.completed_orders);
  return out;
}

bool Met(const std::vector<ThresholdProgress>& ps, UpgradeRule rule) {
  if (ps.empty()) return false;  // a higher grade always has a threshold (ParseProgram)
  bool any = false, all = true;
  for (const auto& p : ps) {
    any = any || p.met;
    all = all && p.met;
  }
  return rule == UpgradeRule::kAny ? any : all;
}

}  // namespace

GradeReport EvaluateGrade(const Program& p, const std::string& current, bool manual,
                          const GradeStats& stats) {
  GradeReport r;
  size_t cur = 0;
  for (size_t i = 0; i < p.grades.size(); ++i)
    if (p.grades[i].id == current) cur = i;
  r.from = p.grades.empty() ? "" : p.grades[cur].id;
  r.grade = r.from;
  if (p.grades.size() <= 1) {
    r.reason = "grades_hidden";
    return r;
  }
  r.show = true;
  size_t now = cur;
  if (manual) {
    r.reason = "grade_manual";
  } else {
    // The highest grade above the current one whose condition is met: a distributor who already
    // meets two grades up does not wait a step for each.
    for (size_t j = cur + 1; j < p.grades.size(); ++j)
      if (Met(Progress(p.grades[j].thresholds, stats), p.upgrade)) now = j;
    r.reason =
        now > cur ? "grade_upgraded" : (now + 1 == p.grades.size() ? "grade_top" : "grade_kept");
  }
  r.grade = p.grades[now].id;
  if (now + 1 < p.grades.size()) {
    const Grade& next = p.grades[now + 1];
    r.next = next.id;
    r.progress = Progress(next.thresholds, stats);
    r.next_met = Met(r.progress, p.upgrade);
  }
  return r;
}

}  // namespace engine
