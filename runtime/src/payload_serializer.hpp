// caf::binary_serializer for wire payloads, minus the values CAF 0.17 cannot encode:
// its pack754 loops forever on an infinity and garbles NaN, so both are refused up front.
#pragma once

#include <vector>

#include <caf/binary_serializer.hpp>
#include <caf/serializer.hpp>

namespace kite::detail {

/// Writes caf::binary_serializer's format; non-finite floating-point values are an error.
class payload_serializer final : public caf::serializer {
public:
  explicit payload_serializer(std::vector<char>& out);

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
  caf::binary_serializer inner_;
};

} // namespace kite::detail
