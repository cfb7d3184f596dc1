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
#include "json_reader.h"
#include "program.h"

namespace engine {

constexpr int64_t kSwitchGuardMs = 3 * kDayMs;  // seed 001: 每3天仅可修改一次
constexpr size_t kMaxHistory = 1000;            // setting switches a state remembers
constexpr size_t kMaxStateRecords = 1000000;    // customers or distributors in one state
constexpr size_t kMaxEvents = 1000000;          // events in one replay

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

struct Decision {
  std::string event;
  int64_t at_ms = 0;
  std::string reason;
  bool refused = false;
  Json facts = Json::object();
  std::optional<int64_t> level1;  // orders: the attributed distributor (before self-purchase)
};

std::optional<AttributionSettings> ParseAttributionSettings(
    const Json& j, const std::string& path, Problems& problems,
    const ProgramRequest* request = nullptr);
// `j` may be null (a program with no history yet).
std::optional<AttributionState> ParseAttributionState(const Json* j, const std::string& path,
                                                      const AttributionSettings& s,
                                                      Problems& problems);
std::optional<AttrEvent> ParseAttrEvent(const Json& j, const std::string& path, bool campaign,
                                        Problems& problems);
// A time in [1970, 2100): E_TIME_RANGE otherwise.
std::optional<int64_t> ReadTimeMs(const Json& v, const std::string& path, Problems& problems);

// Applies one event. On a problem (unknown distributor, time order, ...) reports it, returns
// false and leaves `st` as it was. Decisions are appended: first the switches that took effect
// before the event, then the event's own decision.
bool ApplyAttrEvent(const AttributionSettings& s, AttributionState& st, const AttrEvent& e,
                    const std::string& path, std::vector<Decision>& out, Problems& problems);

// Applies every setting switch due at `t` (a pending mode switch whose time has come).
void SettleSwitches(AttributionState& st, int64_t t, std::vector<Decision>& out);

// 05:00 China time on the calendar day after `request_ms` (seed 001: B+1日的凌晨五点).
int64_t SwitchEffectiveMs(int64_t request_ms);

// The commission engine's input for an order by `buyer`: bound_distributor_id (level 1 before
// self-purchase rules) and the slice of the inviter tree the chain climbs, to the program's depth.
Json BeneficiaryInput(const AttributionSettings& s, const AttributionState& st, int64_t buyer,
                      const Decision& order_decision);

Json AttributionStateJson(const AttributionState& st);
Json DecisionJson(const Decision& d);

const char* AttrModeName(AttrMode m);
const char* AutoUnbindName(AutoUnbind a);
// Every reason code a decision can carry (stable; the page has a sentence for each).
const std::vector<const char*>& AttributionReasons();

}  // namespace engine
