// What a campaign page shows besides the gates: the participant count, the rolling ticker of
// recent orders (anonymised, "张**  3分钟前") and whether to show the splash ad now. Texts are made
// here so the browser and the server print the same words for the same moment.
#pragma once
#include <cstdint>
#include <string>

namespace engine {

// The first character of a UTF-8 name followed by "**"; the length of the name is never shown.
// Leading spaces are skipped; an empty (or undecodable) name becomes "匿名用户".
std::string MaskName(const std::string& utf8);

struct Ago {
  const char* unit;  // "just_now", "minute", "hour", "day"
  int64_t value;     // whole units, rounded down
  std::string text;  // "刚刚", "3分钟前", "2小时前", "5天前"
};
// An order time in the future (another server's clock) reads as "刚刚".
Ago AgoFrom(int64_t at_ms, int64_t now_ms);

// "1234人参与", "1.2万人参与" (rounded down to 0.1 万, never up).
std::string ParticipantsText(int64_t count);

enum class Navigation { kNavigate, kReload, kBackForward };
// "每次进入活动将首先显示首屏广告": every entry shows the ad once. Coming back to the page from the
// order page within the same visit (history back/forward) is not a new entry.
bool ShowSplash(bool splash_ad, Navigation nav);

}  // namespace engine
