#include "app/cli.hpp"

int main(int argc, char** argv) { return shop::app::RunCli(argc, argv); }
