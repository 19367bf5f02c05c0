# One INTERFACE target carrying the compile settings every target of the project links.
add_library(gwb_settings INTERFACE)
target_compile_options(gwb_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                              -Wold-style-cast -Woverloaded-virtual)
if(GWB_WERROR)
  target_compile_options(gwb_settings INTERFACE -Werror)
endif()
target_compile_definitions(gwb_settings INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CONTEXTLESS_CONNECT
  QT_USE_QSTRINGBUILDER
  QT_NO_FOREACH
  QT_NO_URL_CAST_FROM_STRING
  QT_STRICT_ITERATORS)

if(GWB_SANITIZE)
  # ASan + UBSan; UBSan findings abort so that a test fails instead of printing and passing.
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(gwb_settings INTERFACE ${_san})
  target_link_options(gwb_settings INTERFACE ${_san})
endif()

option(GWB_CLANG_TIDY "Run clang-tidy while compiling" OFF)
if(GWB_CLANG_TIDY)
  find_program(CLANG_TIDY_EXE NAMES clang-tidy REQUIRED)
  set(CMAKE_CXX_CLANG_TIDY ${CLANG_TIDY_EXE})
endif()
