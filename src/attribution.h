// Attribution (SPEC 5, seed 001): who gets a customer, decided event by event, with a reason code
// and the facts behind every decision, so "why didn't I get credit" always has an answer.
//
// The state is a value: settings + state + event in, new state + decisions out. Effects of setting
// switches reach each customer lazily (his record remembers how much of the switch history it has
// seen), so a server may pass only the customers an event touches and still get the same answer
// as a replay of the whole program.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cst_time.h"
#include "errors.h"
#include "program.h"

namespace engine {

constexpr int64_t kSwitchGuardMs = 3 * kDayMs;  // seed 001: 每3天仅可修改一次
constexpr size_t kMaxHistory = 1000;            // setting switches a state remembers
constexpr size_t kMaxStateRecords = 1000000;    // customers or distributors in one state
constexpr size_t kMaxEvents = 1000000;          // events in one replay
constexpr int64_t kMaxBindingDays = 3650;       // settings.binding_days
constexpr int64_t kMaxWindowHours = 8760;       // settings.share_window_hours

enum class AttrMode { kRelationFirst, kSharerFirst };
enum class AutoUnbind { kNever, kOnExpiry };
enum class BindOn { kVisit, kOrder };

struct AttributionSettings {
  std::shared_ptr<const Program> program;    // never null once parsed
  AttrMode mode = AttrMode::kRelationFirst;  // starting value; a state's own mode wins
  AutoUnbind auto_unbind = AutoUnbind::kNever;
  int64_t binding_days = 30;
  int64_t share_window_ms = 24 * kHourMs;
  BindOn bind_on = BindOn::kVisit;
  bool Campaign() const { return program->kind == ProgramKind::kCampaign; }
};

struct Binding {
  int64_t distributor_id = 0;
  int64_t since_ms = 0;
  int64_t renewed_ms = 0;
  std::optional<int64_t> expires_ms;  // empty = permanent
  std::string via;                    // visit | order | merchant
};

struct Share {
  int64_t sharer_id = 0;
  int64_t at_ms = 0;
  int64_t expires_ms = 0;
};

// The last binding that ended, kept so a later decision can say why there is none.
struct Ended {
  int64_t distributor_id = 0;
  int64_t at_ms = 0;
  std::string why;  // expired | voided | unbound | replaced
};

struct CustomerRec {
  int64_t id = 0;
  std::optional<Binding> binding;
  std::optional<Share> share;
  std::optional<Ended> ended;
  size_t synced = 0;  // entries of the switch history already applied to this record
  bool has_bought = false;
};

struct DistributorRec {
  int64_t id = 0;
  std::optional<int64_t> inviter_id;
  std::string grade;  // "" = the program's first grade
  bool grade_manual = false;
  int64_t since_ms = 0;
};

struct SettingChange {
  bool mode = true;  // false: auto_unbind
  int to = 0;        // AttrMode or AutoUnbind as int
  int64_t at_ms = 0;
};

struct PendingSwitch {
  AttrMode to = AttrMode::kRelationFirst;
  int64_t requested_ms = 0;
  int64_t effective_ms = 0;
};

struct AttributionState {
  AttrMode mode = AttrMode::kRelationFirst;
  AutoUnbind auto_unbind = AutoUnbind::kNever;
  std::optional<PendingSwitch> pending;
  std::optional<int64_t> last_switch_ms;  // request time A of the last accepted mode switch
  std::vector<SettingChange> history;
  std::optional<int64_t> last_event_ms;
  std::map<int64_t, DistributorRec> distributors;
  std::map<int64_t, CustomerRec> customers;
};

struct AttrEvent {
  std::string type;
  int64_t at_ms = 0;
  int64_t customer_id = 0, sharer_id = 0, distributor_id = 0, inviter_id = 0;
  std::string to;
  std::string grade;
  bool manual = true;
};

// The facts behind a decision: what the page's sentence (explainZh) names. A field is set only
// where the decision's reason uses it; `distributor_id` and `inviter_id` may be set to "nobody".
struct DecisionFacts {
  std::optional<int64_t> customer_id, sharer_id, previous_sharer_id, previous_distributor_id,
      current_inviter_id, requested_ms, previous_request_ms, effective_ms, next_allowed_ms,
      binding_days, expires_ms;
  std::optional<std::optional<int64_t>> distributor_id, inviter_id;
  std::optional<Binding> binding;
  std::optional<Share> share, last_share;
  std::optional<Ended> previous, last_binding;  // the binding that ended before this one / last
  std::optional<std::string> why, bind_on, self_purchase, from, to, effect;
  std::optional<bool> sharer_has_bought, manual;
};

struct Decision {
  std::string event;
  int64_t at_ms = 0;
  std::string reason;
  bool refused = false;
  DecisionFacts facts;
  std::optional<int64_t> level1;  // orders: the attributed distributor (before self-purchase)
};

// Applies one event. On a problem (unknown distributor, time order, ...) reports it, returns
// false and leaves `st` as it was. Decisions are appended: first the switches that took effect
// before the event, then the event's own decision.
bool ApplyAttrEvent(const AttributionSettings& s, AttributionState& st, const AttrEvent& e,
                    const std::string& path, std::vector<Decision>& out, Problems& problems);

// Applies every setting switch due at `t` (a pending mode switch whose time has come).
void SettleSwitches(AttributionState& st, int64_t t, std::vector<Decision>& out);

// 05:00 China time on the calendar day after `request_ms` (seed 001: B+1日的凌晨五点).
int64_t SwitchEffectiveMs(int64_t request_ms);

// Who an order by `buyer` involves, for the commission engine: level 1 before self-purchase rules
// (bound_distributor_id, or a campaign's sharer) and the distributors the chain climbs, to the
// program's depth (pointers into the state).
struct OrderParties {
  int64_t buyer_id = 0;
  std::optional<int64_t> level1;
  bool sharer_has_bought = false;  // campaigns
  std::vector<const DistributorRec*> chain;
};
OrderParties PartiesOf(const AttributionSettings& s, const AttributionState& st, int64_t buyer,
                       const Decision& order_decision);

AttrMode ModeOf(const std::string& s);
AutoUnbind AutoOf(const std::string& s);
const char* AttrModeName(AttrMode m);
const char* AutoUnbindName(AutoUnbind a);
// Every reason code a decision can carry (stable; the page has a sentence for each).
const std::vector<const char*>& AttributionReasons();

}  // namespace engine
