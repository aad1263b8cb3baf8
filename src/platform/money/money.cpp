#include "platform/money/money.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <numeric>
#include <ostream>

namespace shop::platform::money {
namespace {

struct KnownCurrency {
  std::string_view code;
  int exponent;
};

// ISO 4217 minor units for the currencies a shop is likely to price in. Every
// other well-formed code gets 2, which is what most of the list uses.
constexpr KnownCurrency kKnownCurrencies[] = {
    {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"CAD", 2}, {"AUD", 2}, {"NZD", 2}, {"SEK", 2},
    {"NOK", 2}, {"DKK", 2}, {"PLN", 2}, {"CZK", 2}, {"HUF", 2}, {"RON", 2}, {"BGN", 2}, {"TRY", 2},
    {"CNY", 2}, {"HKD", 2}, {"SGD", 2}, {"INR", 2}, {"BRL", 2}, {"MXN", 2}, {"ZAR", 2}, {"ILS", 2},
    {"AED", 2}, {"SAR", 2}, {"THB", 2}, {"TWD", 2}, {"JPY", 0}, {"KRW", 0}, {"ISK", 0}, {"CLP", 0},
    {"VND", 0}, {"PYG", 0}, {"UGX", 0}, {"XAF", 0}, {"XOF", 0}, {"BHD", 3}, {"KWD", 3}, {"OMR", 3},
    {"JOD", 3}, {"TND", 3}, {"IQD", 3}, {"LYD", 3},
};

constexpr int kDefaultExponent = 2;

struct Symbol {
  std::string_view code;
  std::string_view symbol;
};

// Only symbols nobody misreads; "$" alone is kept for USD because that is how
// a US shop prints prices.
constexpr Symbol kSymbols[] = {
    {"EUR", "€"},
    {"USD", "$"},
    {"GBP", "£"},
    {"JPY", "¥"},
};

Error Overflow() { return Error::InvalidInput("amount overflow"); }

Error MixedCurrencies(const Currency& a, const Currency& b) {
  return Error::InvalidInput("mixed currencies " + std::string(a.Code()) + " and " + std::string(b.Code()));
}

std::uint64_t PowerOfTen(int exponent) {
  std::uint64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= 10;
  return p;
}

// |amount| without the INT64_MIN trap.
std::uint64_t Magnitude(std::int64_t amount) {
  return amount < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(amount)
                    : static_cast<std::uint64_t>(amount);
}

}  // namespace

Currency::Currency() : code_{'X', 'X', 'X'}, exponent_(0) {}

std::ostream& operator<<(std::ostream& os, const Currency& c) { return os << c.Code(); }

std::ostream& operator<<(std::ostream& os, const Money& m) {
  return os << m.amount << ' ' << m.currency.Code();
}

bool IsCurrencyCode(std::string_view code) noexcept {
  return code.size() == 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

shop::Result<Currency> Currency::FromCode(std::string_view code) {
  if (!IsCurrencyCode(code)) {
    return Error::InvalidInput("invalid currency code '" + std::string(code) +
                               "': expected three upper-case letters (ISO 4217)");
  }
  int exponent = kDefaultExponent;
  for (const auto& known : kKnownCurrencies) {
    if (known.code == code) exponent = known.exponent;
  }
  if (code == "XXX") exponent = 0;
  return Currency({code[0], code[1], code[2]}, exponent);
}

shop::Result<Money> Add(const Money& a, const Money& b) {
  if (!(a.currency == b.currency)) return MixedCurrencies(a.currency, b.currency);
  std::int64_t out = 0;
  if (__builtin_add_overflow(a.amount, b.amount, &out)) return Overflow();
  return Money{out, a.currency};
}

shop::Result<Money> Subtract(const Money& a, const Money& b) {
  if (!(a.currency == b.currency)) return MixedCurrencies(a.currency, b.currency);
  std::int64_t out = 0;
  if (__builtin_sub_overflow(a.amount, b.amount, &out)) return Overflow();
  return Money{out, a.currency};
}

shop::Result<Money> Multiply(const Money& m, std::int64_t quantity) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(m.amount, quantity, &out)) return Overflow();
  return Money{out, m.currency};
}

shop::Result<Money> Negate(const Money& m) {
  std::int64_t out = 0;
  if (__builtin_sub_overflow(std::int64_t{0}, m.amount, &out)) return Overflow();
  return Money{out, m.currency};
}

shop::Result<Money> Sum(const std::vector<Money>& items, Currency currency) {
  Money total = Zero(currency);
  for (const auto& item : items) {
    auto next = Add(total, item);
    if (!next) return next.error();
    total = *next;
  }
  return total;
}

shop::Result<Money> MultiplyRatio(const Money& m, std::int64_t numerator, std::int64_t denominator,
                                  Rounding rounding) {
  if (denominator == 0) return Error::InvalidInput("ratio with a zero denominator");
  // int64 × int64 always fits in 128 bits, so only the final quotient can overflow.
  __int128 product = static_cast<__int128>(m.amount) * numerator;
  __int128 den = denominator;
  if (den < 0) {
    product = -product;
    den = -den;
  }
  __int128 quotient = product / den;   // truncates toward zero
  __int128 remainder = product % den;  // same sign as product
  if (remainder != 0) {
    const __int128 twice = (remainder < 0 ? -remainder : remainder) * 2;
    const int direction = product < 0 ? -1 : 1;
    bool away = false;
    if (twice > den) {
      away = true;
    } else if (twice == den) {
      away = rounding == Rounding::kHalfUp || (quotient % 2 != 0);
    }
    if (away) quotient += direction;
  }
  if (quotient > INT64_MAX || quotient < INT64_MIN) return Overflow();
  return Money{static_cast<std::int64_t>(quotient), m.currency};
}

shop::Result<Money> ApplyBasisPoints(const Money& m, std::int64_t basis_points, Rounding rounding) {
  return MultiplyRatio(m, basis_points, 10'000, rounding);
}

shop::Result<std::vector<Money>> Allocate(const Money& total, const std::vector<std::int64_t>& weights) {
  if (weights.empty()) return Error::InvalidInput("allocation needs at least one weight");
  std::int64_t weight_sum = 0;
  for (std::int64_t w : weights) {
    if (w < 0) return Error::InvalidInput("allocation weights must not be negative");
    if (__builtin_add_overflow(weight_sum, w, &weight_sum)) {
      return Error::InvalidInput("allocation weights overflow");
    }
  }
  if (weight_sum == 0) return Error::InvalidInput("allocation weights sum to zero");

  std::vector<Money> parts;
  std::vector<__int128> remainders;
  parts.reserve(weights.size());
  remainders.reserve(weights.size());
  __int128 allocated = 0;
  for (std::int64_t w : weights) {
    const __int128 product = static_cast<__int128>(total.amount) * w;
    // |product / weight_sum| <= |total.amount|, so the cast is exact.
    parts.push_back(Money{static_cast<std::int64_t>(product / weight_sum), total.currency});
    const __int128 r = product % weight_sum;
    remainders.push_back(r < 0 ? -r : r);
    allocated += parts.back().amount;
  }
  // The leftover is smaller than the number of parts with a non-zero
  // remainder (their fractions add up to it), so every unit finds a home.
  const __int128 leftover = static_cast<__int128>(total.amount) - allocated;
  const int step = leftover < 0 ? -1 : 1;
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  const auto units = static_cast<std::size_t>(leftover < 0 ? -leftover : leftover);
  for (std::size_t i = 0; i < units; ++i) parts[order[i]].amount += step;
  return parts;
}

boost::json::value ToJson(const Money& m) {
  return boost::json::object{{"amount", m.amount}, {"currency", std::string(m.currency.Code())}};
}

shop::Result<Money> FromJson(const boost::json::value& v) {
  const auto invalid = [](std::string field, std::string message) {
    std::string detail = "invalid money: " + message;
    return Error::InvalidInput(std::move(detail), {FieldError{std::move(field), std::move(message)}});
  };
  const auto* obj = v.if_object();
  if (obj == nullptr) return invalid("", "expected an object with amount and currency");
  for (const auto& member : *obj) {
    if (member.key() != "amount" && member.key() != "currency") {
      return invalid(std::string(member.key()), "unexpected member");
    }
  }
  const auto* amount = obj->if_contains("amount");
  if (amount == nullptr) return invalid("amount", "is required");
  std::int64_t minor = 0;
  if (amount->is_int64()) {
    minor = amount->get_int64();
  } else if (amount->is_uint64()) {
    // Boost.JSON only stores integers above INT64_MAX as uint64.
    return invalid("amount", "is out of range");
  } else {
    return invalid("amount", "must be an integer number of minor units");
  }
  const auto* code = obj->if_contains("currency");
  if (code == nullptr) return invalid("currency", "is required");
  if (!code->is_string()) return invalid("currency", "must be a string");
  auto currency = Currency::FromCode(std::string_view(code->get_string()));
  if (!currency) return invalid("currency", currency.error().detail);
  return Money{minor, *currency};
}

std::string FormatDecimal(const Money& m) {
  const int exponent = m.currency.Exponent();
  const std::uint64_t scale = PowerOfTen(exponent);
  const std::uint64_t magnitude = Magnitude(m.amount);
  std::string out = m.amount < 0 ? "-" : "";
  out += std::to_string(magnitude / scale);
  if (exponent > 0) {
    std::string fraction = std::to_string(magnitude % scale);
    out += '.';
    out.append(static_cast<std::size_t>(exponent) - fraction.size(), '0');
    out += fraction;
  }
  return out;
}

shop::Result<Money> ParseDecimal(std::string_view text, Currency currency) {
  const auto bad = [&] {
    return Error::InvalidInput("invalid amount '" + std::string(text) + "' for " +
                               std::string(currency.Code()));
  };
  std::string_view rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);
  const auto dot = rest.find('.');
  const std::string_view whole = rest.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  const auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction)) return bad();
  if (dot != std::string_view::npos &&
      (fraction.empty() || fraction.size() > static_cast<std::size_t>(currency.Exponent()))) {
    return bad();
  }
  std::int64_t amount = 0;
  const auto push_digit = [&](char c) {
    return !__builtin_mul_overflow(amount, 10, &amount) && !__builtin_add_overflow(amount, c - '0', &amount);
  };
  for (char c : whole) {
    if (!push_digit(c)) return Overflow();
  }
  for (int i = 0; i < currency.Exponent(); ++i) {
    const char c = static_cast<std::size_t>(i) < fraction.size() ? fraction[i] : '0';
    if (!push_digit(c)) return Overflow();
  }
  return Money{negative ? -amount : amount, currency};
}

std::string Format(const Money& m) {
  std::string decimal = FormatDecimal(m);
  for (const auto& s : kSymbols) {
    if (s.code == m.currency.Code()) {
      if (m.amount < 0) return "-" + std::string(s.symbol) + decimal.substr(1);
      return std::string(s.symbol) + decimal;
    }
  }
  return decimal + " " + std::string(m.currency.Code());
}

}  // namespace shop::platform::money
