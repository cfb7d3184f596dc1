// An order as the commission engine sees it: who bought, whom the order is attributed to, the
// slice of the inviter tree above them, and the items with what was actually paid.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "money.h"

namespace engine {

struct Distributor {
  int64_t id = 0;
  std::optional<int64_t> inviter_id;
  std::string grade;  // empty = the program's first grade
  size_t index = 0;   // position in the input, for error paths
};

struct OrderItem {
  std::string product_id;
  int64_t units = 1;
  Fen paid_fen = 0;                  // split base: paid after discounts, without shipping
  std::optional<Fen> unit_cost_fen;  // for cost-price protection and the margin
  std::vector<std::string> types;    // order types of this item (seckill, group_buy, ...)
};

struct Order {
  std::string order_id;
  int64_t buyer_id = 0;
  std::optional<int64_t> bound_distributor_id;  // distribution: binding at order time
  std::optional<int64_t> sharer_id;             // campaign: sharer of the link the buyer came by
  bool sharer_has_bought = false;               // campaign: for buy-before-distributing
  std::map<int64_t, Distributor> distributors;  // the part of the inviter tree that matters
  std::vector<OrderItem> items;
  std::vector<std::string> types;  // order-level types, apply to every item
  std::string delivery_region;     // GB/T 2260 district code, for regional agents
};

constexpr size_t kMaxItems = 1000;
constexpr size_t kMaxDistributors = 10000;

}  // namespace engine
