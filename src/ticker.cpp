#include "ticker.h"

namespace engine {
namespace {

// Length of the UTF-8 sequence at s[i], or 0 when it is not a valid one.
size_t SequenceLength(const std::string& s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  return n;
}

}  // namespace

std::string MaskName(const std::string& utf8) {
  size_t i = 0;
  while (i < utf8.size() && (utf8[i] == ' ' || utf8[i] == '\t')) ++i;
  // U+3000, the ideographic space a Chinese keyboard types.
  while (utf8.compare(i, 3, "\xE3\x80\x80") == 0) i += 3;
  if (i >= utf8.size()) return "匿名用户";
  const size_t n = SequenceLength(utf8, i);
  if (n == 0) return "匿名用户";
  return utf8.substr(i, n) + "**";
}

Ago AgoFrom(int64_t at_ms, int64_t now_ms) {
  const int64_t d = now_ms - at_ms;
  if (d < 60000) return {"just_now", 0, "刚刚"};
  if (d < 3600000) return {"minute", d / 60000, std::to_string(d / 60000) + "分钟前"};
  if (d < 86400000) return {"hour", d / 3600000, std::to_string(d / 3600000) + "小时前"};
  return {"day", d / 86400000, std::to_string(d / 86400000) + "天前"};
}

std::string ParticipantsText(int64_t count) {
  if (count < 10000) return std::to_string(count) + "人参与";
  const int64_t tenths = (count % 10000) / 1000;
  return std::to_string(count / 10000) + (tenths ? "." + std::to_string(tenths) : "") + "万人参与";
}

bool ShowSplash(bool splash_ad, Navigation nav) {
  return splash_ad && nav != Navigation::kBackForward;
}

}  // namespace engine
