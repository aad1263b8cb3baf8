#include <doctest/doctest.h>

#include <set>

#include "identity_fixture.hpp"

using shop::ErrorCode;
using shop::identity::AddressInput;
using shop::identity::UserId;
using shop::identity::testing::IdentityFixture;

namespace {

AddressInput Home() {
  AddressInput a;
  a.name = " Ana Lima ";
  a.line1 = "Rua das Flores 12";
  a.city = "Lisboa";
  a.postal_code = "1200-195";
  a.country = "pt";
  a.phone = "+351 21 000 0000";
  return a;
}

int Defaults(const std::vector<shop::identity::Address>& list) {
  int n = 0;
  for (const auto& a : list) n += a.is_default ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("address book: add, list, get, update, delete, one default") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto ana =
        s.EnsureUser("ana@example.com", "correct horse battery", "Ana", shop::identity::Role::kCustomer);
    REQUIRE(ana.has_value());

    auto home = s.AddAddress(ana->id, Home());
    REQUIRE(home.has_value());
    CHECK(home->name == "Ana Lima");
    CHECK(home->country == "PT");
    CHECK(home->user_id == ana->id);
    CHECK(home->is_default);  // the first address becomes the default

    AddressInput work = Home();
    work.line1 = "Avenida da Liberdade 1";
    work.line2 = "3º andar";
    auto office = s.AddAddress(ana->id, work);
    REQUIRE(office.has_value());
    CHECK_FALSE(office->is_default);

    auto list = s.ListAddresses(ana->id);
    REQUIRE(list.has_value());
    REQUIRE(list->size() == 2);
    CHECK((*list)[0].id == home->id);
    CHECK(Defaults(*list) == 1);

    work.is_default = true;
    auto updated = s.UpdateAddress(ana->id, office->id, work);
    REQUIRE(updated.has_value());
    CHECK(updated->is_default);
    list = s.ListAddresses(ana->id);
    REQUIRE(list->size() == 2);
    CHECK(Defaults(*list) == 1);
    CHECK((*list)[0].id == office->id);
    CHECK((*list)[0].line2 == "3º andar");

    AddressInput third = Home();
    third.city = "Porto";
    third.is_default = true;
    auto porto = s.AddAddress(ana->id, third);
    REQUIRE(porto.has_value());
    list = s.ListAddresses(ana->id);
    CHECK(Defaults(*list) == 1);
    CHECK((*list)[0].id == porto->id);

    auto got = s.GetAddress(ana->id, home->id);
    REQUIRE(got.has_value());
    CHECK(got->city == "Lisboa");

    REQUIRE(s.DeleteAddress(ana->id, home->id).has_value());
    CHECK(s.GetAddress(ana->id, home->id).error().code == ErrorCode::kNotFound);
    CHECK(s.DeleteAddress(ana->id, home->id).error().code == ErrorCode::kNotFound);
    CHECK(s.ListAddresses(ana->id)->size() == 2);
  });
}

TEST_CASE("another user's address is not found and stays unchanged") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto ana =
        s.EnsureUser("ana@example.com", "correct horse battery", "Ana", shop::identity::Role::kCustomer);
    auto eve =
        s.EnsureUser("eve@example.com", "correct horse battery", "Eve", shop::identity::Role::kCustomer);
    REQUIRE(ana.has_value());
    REQUIRE(eve.has_value());
    auto home = s.AddAddress(ana->id, Home());
    REQUIRE(home.has_value());

    AddressInput hijack = Home();
    hijack.line1 = "Eve's place";
    hijack.is_default = true;
    CHECK(s.GetAddress(eve->id, home->id).error().code == ErrorCode::kNotFound);
    CHECK(s.UpdateAddress(eve->id, home->id, hijack).error().code == ErrorCode::kNotFound);
    CHECK(s.DeleteAddress(eve->id, home->id).error().code == ErrorCode::kNotFound);
    CHECK(s.GetAddress(ana->id, "not-an-id").error().code == ErrorCode::kNotFound);
    CHECK(s.GetAddress(ana->id, std::string(10000, 'x')).error().code == ErrorCode::kNotFound);
    CHECK(s.ListAddresses(eve->id)->empty());

    auto still = s.GetAddress(ana->id, home->id);
    REQUIRE(still.has_value());
    CHECK(still->line1 == "Rua das Flores 12");
    CHECK(still->is_default);
    CHECK(s.AddAddress(UserId{"missing"}, Home()).error().code == ErrorCode::kNotFound);
  });
}

TEST_CASE("invalid addresses are refused with every bad field named, changing nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto ana =
        s.EnsureUser("ana@example.com", "correct horse battery", "Ana", shop::identity::Role::kCustomer);
    REQUIRE(ana.has_value());
    auto home = s.AddAddress(ana->id, Home());
    REQUIRE(home.has_value());

    AddressInput bad;
    bad.name = "  ";
    bad.line1 = std::string(201, 'x');
    bad.city = "Lis\nboa";
    bad.postal_code = "";
    bad.country = "XX";
    bad.phone = "call me";
    bad.line2 = "\xFF";
    bad.is_default = true;
    auto refused = s.AddAddress(ana->id, bad);
    REQUIRE(refused.has_error());
    CHECK(refused.error().code == ErrorCode::kInvalidInput);
    std::set<std::string> fields;
    for (const auto& e : refused.error().fields) fields.insert(e.field);
    CHECK(fields ==
          std::set<std::string>{"name", "line1", "line2", "city", "postal_code", "country", "phone"});

    CHECK(s.UpdateAddress(ana->id, home->id, bad).error().code == ErrorCode::kInvalidInput);
    for (const char* country : {"", "P", "PRT", "UK", "EU", "ZZ"}) {
      AddressInput c = Home();
      c.country = country;
      CAPTURE(country);
      CHECK(s.AddAddress(ana->id, c).has_error());
    }
    auto list = s.ListAddresses(ana->id);
    REQUIRE(list->size() == 1);
    CHECK((*list)[0].line1 == "Rua das Flores 12");
    CHECK((*list)[0].is_default);
  });
}

TEST_CASE("an address book holds at most 50 addresses") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    IdentityFixture f(database);
    auto& s = f.service();
    auto ana =
        s.EnsureUser("ana@example.com", "correct horse battery", "Ana", shop::identity::Role::kCustomer);
    REQUIRE(ana.has_value());
    for (int i = 0; i < 50; ++i) REQUIRE(s.AddAddress(ana->id, Home()).has_value());
    auto over = s.AddAddress(ana->id, Home());
    REQUIRE(over.has_error());
    CHECK(over.error().code == ErrorCode::kUnprocessable);
    CHECK(s.ListAddresses(ana->id)->size() == 50);
  });
}
