#include "kite/runtime/any_response.hpp"

#include <caf/detail/invoke_result_visitor.hpp>

namespace kite {

namespace {

/// behavior_impl is CAF 0.17's extension point for behaviors; this one matches everything.
class any_message_behavior final : public caf::detail::behavior_impl {
public:
  explicit any_message_behavior(any_response_handler handler) : handler_(std::move(handler)) {}

  caf::match_case::result invoke(caf::detail::invoke_result_visitor& visitor,
                                 caf::type_erased_tuple& content) override {
    if (content.size() == 1 && content.match_element<caf::error>(0))
      handler_(content.get_as<caf::error>(0));
    else
      handler_(caf::message::copy(content));
    visitor();
    return caf::match_case::match;
  }

private:
  any_response_handler handler_;
};

} // namespace

caf::behavior any_response(any_response_handler handler) {
  return caf::behavior{
      caf::behavior::impl_ptr{caf::make_counted<any_message_behavior>(std::move(handler))}};
}

} // namespace kite
