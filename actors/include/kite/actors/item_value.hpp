// The number a filter or threshold stage looks at in an item.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include <caf/message.hpp>

#include "kite/runtime/pipeline_config.hpp"

namespace kite::actors {

/// The selected value of a sample or feature; none for other items, or for a sample that lacks
/// a selected channel (or has none at all).
std::optional<double> item_value(const caf::message& item, const value_selector& selector);

/// An item as one line of text, such as `kite.sensor_sample(5, 5000000, [5.000000])`.
std::string item_text(const caf::message& item);

/// The sequence number and timestamp of a sample or feature; zeros for other items.
std::pair<uint64_t, int64_t> item_origin(const caf::message& item);

} // namespace kite::actors
