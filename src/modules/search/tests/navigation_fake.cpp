// The search tests build the page code without the identity module (a
// module's tests link no other module's implementation): the navigation
// of an anonymous visitor stands in for identity::AddNavigation.
#include "shop/identity/access.hpp"

namespace shop::identity {

void AddNavigation(boost::json::object& data, const platform::http::Request&) {
  data["signed_in"] = false;
  data["is_staff"] = false;
  data["is_admin"] = false;
  data["user_name"] = "";
  data["csrf"] = "";
}

}  // namespace shop::identity
