#include "app/commands.hpp"

namespace shop::app {

const char* const kVersion = SHOPD_VERSION;

}  // namespace shop::app
