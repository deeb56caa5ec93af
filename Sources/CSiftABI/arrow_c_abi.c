// The C target only carries headers (the Arrow ABI structs and Sift's C API); SwiftPM needs one
// source file to build it.
#include "arrow_c_abi.h"
