#pragma once
// The catalog's repositories read rows through platform/db/rows.hpp.

#include "platform/db/rows.hpp"

namespace shop::catalog::rows {
using namespace shop::platform::db::rows;
}  // namespace shop::catalog::rows
