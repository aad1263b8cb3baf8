#pragma once
// Rules for the free-text fields of an account: display name and addresses.
// Each returns the cleaned value (trimmed, NFC) or kInvalidInput naming every
// bad field, so a form can show all problems at once.

#include <string>
#include <string_view>
#include <vector>

#include "platform/core/error.hpp"
#include "shop/identity/types.hpp"

namespace shop::identity {

inline constexpr std::size_t kMaxNameChars = 100;
inline constexpr int kMaxAddressesPerUser = 50;

/// 1..100 characters after trimming; no control characters. On failure,
/// appends to `errors` (field "name") and returns "".
std::string CleanName(std::string_view raw, std::vector<FieldError>& errors);

/// name, line1, city and postal_code required; country an ISO 3166-1
/// alpha-2 code (upper-cased first); line2 and phone optional; every field
/// bounded. Field names: "name", "line1", "line2", "city", "postal_code",
/// "country", "phone".
Result<AddressInput> CleanAddress(const AddressInput& input);

}  // namespace shop::identity
