// Attribution as JSON (src/attribution.h holds the rules): settings, state and events read and
// validated from a request, and the state, decisions and commission input written back.
#pragma once
#include <optional>
#include <string>

#include "attribution.h"
#include "json_reader.h"
#include "request.h"

namespace engine {

// `request`, when the settings are a request's, knows the program's text: a program seen before
// is not parsed again, and a new one is remembered.
std::optional<AttributionSettings> ParseAttributionSettings(const Json& j, const std::string& path,
                                                            Problems& problems,
                                                            const Request* request = nullptr);
// `j` may be null (a program with no history yet).
std::optional<AttributionState> ParseAttributionState(const Json* j, const std::string& path,
                                                      const AttributionSettings& s,
                                                      Problems& problems);
std::optional<AttrEvent> ParseAttrEvent(const Json& j, const std::string& path, bool campaign,
                                        Problems& problems);
// A time in [1970, 2100): E_TIME_RANGE otherwise.
std::optional<int64_t> ReadTimeMs(const Json& v, const std::string& path, Problems& problems);

// The commission engine's input for an order (PartiesOf): buyer_id, bound_distributor_id and the
// inviter slice, or a campaign's sharer_id and sharer_has_bought.
Json BeneficiaryInput(const AttributionSettings& s, const OrderParties& o);
Json AttributionStateJson(const AttributionState& st);
Json DecisionJson(const Decision& d);

}  // namespace engine
