// An order read from JSON (the commission engine's input, src/order.h).
#pragma once
#include <optional>
#include <string>

#include "json_reader.h"
#include "order.h"

namespace engine {

// Parses and validates an order (shape, ranges, inviter cycles); empty on any problem.
std::optional<Order> ParseOrder(const Json& j, const std::string& path, Problems& problems);

}  // namespace engine
