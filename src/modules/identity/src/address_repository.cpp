#include "address_repository.hpp"

namespace shop::identity {
namespace {

constexpr const char* kList =
    "SELECT id, user_id, name, line1, line2, city, postal_code, country, phone, is_default"
    " FROM identity_addresses WHERE user_id = :user_id ORDER BY is_default DESC, created_at_ms, id";
constexpr const char* kFind =
    "SELECT id, user_id, name, line1, line2, city, postal_code, country, phone, is_default"
    " FROM identity_addresses WHERE user_id = :user_id AND id = :id";
constexpr const char* kCount = "SELECT COUNT(*) FROM identity_addresses WHERE user_id = :user_id";
constexpr const char* kInsert =
    "INSERT INTO identity_addresses"
    " (id, user_id, name, line1, line2, city, postal_code, country, phone, is_default, created_at_ms)"
    " VALUES (:id, :user_id, :name, :line1, :line2, :city, :postal_code, :country, :phone, :is_default, "
    ":now)";
constexpr const char* kUpdate =
    "UPDATE identity_addresses SET name = :name, line1 = :line1, line2 = :line2, city = :city,"
    " postal_code = :postal_code, country = :country, phone = :phone, is_default = :is_default"
    " WHERE user_id = :user_id AND id = :id";
constexpr const char* kDelete = "DELETE FROM identity_addresses WHERE user_id = :user_id AND id = :id";
constexpr const char* kClearDefault =
    "UPDATE identity_addresses SET is_default = 0 WHERE user_id = :user_id AND is_default = 1";

struct RawAddress {
  Address a;
  std::string user_id;
  int is_default = 0;
  Address Get() {
    a.user_id = UserId{user_id};
    a.is_default = is_default != 0;
    return a;
  }
};

}  // namespace

std::vector<Address> AddressRepository::List(soci::session& sql, const std::string& user_id) {
  RawAddress r;
  std::vector<Address> out;
  soci::statement st =
      (sql.prepare << kList, soci::into(r.a.id), soci::into(r.user_id), soci::into(r.a.name),
       soci::into(r.a.line1), soci::into(r.a.line2), soci::into(r.a.city), soci::into(r.a.postal_code),
       soci::into(r.a.country), soci::into(r.a.phone), soci::into(r.is_default), soci::use(user_id));
  st.execute();
  while (st.fetch()) out.push_back(r.Get());
  return out;
}

std::optional<Address> AddressRepository::Find(soci::session& sql, const std::string& user_id,
                                               const std::string& id) {
  RawAddress r;
  sql << kFind, soci::into(r.a.id), soci::into(r.user_id), soci::into(r.a.name), soci::into(r.a.line1),
      soci::into(r.a.line2), soci::into(r.a.city), soci::into(r.a.postal_code), soci::into(r.a.country),
      soci::into(r.a.phone), soci::into(r.is_default), soci::use(user_id), soci::use(id);
  if (!sql.got_data()) return std::nullopt;
  return r.Get();
}

int AddressRepository::Count(soci::session& sql, const std::string& user_id) {
  int count = 0;
  sql << kCount, soci::use(user_id), soci::into(count);
  return count;
}

void AddressRepository::Insert(soci::session& sql, const Address& a, std::int64_t now_ms) {
  const int is_default = a.is_default ? 1 : 0;
  sql << kInsert, soci::use(a.id), soci::use(a.user_id.value), soci::use(a.name), soci::use(a.line1),
      soci::use(a.line2), soci::use(a.city), soci::use(a.postal_code), soci::use(a.country),
      soci::use(a.phone), soci::use(is_default), soci::use(now_ms);
}

bool AddressRepository::Update(soci::session& sql, const Address& a) {
  const int is_default = a.is_default ? 1 : 0;
  soci::statement st = (sql.prepare << kUpdate, soci::use(a.name), soci::use(a.line1), soci::use(a.line2),
                        soci::use(a.city), soci::use(a.postal_code), soci::use(a.country), soci::use(a.phone),
                        soci::use(is_default), soci::use(a.user_id.value), soci::use(a.id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

bool AddressRepository::Delete(soci::session& sql, const std::string& user_id, const std::string& id) {
  soci::statement st = (sql.prepare << kDelete, soci::use(user_id), soci::use(id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

void AddressRepository::ClearDefault(soci::session& sql, const std::string& user_id) {
  sql << kClearDefault, soci::use(user_id);
}

}  // namespace shop::identity
