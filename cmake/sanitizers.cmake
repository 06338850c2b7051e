# ASan + UBSan, switched on with -DSNAPRUN_SANITIZE=ON; linked PRIVATE by every
# first-party target so third-party code is not instrumented twice.
add_library(snaprun_sanitizers INTERFACE)
if(SNAPRUN_SANITIZE)
  target_compile_options(snaprun_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(snaprun_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
add_library(snaprun::sanitizers ALIAS snaprun_sanitizers)

# One call per first-party target.
function(snaprun_target_defaults target)
  target_link_libraries(${target} PRIVATE snaprun::warnings snaprun::sanitizers)
endfunction()
