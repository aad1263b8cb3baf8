#pragma once
// Shipping methods and tax rates from config (shipping.methods, tax.*),
// parsed and checked once at start, then pure lookups.

#include "platform/config/config.hpp"
#include "platform/core/error.hpp"
#include "platform/money/money.hpp"
#include "shop/cart/cart.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shop::cart {

struct ShippingMethod {
  std::string id;
  std::string name;
  std::vector<std::string> countries;  ///< empty: anywhere ("*")
  std::int64_t base = 0;               ///< minor units
  std::int64_t per_kg = 0;             ///< per started kilogram
  std::int64_t free_over = 0;          ///< 0: never free
};

class ShippingRules {
 public:
  /// kInvalidInput naming the key and the entry for a malformed spec.
  static Result<ShippingRules> FromConfig(const platform::config::Config& config);

  /// Methods offered for `country`, priced for a cart of `subtotal` and
  /// `weight_grams`, cheapest first (ties by configured order).
  std::vector<ShippingOption> OptionsFor(std::string_view country, const platform::money::Money& subtotal,
                                         std::int64_t weight_grams) const;
  /// The tax rate of `country` in basis points.
  std::int64_t TaxRateBp(std::string_view country) const;
  bool prices_include_tax() const { return prices_include_tax_; }

 private:
  std::vector<ShippingMethod> methods_;
  std::map<std::string, std::int64_t, std::less<>> tax_bp_;
  std::int64_t default_tax_bp_ = 0;
  bool prices_include_tax_ = true;
};

/// True for two ASCII upper-case letters.
bool IsCountryCode(std::string_view code);

}  // namespace shop::cart
