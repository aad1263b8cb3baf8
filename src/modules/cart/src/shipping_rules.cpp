#include "shipping_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace shop::cart {
namespace {

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t at = text.find(sep, start);
    std::string_view part = text.substr(start, at == std::string_view::npos ? text.npos : at - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    out.push_back(part);
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::optional<std::int64_t> NonNegative(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0 || v > 100'000'000) {
    return std::nullopt;
  }
  return v;
}

Error Bad(std::string_view key, std::string_view entry, std::string_view why) {
  return Error::InvalidInput(fmt::format("{}: \"{}\" {}", key, entry, why));
}

}  // namespace

bool IsCountryCode(std::string_view code) {
  return code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Result<ShippingRules> ShippingRules::FromConfig(const platform::config::Config& config) {
  ShippingRules rules;
  for (std::string_view entry : Split(config.shipping.methods, ';')) {
    if (entry.empty()) continue;
    auto f = Split(entry, '|');
    if (f.size() != 6) return Bad("shipping.methods", entry, "must be id|name|countries|base|per_kg|free_over");
    ShippingMethod m;
    m.id = std::string(f[0]);
    m.name = std::string(f[1]);
    if (m.id.empty() || m.id.size() > 32 ||
        !std::all_of(m.id.begin(), m.id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; })) {
      return Bad("shipping.methods", entry, "needs an id of 1 to 32 letters, digits, '-' or '_'");
    }
    if (m.name.empty()) return Bad("shipping.methods", entry, "needs a name");
    if (f[2] != "*") {
      for (std::string_view c : Split(f[2], ',')) {
        if (!IsCountryCode(c)) return Bad("shipping.methods", entry, "has a country that is not an ISO code");
        m.countries.emplace_back(c);
      }
    }
    auto base = NonNegative(f[3]), per_kg = NonNegative(f[4]), free_over = NonNegative(f[5]);
    if (!base || !per_kg || !free_over) return Bad("shipping.methods", entry, "has an amount that is not 0..100000000");
    m.base = *base;
    m.per_kg = *per_kg;
    m.free_over = *free_over;
    for (const ShippingMethod& other : rules.methods_) {
      if (other.id == m.id) return Bad("shipping.methods", entry, "repeats an id");
    }
    rules.methods_.push_back(std::move(m));
  }
  if (rules.methods_.empty()) return Error::InvalidInput("shipping.methods: at least one method is needed");
  for (std::string_view entry : Split(config.tax.rates, ',')) {
    if (entry.empty()) continue;
    auto f = Split(entry, ':');
    auto bp = f.size() == 2 ? NonNegative(f[1]) : std::nullopt;
    if (f.size() != 2 || !IsCountryCode(f[0]) || !bp || *bp > 10'000) {
      return Bad("tax.rates", entry, "must be CC:basis points (0..10000)");
    }
    rules.tax_bp_[std::string(f[0])] = *bp;
  }
  rules.default_tax_bp_ = config.tax.default_rate_bp;
  rules.prices_include_tax_ = config.tax.prices_include_tax;
  return rules;
}

std::vector<ShippingOption> ShippingRules::OptionsFor(std::string_view country, const platform::money::Money& subtotal,
                                                      std::int64_t weight_grams) const {
  std::vector<ShippingOption> out;
  const std::int64_t started_kg = (std::max<std::int64_t>(weight_grams, 0) + 999) / 1000;
  for (const ShippingMethod& m : methods_) {
    if (!m.countries.empty() && std::find(m.countries.begin(), m.countries.end(), country) == m.countries.end()) {
      continue;
    }
    const bool free = m.free_over > 0 && subtotal.amount >= m.free_over;
    // Weights are bounded by the cart's limits (lines × quantity × a
    // variant's weight), far below where this could overflow.
    const std::int64_t price = free ? 0 : m.base + m.per_kg * started_kg;
    out.push_back(ShippingOption{m.id, m.name, platform::money::Money{price, subtotal.currency}});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ShippingOption& a, const ShippingOption& b) { return a.price.amount < b.price.amount; });
  return out;
}

std::int64_t ShippingRules::TaxRateBp(std::string_view country) const {
  auto it = tax_bp_.find(country);
  return it == tax_bp_.end() ? default_tax_bp_ : it->second;
}

}  // namespace shop::cart
