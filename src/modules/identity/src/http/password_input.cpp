#include "http/password_input.hpp"

#include "shop/identity/identity.hpp"

namespace shop::identity {

void CheckPasswordSize(JsonInput& input, std::string_view field, const std::optional<std::string>& password) {
  if (password && password->size() > kMaxPasswordBytes) {
    input.Fail(std::string(field), "must be at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
}

}  // namespace shop::identity
