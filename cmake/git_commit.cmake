# Run at every build (cmake -P): writes OUT, a header defining NNLAB_GIT_COMMIT, the commit the
# sources are at ("unknown" outside a git checkout), and touches it only when the commit changed,
# so that run.json names the commit a binary was really built from without rebuilding each time.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT commit)
  set(commit unknown)
endif()
set(text "#define NNLAB_GIT_COMMIT \"${commit}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
