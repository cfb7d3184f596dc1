// China Standard Time calendar arithmetic on Unix milliseconds (UTC+8, no daylight saving): the
// calendar rules of SPEC 1 (next-day 05:00, the red-packet night, withdrawal periods).
#pragma once
#include <cstdint>

namespace engine {

constexpr int64_t kHourMs = 3600000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kCstOffsetMs = 8 * kHourMs;
// Times the engine accepts end before 2100-01-01T00:00:00Z (exclusive).
constexpr int64_t kTimeLimitMs = 4102444800000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The CST day number (days since 1970-01-01 in China) of a time >= 0.
constexpr int64_t CstDay(int64_t ms) { return (ms + kCstOffsetMs) / kDayMs; }
// 00:00 CST of that day, as Unix ms.
constexpr int64_t CstDayStartMs(int64_t day) { return day * kDayMs - kCstOffsetMs; }
// 00:00 CST on the Monday of the week containing `ms`.
constexpr int64_t CstWeekStartMs(int64_t ms) {
  const int64_t day = CstDay(ms);
  return CstDayStartMs(day - (day + 3) % 7);  // 1970-01-01 was a Thursday
}

struct CivilDate {
  int64_t year, month, day;
};
// The civil date of a day number (H. Hinnant's civil_from_days).
constexpr CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  return {yoe + era * 400 + (m <= 2), m, d};
}
// 00:00 CST on the first of the month containing `ms`, and of the month after.
constexpr int64_t CstMonthStartMs(int64_t ms) {
  const CivilDate c = CivilFromDays(CstDay(ms));
  return CstDayStartMs(DaysFromCivil(c.year, c.month, 1));
}
constexpr int64_t CstNextMonthStartMs(int64_t ms) {
  const CivilDate c = CivilFromDays(CstDay(ms));
  return CstDayStartMs(c.month == 12 ? DaysFromCivil(c.year + 1, 1, 1)
                                     : DaysFromCivil(c.year, c.month + 1, 1));
}

}  // namespace engine
