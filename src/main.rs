//! The `lamas` command line; everything is in [`lamas::cli`].

fn main() -> std::process::ExitCode {
    lamas::cli::main()
}
