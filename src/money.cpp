#include "money.h"

namespace engine {

std::optional<int64_t> MulDiv(int64_t a, int64_t b, int64_t d, Rounding mode) {
  if (a < 0 || b < 0 || d <= 0) return std::nullopt;
  const __int128 p = static_cast<__int128>(a) * b;
  __int128 q = p / d;
  const __int128 r = p % d;
  if (mode == Rounding::kHalfUp && 2 * r >= d) q += 1;
  if (q > kMaxAmount) return std::nullopt;
  return static_cast<int64_t>(q);
}

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  if (a < 0 || b < 0 || a > kMaxAmount || b > kMaxAmount || a > kMaxAmount - b) return std::nullopt;
  return a + b;
}

std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return std::nullopt;
  const __int128 p = static_cast<__int128>(a) * b;
  if (p > kMaxAmount) return std::nullopt;
  return static_cast<int64_t>(p);
}

size_t FormatYuan(Fen fen, char (&out)[kYuanChars]) {
  // Written backwards from the end of a scratch buffer, then moved to the front.
  char buf[kYuanChars];
  char* p = buf + kYuanChars;
  // Negative amounts only appear for debts; kMaxAmount keeps -fen in range.
  uint64_t v = fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  *--p = static_cast<char>('0' + v % 10);
  *--p = static_cast<char>('0' + v / 10 % 10);
  *--p = '.';
  v /= 100;
  do *--p = static_cast<char>('0' + v % 10);
  while (v /= 10);
  static const char kYuanSign[] = "\xC2\xA5";  // ¥ in UTF-8
  *--p = kYuanSign[1];
  *--p = kYuanSign[0];
  if (fen < 0) *--p = '-';
  const size_t n = static_cast<size_t>(buf + kYuanChars - p);
  for (size_t i = 0; i < n; ++i) out[i] = p[i];
  return n;
}

std::string FormatYuan(Fen fen) {
  char buf[kYuanChars];
  return std::string(buf, FormatYuan(fen, buf));
}

const char* RoundingName(Rounding r) { return r == Rounding::kFloor ? "floor" : "half_up"; }

}  // namespace engine
