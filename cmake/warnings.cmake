# Warnings are errors for every first-party target (linked PRIVATE).
add_library(snaprun_warnings INTERFACE)
target_compile_options(snaprun_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wformat=2)
add_library(snaprun::warnings ALIAS snaprun_warnings)
