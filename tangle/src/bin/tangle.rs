//! `tangle`: see `tangle --help`.

fn main() {
    std::process::exit(tangle::cli::main(std::env::args().skip(1).collect()));
}
