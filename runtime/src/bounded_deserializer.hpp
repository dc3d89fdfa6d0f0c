// A binary_deserializer that refuses sequence lengths larger than the bytes left, so a lying
// length prefix cannot make the decoder allocate gigabytes before it notices, and that refuses
// infinities and NaN, which Kite never encodes.
#pragma once

#include <caf/binary_deserializer.hpp>
#include <caf/deserializer.hpp>

namespace kite::detail {

/// Reads caf::binary_serializer's format with every sequence length checked first.
class bounded_deserializer final : public caf::deserializer {
public:
  bounded_deserializer(const char* data, size_t size);

  size_t remaining() const noexcept { return inner_.remaining(); }

  caf::error begin_object(uint16_t& typenr, std::string& name) override;
  caf::error end_object() override;
  caf::error begin_sequence(size_t& size) override;
  caf::error end_sequence() override;
  caf::error apply_raw(size_t num_bytes, void* data) override;

protected:
  caf::error apply_impl(int8_t& x) override;
  caf::error apply_impl(uint8_t& x) override;
  caf::error apply_impl(int16_t& x) override;
  caf::error apply_impl(uint16_t& x) override;
  caf::error apply_impl(int32_t& x) override;
  caf::error apply_impl(uint32_t& x) override;
  caf::error apply_impl(int64_t& x) override;
  caf::error apply_impl(uint64_t& x) override;
  caf::error apply_impl(float& x) override;
  caf::error apply_impl(double& x) override;
  caf::error apply_impl(long double& x) override;
  caf::error apply_impl(std::string& x) override;
  caf::error apply_impl(std::u16string& x) override;
  caf::error apply_impl(std::u32string& x) override;

private:
  template <class String> caf::error read_string(String& x);

  template <class Float> caf::error read_finite(Float& x);

  caf::binary_deserializer inner_;
};

} // namespace kite::detail
