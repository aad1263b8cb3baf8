#pragma once
/// Money as integer minor units plus an ISO 4217 currency (DESIGN §2). There
/// is no floating point anywhere in this file or its implementation: prices
/// are exact, arithmetic refuses mixed currencies and int64 overflow, and the
/// only rounding happens in the explicit ratio helpers below.
///
/// Thread-safety: all types are plain values; all functions are pure.

#include "platform/core/error.hpp"

#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::money {

/// An ISO 4217 alphabetic code ("EUR") with its minor-unit exponent (EUR 2,
/// JPY 0, KWD 3). Codes not in the built-in table are accepted if they are
/// three upper-case ASCII letters and get exponent 2, the most common one.
/// A default-constructed Currency is "XXX" (ISO's "no currency"), which never
/// mixes with a real one.
class Currency {
 public:
  Currency();

  /// Validates `code` ([A-Z]{3}). Error: InvalidInput naming the code.
  static shop::Result<Currency> FromCode(std::string_view code);

  std::string_view Code() const noexcept { return {code_.data(), code_.size()}; }
  /// Digits after the decimal point: 100 minor units = 1 EUR, 1 = 1 JPY.
  int Exponent() const noexcept { return exponent_; }

  friend bool operator==(const Currency& a, const Currency& b) noexcept { return a.code_ == b.code_; }

 private:
  Currency(std::array<char, 3> code, int exponent) : code_(code), exponent_(exponent) {}

  std::array<char, 3> code_;
  int exponent_;
};

/// True for three upper-case ASCII letters.
bool IsCurrencyCode(std::string_view code) noexcept;

/// An amount in minor units (cents for EUR) of one currency. May be negative
/// (refunds, discounts).
struct Money {
  std::int64_t amount = 0;
  Currency currency;

  friend bool operator==(const Money& a, const Money& b) noexcept = default;
};

inline Money Zero(Currency currency) { return Money{0, currency}; }

/// "EUR" / "1999 EUR" (minor units): for logs and test failure messages.
std::ostream& operator<<(std::ostream& os, const Currency& c);
std::ostream& operator<<(std::ostream& os, const Money& m);

/// a + b. Errors: InvalidInput "mixed currencies EUR and USD"; InvalidInput
/// "amount overflow" when the result does not fit int64.
shop::Result<Money> Add(const Money& a, const Money& b);
/// a - b. Same errors as Add.
shop::Result<Money> Subtract(const Money& a, const Money& b);
/// m × quantity (a line total). Error: InvalidInput "amount overflow".
shop::Result<Money> Multiply(const Money& m, std::int64_t quantity);
/// -m. Error: InvalidInput "amount overflow" for INT64_MIN.
shop::Result<Money> Negate(const Money& m);
/// Sum of `items`, all of which must be in `currency`; an empty list is zero.
/// Errors as Add.
shop::Result<Money> Sum(const std::vector<Money>& items, Currency currency);

/// How a ratio result that falls between two minor units is rounded.
enum class Rounding {
  kHalfUp,    ///< ties away from zero: 0.5 → 1, -0.5 → -1 (what a receipt shows)
  kHalfEven,  ///< banker's rounding: ties to the even neighbour, 0.5 → 0, 1.5 → 2
};

/// m × numerator / denominator, rounded once at the end; the intermediate
/// product is 128-bit so it cannot overflow. Errors: InvalidInput when
/// denominator is 0 or the result does not fit int64.
shop::Result<Money> MultiplyRatio(const Money& m, std::int64_t numerator, std::int64_t denominator,
                                  Rounding rounding);

/// m × basis_points / 10000 (1 bp = 0.01 %; 19 % VAT = 1900). A tax or
/// discount on a net basis. Errors as MultiplyRatio.
shop::Result<Money> ApplyBasisPoints(const Money& m, std::int64_t basis_points, Rounding rounding);

/// Splits `total` into parts proportional to `weights` that add up to exactly
/// `total` (largest-remainder method: the leftover minor units go to the parts
/// with the largest truncated fractions, earlier parts first on ties). Used to
/// spread an order discount over its lines. Errors: InvalidInput when
/// `weights` is empty, any weight is negative, or they sum to 0 or overflow.
shop::Result<std::vector<Money>> Allocate(const Money& total, const std::vector<std::int64_t>& weights);

/// {"amount": 1999, "currency": "EUR"}.
boost::json::value ToJson(const Money& m);

/// Strict inverse of ToJson: an object with exactly "amount" (a JSON integer
/// within int64; not a float such as 19.99 or 1999.0, not a string) and
/// "currency" (a valid code). Error: InvalidInput with a field error naming
/// the member.
shop::Result<Money> FromJson(const boost::json::value& v);

/// "19.99" / "-0.50" / "1999" (JPY): the amount with the currency's
/// decimals, no symbol. For forms and CSV.
std::string FormatDecimal(const Money& m);

/// Parses what FormatDecimal prints, as typed in an admin form: an optional
/// '-', digits, optionally '.' and at most Exponent() digits ("19", "19.9",
/// "19.99"). Error: InvalidInput for anything else or an overflow.
shop::Result<Money> ParseDecimal(std::string_view text, Currency currency);

/// For display: "€19.99", "$5.00", "£1.20", "¥1999" for the currencies with
/// a well-known symbol, otherwise "19.99 CHF". Negative amounts get a leading
/// '-' ("-€5.00").
std::string Format(const Money& m);

}  // namespace shop::platform::money
