//! The compile-time checks of `html!`, `#[component]` and `#[hook]`, as a user meets them.
//!
//! Every file in `ui/fail/` must fail to compile with exactly the diagnostics in its `.stderr`
//! (regenerate with `TRYBUILD=overwrite cargo test -p idom-trybuild-tests`, then read each one as
//! a user would); every file in `ui/pass/` must compile and run.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
