#include "platform/money/money.hpp"

#include <doctest/doctest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <limits>

namespace money = shop::platform::money;
using money::Money;
using money::Rounding;

namespace {

money::Currency Cur(std::string_view code) { return money::Currency::FromCode(code).value(); }
Money Eur(std::int64_t amount) { return Money{amount, Cur("EUR")}; }

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

}  // namespace

TEST_CASE("currency codes are validated and carry their exponent") {
  CHECK(Cur("EUR").Exponent() == 2);
  CHECK(Cur("JPY").Exponent() == 0);
  CHECK(Cur("KWD").Exponent() == 3);
  CHECK(Cur("XYZ").Exponent() == 2);
  CHECK(Cur("EUR").Code() == "EUR");
  CHECK_FALSE(money::Currency::FromCode("eur").has_value());
  CHECK_FALSE(money::Currency::FromCode("EU").has_value());
  CHECK_FALSE(money::Currency::FromCode("EURO").has_value());
  CHECK_FALSE(money::Currency::FromCode("E1R").has_value());
  CHECK(money::Currency().Code() == "XXX");
}

TEST_CASE("add, subtract and multiply are exact and allow negatives") {
  CHECK(money::Add(Eur(1999), Eur(1)).value() == Eur(2000));
  CHECK(money::Subtract(Eur(500), Eur(1999)).value() == Eur(-1499));
  CHECK(money::Multiply(Eur(1999), 3).value() == Eur(5997));
  CHECK(money::Multiply(Eur(-250), 4).value() == Eur(-1000));
  CHECK(money::Negate(Eur(5)).value() == Eur(-5));
  CHECK(money::Sum({Eur(1), Eur(2), Eur(-3), Eur(10)}, Cur("EUR")).value() == Eur(10));
  CHECK(money::Sum({}, Cur("USD")).value() == Money{0, Cur("USD")});
}

TEST_CASE("overflow at the int64 limits is an error, not a wrap") {
  CHECK_FALSE(money::Add(Eur(kMax), Eur(1)).has_value());
  CHECK(money::Add(Eur(kMax), Eur(1)).error().detail == "amount overflow");
  CHECK_FALSE(money::Add(Eur(kMin), Eur(-1)).has_value());
  CHECK_FALSE(money::Subtract(Eur(kMin), Eur(1)).has_value());
  CHECK_FALSE(money::Subtract(Eur(0), Eur(kMin)).has_value());
  CHECK_FALSE(money::Multiply(Eur(kMax), 2).has_value());
  CHECK_FALSE(money::Multiply(Eur(kMin), -1).has_value());
  CHECK_FALSE(money::Multiply(Eur(4'611'686'018'427'387'904), 2).has_value());
  CHECK(money::Multiply(Eur(kMax), 1).value() == Eur(kMax));
  CHECK(money::Multiply(Eur(kMax), 0).value() == Eur(0));
  CHECK_FALSE(money::Negate(Eur(kMin)).has_value());
  CHECK_FALSE(money::Sum({Eur(kMax), Eur(1)}, Cur("EUR")).has_value());
  CHECK(money::Add(Eur(kMax), Eur(kMin)).value() == Eur(-1));
}

TEST_CASE("mixed currencies are refused") {
  Money usd{100, Cur("USD")};
  auto r = money::Add(Eur(100), usd);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == shop::ErrorCode::kInvalidInput);
  CHECK(r.error().detail == "mixed currencies EUR and USD");
  CHECK_FALSE(money::Subtract(Eur(100), usd).has_value());
  CHECK_FALSE(money::Sum({Eur(1), usd}, Cur("EUR")).has_value());
  CHECK_FALSE(money::Sum({usd}, Cur("EUR")).has_value());
  CHECK_FALSE(money::Add(Eur(0), Money{}).has_value());
}

TEST_CASE("basis points round half-up away from zero or half-even") {
  // 19 % of 10.00 = 1.90 exactly.
  CHECK(money::ApplyBasisPoints(Eur(1000), 1900, Rounding::kHalfUp).value() == Eur(190));
  // 50 bp of 1.00 = 0.5 cent: a tie.
  CHECK(money::ApplyBasisPoints(Eur(100), 50, Rounding::kHalfUp).value() == Eur(1));
  CHECK(money::ApplyBasisPoints(Eur(100), 50, Rounding::kHalfEven).value() == Eur(0));
  CHECK(money::ApplyBasisPoints(Eur(300), 50, Rounding::kHalfEven).value() == Eur(2));  // 1.5
  CHECK(money::ApplyBasisPoints(Eur(300), 50, Rounding::kHalfUp).value() == Eur(2));
  CHECK(money::ApplyBasisPoints(Eur(-100), 50, Rounding::kHalfUp).value() == Eur(-1));
  CHECK(money::ApplyBasisPoints(Eur(-100), 50, Rounding::kHalfEven).value() == Eur(0));
  CHECK(money::ApplyBasisPoints(Eur(-300), 50, Rounding::kHalfEven).value() == Eur(-2));
  // Not a tie: 0.49 rounds down, 0.51 rounds up, whatever the mode.
  CHECK(money::ApplyBasisPoints(Eur(49), 100, Rounding::kHalfUp).value() == Eur(0));
  CHECK(money::ApplyBasisPoints(Eur(151), 3333, Rounding::kHalfEven).value() == Eur(50));  // 50.3283
  CHECK(money::ApplyBasisPoints(Eur(1999), 1900, Rounding::kHalfUp).value() == Eur(380));  // 379.81
  // VAT contained in a gross price of 11.90 at 19 %: 11.90 × 19/119 = 1.90.
  CHECK(money::MultiplyRatio(Eur(1190), 1900, 11900, Rounding::kHalfEven).value() == Eur(190));
  CHECK(money::MultiplyRatio(Eur(5), 1, -2, Rounding::kHalfUp).value() == Eur(-3));
  CHECK_FALSE(money::MultiplyRatio(Eur(5), 1, 0, Rounding::kHalfUp).has_value());
  // The intermediate product is wide; only a result that does not fit fails.
  CHECK(money::ApplyBasisPoints(Eur(kMax), 10'000, Rounding::kHalfUp).value() == Eur(kMax));
  CHECK_FALSE(money::ApplyBasisPoints(Eur(kMax), 20'000, Rounding::kHalfUp).has_value());
}

TEST_CASE("allocation splits exactly and hands leftovers to the largest remainders") {
  auto parts = money::Allocate(Eur(100), {1, 1, 1}).value();
  REQUIRE(parts.size() == 3);
  CHECK(parts[0] == Eur(34));
  CHECK(parts[1] == Eur(33));
  CHECK(parts[2] == Eur(33));

  parts = money::Allocate(Eur(-1000), {3, 0, 7}).value();
  CHECK(parts[0] == Eur(-300));
  CHECK(parts[1] == Eur(0));
  CHECK(parts[2] == Eur(-700));

  parts = money::Allocate(Eur(10), {1, 2, 3, 4, 5, 6}).value();
  std::int64_t total = 0;
  for (const auto& p : parts) total += p.amount;
  CHECK(total == 10);

  // Near the limits the 128-bit intermediate keeps it exact.
  parts = money::Allocate(Eur(kMax), {kMax - 1, 1}).value();
  CHECK(parts[0] == Eur(kMax - 1));
  CHECK(parts[1] == Eur(1));
  parts = money::Allocate(Eur(kMin), {1, 1}).value();
  CHECK(parts[0] == Eur(kMin / 2));
  CHECK(parts[1] == Eur(kMin / 2));

  CHECK_FALSE(money::Allocate(Eur(10), {}).has_value());
  CHECK_FALSE(money::Allocate(Eur(10), {0, 0}).has_value());
  CHECK_FALSE(money::Allocate(Eur(10), {1, -1}).has_value());
  CHECK_FALSE(money::Allocate(Eur(10), {kMax, 1}).has_value());
}

TEST_CASE("JSON round trip") {
  auto json = money::ToJson(Eur(1999));
  CHECK(boost::json::serialize(json) == R"({"amount":1999,"currency":"EUR"})");
  CHECK(money::FromJson(json).value() == Eur(1999));
  CHECK(money::FromJson(boost::json::parse(R"({"currency":"JPY","amount":-5})")).value() ==
        Money{-5, Cur("JPY")});
  CHECK(money::FromJson(boost::json::parse(R"({"amount":9223372036854775807,"currency":"EUR"})")).value() ==
        Eur(kMax));
}

TEST_CASE("JSON is strict about types and members") {
  const auto rejects = [](std::string_view text, std::string_view field) {
    auto r = money::FromJson(boost::json::parse(text));
    CAPTURE(text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == shop::ErrorCode::kInvalidInput);
    REQUIRE(r.error().fields.size() == 1);
    CHECK(r.error().fields[0].field == field);
  };
  rejects(R"({"amount":19.99,"currency":"EUR"})", "amount");
  rejects(R"({"amount":1999.0,"currency":"EUR"})", "amount");
  rejects(R"({"amount":1e3,"currency":"EUR"})", "amount");
  rejects(R"({"amount":"1999","currency":"EUR"})", "amount");
  rejects(R"({"amount":true,"currency":"EUR"})", "amount");
  rejects(R"({"amount":null,"currency":"EUR"})", "amount");
  rejects(R"({"amount":9223372036854775808,"currency":"EUR"})", "amount");
  rejects(R"({"currency":"EUR"})", "amount");
  rejects(R"({"amount":1})", "currency");
  rejects(R"({"amount":1,"currency":"eur"})", "currency");
  rejects(R"({"amount":1,"currency":978})", "currency");
  rejects(R"({"amount":1,"currency":"EUR","price":5})", "price");
  rejects(R"([1999,"EUR"])", "");
  rejects(R"(1999)", "");
}

TEST_CASE("decimal formatting and parsing") {
  CHECK(money::FormatDecimal(Eur(1999)) == "19.99");
  CHECK(money::FormatDecimal(Eur(5)) == "0.05");
  CHECK(money::FormatDecimal(Eur(-50)) == "-0.50");
  CHECK(money::FormatDecimal(Money{1999, Cur("JPY")}) == "1999");
  CHECK(money::FormatDecimal(Money{1, Cur("KWD")}) == "0.001");
  CHECK(money::FormatDecimal(Eur(kMin)) == "-92233720368547758.08");

  CHECK(money::ParseDecimal("19.99", Cur("EUR")).value() == Eur(1999));
  CHECK(money::ParseDecimal("19.9", Cur("EUR")).value() == Eur(1990));
  CHECK(money::ParseDecimal("19", Cur("EUR")).value() == Eur(1900));
  CHECK(money::ParseDecimal("-0.50", Cur("EUR")).value() == Eur(-50));
  CHECK(money::ParseDecimal("1999", Cur("JPY")).value() == Money{1999, Cur("JPY")});
  for (const char* bad :
       {"", "-", ".5", "19.", "19.999", "1,99", "+1", " 1", "1e3", "0x10", "99999999999999999999"}) {
    CAPTURE(bad);
    CHECK_FALSE(money::ParseDecimal(bad, Cur("EUR")).has_value());
  }
  CHECK_FALSE(money::ParseDecimal("19.5", Cur("JPY")).has_value());
}

TEST_CASE("display format") {
  CHECK(money::Format(Eur(1999)) == "€19.99");
  CHECK(money::Format(Eur(-500)) == "-€5.00");
  CHECK(money::Format(Money{500, Cur("USD")}) == "$5.00");
  CHECK(money::Format(Money{120, Cur("GBP")}) == "£1.20");
  CHECK(money::Format(Money{1999, Cur("JPY")}) == "¥1999");
  CHECK(money::Format(Money{1999, Cur("CHF")}) == "19.99 CHF");
}
