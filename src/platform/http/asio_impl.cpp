// The single translation unit that compiles Asio and Beast (separate
// compilation: BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION are PUBLIC definitions of
// shop_platform_http, so every other file sees declarations only).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
