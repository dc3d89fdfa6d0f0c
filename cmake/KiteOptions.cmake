# kite::options carries the language standard, warnings and sanitizer flags
# that every project target links; third-party code never sees -Werror.
add_library(kite_options INTERFACE)
add_library(kite::options ALIAS kite_options)
target_compile_features(kite_options INTERFACE cxx_std_17)
target_compile_options(kite_options INTERFACE -Wall -Wextra -Werror)

if(KITE_ASAN)
  target_compile_options(kite_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(kite_options INTERFACE -fsanitize=address,undefined)
endif()
if(KITE_TSAN)
  target_compile_options(kite_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(kite_options INTERFACE -fsanitize=thread)
endif()

set(CMAKE_CXX_EXTENSIONS OFF)
