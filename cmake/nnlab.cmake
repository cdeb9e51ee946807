# Helpers shared by every CMakeLists: warnings, one static library per floor, one test
# executable per test folder.

function(nnlab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(NNLAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# nnlab_add_floor(core SOURCES a.cpp b.cpp DEPS other_floor... LIBS external...)
function(nnlab_add_floor name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  add_library(nnlab_${name} STATIC ${ARG_SOURCES})
  target_include_directories(nnlab_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(nnlab_${name} PUBLIC nnlab_${dep})
  endforeach()
  target_link_libraries(nnlab_${name} PUBLIC ${ARG_LIBS})
  nnlab_warnings(nnlab_${name})
endfunction()

# A release build compiles the tests' own code at -O1: the library under test keeps -O3, and the
# tests are checks, fixtures and small loops, which compile 20-40 % faster at -O1 than at -O3.
function(nnlab_test_optimisation target)
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O1>)
endfunction()

# nnlab_add_test(folder SOURCES ... DEPS floors...): one GoogleTest executable, each test
# registered with CTest on its own.
function(nnlab_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(test_${name} ${ARG_SOURCES})
  target_include_directories(test_${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(test_${name} PRIVATE nnlab_${dep})
  endforeach()
  target_link_libraries(test_${name} PRIVATE nnlab_testing GTest::gtest_main)
  nnlab_warnings(test_${name})
  nnlab_test_optimisation(test_${name})
  # The suppressions matter only under LeakSanitizer (the asan-ubsan preset); other builds ignore them.
  gtest_discover_tests(test_${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT
                       "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0")
endfunction()
