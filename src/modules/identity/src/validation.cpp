#include "validation.hpp"

#include <algorithm>

#include "country.hpp"
#include "text.hpp"

namespace shop::identity {
namespace {

std::string Field(std::string_view raw, std::string_view field, std::size_t min_chars, std::size_t max_chars,
                  std::vector<FieldError>& errors) {
  std::string why;
  auto clean = CleanText(raw, min_chars, max_chars, why);
  if (!clean) {
    errors.push_back({std::string(field), why});
    return {};
  }
  return std::move(*clean);
}

}  // namespace

std::string CleanName(std::string_view raw, std::vector<FieldError>& errors) {
  return Field(raw, "name", 1, kMaxNameChars, errors);
}

Result<AddressInput> CleanAddress(const AddressInput& input) {
  std::vector<FieldError> errors;
  AddressInput out;
  out.name = Field(input.name, "name", 1, kMaxNameChars, errors);
  out.line1 = Field(input.line1, "line1", 1, 200, errors);
  out.line2 = Field(input.line2, "line2", 0, 200, errors);
  out.city = Field(input.city, "city", 1, 100, errors);
  out.postal_code = Field(input.postal_code, "postal_code", 1, 20, errors);
  out.phone = Field(input.phone, "phone", 0, 32, errors);
  if (!out.phone.empty() && !std::all_of(out.phone.begin(), out.phone.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' ||
               c == '.' || c == '/';
      })) {
    errors.push_back({"phone", "may contain only digits, spaces and + - ( ) . /"});
  }
  std::string country(TrimAscii(input.country));
  std::transform(country.begin(), country.end(), country.begin(),
                 [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; });
  if (!IsCountryCode(country)) {
    errors.push_back({"country", "must be an ISO 3166-1 alpha-2 country code such as DE or US"});
  }
  out.country = country;
  out.is_default = input.is_default;
  if (!errors.empty()) return Error::InvalidInput("invalid address", std::move(errors));
  return out;
}

}  // namespace shop::identity
