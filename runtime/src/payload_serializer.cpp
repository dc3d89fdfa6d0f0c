#include "payload_serializer.hpp"

#include <cmath>

#include <caf/sec.hpp>

#include "kite/runtime/error.hpp"

namespace kite::detail {

namespace {

template <class Float> caf::error refuse_non_finite(Float x) {
  if (std::isfinite(x)) return caf::none;
  return make_error(errc::wire, "a payload holds an infinity or NaN, which the wire cannot "
                                "carry (CAF 0.17's float encoding)");
}

} // namespace

payload_serializer::payload_serializer(std::vector<char>& out)
    : caf::serializer(static_cast<caf::execution_unit*>(nullptr)),
      inner_(static_cast<caf::execution_unit*>(nullptr), out) {}

caf::error payload_serializer::begin_object(uint16_t& typenr, std::string& name) {
  return inner_.begin_object(typenr, name);
}

caf::error payload_serializer::end_object() {
  return inner_.end_object();
}

caf::error payload_serializer::begin_sequence(size_t& size) {
  return inner_.begin_sequence(size);
}

caf::error payload_serializer::end_sequence() {
  return inner_.end_sequence();
}

caf::error payload_serializer::apply_raw(size_t num_bytes, void* data) {
  return inner_.apply_raw(num_bytes, data);
}

// clang-format off
caf::error payload_serializer::apply_impl(int8_t& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(uint8_t& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(int16_t& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(uint16_t& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(int32_t& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(uint32_t& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(int64_t& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(uint64_t& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(std::string& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(std::u16string& x) { return inner_.apply(x); }
caf::error payload_serializer::apply_impl(std::u32string& x) { return inner_.apply(x); }
// clang-format on

caf::error payload_serializer::apply_impl(float& x) {
  if (auto err = refuse_non_finite(x)) return err;
  return inner_.apply(x);
}

caf::error payload_serializer::apply_impl(double& x) {
  if (auto err = refuse_non_finite(x)) return err;
  return inner_.apply(x);
}

caf::error payload_serializer::apply_impl(long double& x) {
  if (auto err = refuse_non_finite(x)) return err;
  return inner_.apply(x);
}

} // namespace kite::detail
