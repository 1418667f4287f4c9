//! The divan micro-benchmarks of `benches/pipeline.rs`, compiled into the test suite and run
//! once each (divan's test mode, as `cargo bench -- --test` runs them). `cargo test` does not
//! build bench targets, so without this a benchmark that stopped compiling, or whose fixture
//! stopped building, would go unnoticed until someone ran `cargo bench`.

#[allow(dead_code)]
#[path = "../benches/pipeline.rs"]
mod pipeline;

#[test]
fn every_micro_benchmark_builds_and_runs_once() {
    divan::Divan::default().test_benches();
}
