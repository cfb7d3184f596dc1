// A merchant's program: a campaign [分销宝] or a distribution program [分销/推广员], parsed,
// validated against every compliance cap and normalised so its hash (rules_version) is stable.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "money.h"

namespace engine {

constexpr int kMaxDepth = 3;  // deeper chains are pyramid selling under Chinese law
constexpr size_t kMaxGrades = 5;
constexpr Fen kCampaignMinPerUnit = 30;     // 0.30 yuan (seed 000)
constexpr Fen kCampaignMaxPerUnit = 20000;  // 200 yuan (seed 000)
constexpr size_t kMaxFooterButtons = 4;
constexpr size_t kMaxFooterTextChars = 8;  // code points: what fits one phone-width tab
constexpr size_t kMaxPageUrlBytes = 512;

enum class ProgramKind { kCampaign, kDistribution };
enum class RewardType { kCash, kPoints, kBalance };
enum class CommissionMode { kRate, kFixed };
enum class SelfPurchase { kNone, kSelfAsLevel1 };
enum class RefundPolicy { kKeep, kProportional };
enum class AfterWithdrawal { kDebt, kForgive };
enum class UpgradeRule { kAny, kAll };

// Per level: basis points in rate mode, a per-unit amount (fen or points) in fixed mode.
// Empty means "not set here", so the next source in the precedence chain decides.
using LevelTable = std::array<std::optional<int64_t>, kMaxDepth>;

// Grade thresholds (SPEC 6); empty = not set.
struct Thresholds {
  std::optional<int64_t> bound_customers, invited_distributors, paid_orders, paid_fen, deal_fen,
      completed_orders;
  bool Any() const {
    return bound_customers || invited_distributors || paid_orders || paid_fen || deal_fen ||
           completed_orders;
  }
};

struct Grade {
  std::string id;
  std::string name;
  LevelTable levels{};
  Thresholds thresholds;
};

struct ProductRule {
  std::string product_id;
  LevelTable levels{};
  std::map<std::string, LevelTable> by_grade;
};

struct RegionalAgents {
  Bp province_bp = 0, city_bp = 0, district_bp = 0;
  std::map<std::string, int64_t> agent_by_region;  // GB/T 2260 code -> agent id
  bool Enabled() const { return province_bp || city_bp || district_bp; }
};

struct CampaignSettings {
  std::string title;
  int64_t start_ms = 0, end_ms = 0;
  Fen commission_per_unit_fen = 0;
  bool buy_before_distributing = false;
  std::string product_name;
  Fen price_fen = 0;
  int64_t stock = 0;
  int64_t max_buyers = 0;      // 0 = unlimited
  int64_t per_user_limit = 0;  // 0 = unlimited
  bool show_participants = false, fans_only = false, splash_ad = false, ticker = false,
       poster_sharing = true, password_protected = false;
  std::vector<std::string> allowed_regions;  // empty = everywhere
  // Brand and traffic settings (seed 000 高级设置): display only, never part of a decision.
  std::string logo_url;  // "" = none
  struct FooterButton {
    std::string text, url;
  };
  std::vector<FooterButton> footer_buttons;
};

struct Program {
  int64_t program_id = 0;
  ProgramKind kind = ProgramKind::kDistribution;
  Rounding rounding = Rounding::kFloor;
  RefundPolicy refund_policy = RefundPolicy::kProportional;
  AfterWithdrawal after_withdrawal = AfterWithdrawal::kDebt;
  int64_t hold_days = 7;
  Bp profit_sharing_cap_bp = 3000;  // only warns: the merchant's payment account ceiling

  // distribution
  int depth = 1;
  SelfPurchase self_purchase = SelfPurchase::kNone;
  RewardType reward = RewardType::kCash;
  CommissionMode mode = CommissionMode::kRate;
  LevelTable levels{};
  std::vector<Grade> grades;
  UpgradeRule upgrade = UpgradeRule::kAny;
  std::vector<ProductRule> products;
  bool cost_protection = false;
  RegionalAgents agents;
  std::vector<std::string> excluded_order_types;

  // campaign
  CampaignSettings campaign;

  std::string rules_version;  // hash of the normalised config

  const Grade* FindGrade(const std::string& id) const;
  const ProductRule* FindProduct(const std::string& id) const;
  // The highest possible rate sum on one item of `product` (all grades, all levels, agents), bp.
  Bp MaxRateSumBp(const ProductRule* product) const;
};

// SPEC 6: grades are shown (named in answers and on pages) only when there are two or more.
inline bool ShowsGrades(const Program& p) { return p.grades.size() > 1; }

const char* RewardName(RewardType r);
const char* ModeName(CommissionMode m);

}  // namespace engine
