//! Compile-fail and compile-pass cases of the idom macros live in `tests/`.
