#include "bounded_deserializer.hpp"

#include <cmath>

#include <caf/sec.hpp>

namespace kite::detail {

bounded_deserializer::bounded_deserializer(const char* data, size_t size)
    : caf::deserializer(static_cast<caf::execution_unit*>(nullptr)),
      inner_(static_cast<caf::execution_unit*>(nullptr), data, size) {
  // No actor system: payloads are plain structs, never actor handles or caf::messages.
}

caf::error bounded_deserializer::begin_object(uint16_t& typenr, std::string& name) {
  return inner_.begin_object(typenr, name);
}

caf::error bounded_deserializer::end_object() {
  return inner_.end_object();
}

caf::error bounded_deserializer::begin_sequence(size_t& size) {
  if (auto err = inner_.begin_sequence(size)) return err;
  // Every element of every supported type takes at least one byte on the wire.
  if (size > inner_.remaining()) return caf::make_error(caf::sec::end_of_stream);
  return caf::none;
}

caf::error bounded_deserializer::end_sequence() {
  return inner_.end_sequence();
}

caf::error bounded_deserializer::apply_raw(size_t num_bytes, void* data) {
  if (num_bytes > inner_.remaining()) return caf::make_error(caf::sec::end_of_stream);
  return inner_.apply_raw(num_bytes, data);
}

template <class String> caf::error bounded_deserializer::read_string(String& x) {
  size_t size = 0;
  if (auto err = begin_sequence(size)) return err;
  x.clear();
  for (size_t i = 0; i < size; ++i) {
    std::conditional_t<sizeof(typename String::value_type) == 2, uint16_t, uint32_t> ch = 0;
    if (auto err = inner_.apply(ch)) return err;
    x.push_back(static_cast<typename String::value_type>(ch));
  }
  return end_sequence();
}

caf::error bounded_deserializer::apply_impl(int8_t& x) {
  return inner_.apply(x);
}
caf::error bounded_deserializer::apply_impl(uint8_t& x) {
  return inner_.apply(x);
}
caf::error bounded_deserializer::apply_impl(int16_t& x) {
  return inner_.apply(x);
}
caf::error bounded_deserializer::apply_impl(uint16_t& x) {
  return inner_.apply(x);
}
caf::error bounded_deserializer::apply_impl(int32_t& x) {
  return inner_.apply(x);
}
caf::error bounded_deserializer::apply_impl(uint32_t& x) {
  return inner_.apply(x);
}
caf::error bounded_deserializer::apply_impl(int64_t& x) {
  return inner_.apply(x);
}
caf::error bounded_deserializer::apply_impl(uint64_t& x) {
  return inner_.apply(x);
}
caf::error bounded_deserializer::apply_impl(float& x) {
  return read_finite(x);
}
caf::error bounded_deserializer::apply_impl(double& x) {
  return read_finite(x);
}
caf::error bounded_deserializer::apply_impl(long double& x) {
  return read_finite(x);
}

template <class Float> caf::error bounded_deserializer::read_finite(Float& x) {
  if (auto err = inner_.apply(x)) return err;
  // Kite never encodes infinity or NaN (see payload_serializer); a peer that sends one lies.
  if (!std::isfinite(x)) return caf::make_error(caf::sec::invalid_argument);
  return caf::none;
}

caf::error bounded_deserializer::apply_impl(std::string& x) {
  size_t size = 0;
  if (auto err = begin_sequence(size)) return err;
  x.resize(size);
  if (size > 0)
    if (auto err = inner_.apply_raw(size, &x[0])) return err;
  return end_sequence();
}

caf::error bounded_deserializer::apply_impl(std::u16string& x) {
  return read_string(x);
}
caf::error bounded_deserializer::apply_impl(std::u32string& x) {
  return read_string(x);
}

} // namespace kite::detail
