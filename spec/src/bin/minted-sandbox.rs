//! `minted-sandbox`: the sandbox as an installed command, needing no checkout (the
//! spec and recordings are built in). `--help` lists its flags.

fn main() -> std::process::ExitCode {
    minted_spec::sandbox::command::run(std::env::args_os().skip(1))
}
