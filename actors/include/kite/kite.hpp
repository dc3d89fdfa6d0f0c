// Kite's SDK in one include: what a custom actor needs to declare its message types, its
// behaviour and its registration, and to be built as a plugin that kite-edge and kite-cloud load.
#pragma once

#include <caf/all.hpp>

#include "kite/actors/messages.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/plugin.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/registry.hpp"
