// The campaign's phase at a moment and what a countdown shows then. The page calls this once per
// phase; between phase changes it only subtracts (web/public/countdown.js), and the next change of
// the display is always a whole second of the remaining time away, so its timer aligns to that.
#pragma once
#include <cstdint>
#include <optional>

namespace engine {

enum class CampaignPhase { kNotStarted, kRunning, kEnded };

struct CountdownParts {
  int64_t days = 0, hours = 0, minutes = 0, seconds = 0;
};

struct Countdown {
  CampaignPhase phase = CampaignPhase::kNotStarted;
  std::optional<int64_t> target_ms;     // start while not started, end while running
  int64_t remaining_ms = 0;             // target - now; 0 once ended
  CountdownParts parts;                 // the remaining time, whole seconds rounded up
  std::optional<int64_t> next_tick_ms;  // when the shown parts change next
  std::optional<int64_t> phase_changes_at_ms;
};

// Start inclusive, end exclusive: at start_ms the campaign runs, at end_ms it has ended.
CampaignPhase PhaseAt(int64_t start_ms, int64_t end_ms, int64_t now_ms);
const char* PhaseName(CampaignPhase p);
// Rounded up so a countdown never shows 0 while the phase has not flipped yet.
CountdownParts SplitRemaining(int64_t remaining_ms);
Countdown MakeCountdown(int64_t start_ms, int64_t end_ms, int64_t now_ms);

}  // namespace engine
