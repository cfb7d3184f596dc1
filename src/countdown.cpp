#include "countdown.h"

namespace engine {

CampaignPhase PhaseAt(int64_t start_ms, int64_t end_ms, int64_t now_ms) {
  if (now_ms < start_ms) return CampaignPhase::kNotStarted;
  if (now_ms < end_ms) return CampaignPhase::kRunning;
  return CampaignPhase::kEnded;
}

const char* PhaseName(CampaignPhase p) {
  switch (p) {
    case CampaignPhase::kNotStarted:
      return "not_started";
    case CampaignPhase::kRunning:
      return "running";
    case CampaignPhase::kEnded:
      return "ended";
  }
  return "ended";
}

CountdownParts SplitRemaining(int64_t remaining_ms) {
  CountdownParts p;
  if (remaining_ms <= 0) return p;
  int64_t s = remaining_ms / 1000 + (remaining_ms % 1000 != 0 ? 1 : 0);
  p.days = s / 86400;
  s %= 86400;
  p.hours = s / 3600;
  s %= 3600;
  p.minutes = s / 60;
  p.seconds = s % 60;
  return p;
}

Countdown MakeCountdown(int64_t start_ms, int64_t end_ms, int64_t now_ms) {
  Countdown c;
  c.phase = PhaseAt(start_ms, end_ms, now_ms);
  if (c.phase == CampaignPhase::kEnded) return c;
  const int64_t target = c.phase == CampaignPhase::kNotStarted ? start_ms : end_ms;
  c.target_ms = target;
  c.remaining_ms = target - now_ms;  // > 0 by the phase
  c.parts = SplitRemaining(c.remaining_ms);
  const int64_t into_second = c.remaining_ms % 1000;
  c.next_tick_ms = now_ms + (into_second == 0 ? 1000 : into_second);
  c.phase_changes_at_ms = target;
  return c;
}

}  // namespace engine
