// The number a filter or threshold stage looks at in an item.
#pragma once

#include <optional>

#include <caf/message.hpp>

#include "kite/runtime/pipeline_config.hpp"

namespace kite::actors {

/// The selected value of a sample or feature; none for other items or a missing channel.
std::optional<double> item_value(const caf::message& item, const value_selector& selector);

/// The sequence number and timestamp of a sample or feature; zeros for other items.
std::pair<uint64_t, int64_t> item_origin(const caf::message& item);

} // namespace kite::actors
