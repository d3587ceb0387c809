//! Integration tests of the `recipe` binary: the real executable, run on the
//! sample files in `examples/data/`, on this suite's own files in
//! `bins/tests/cli/data/` and on files written for each test.

mod agreement;
mod diff;
mod inputs;
mod log;
mod merge;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root. We run the binary there so the paths it prints are
/// short and the same on every machine.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bins crate sits in the workspace")
        .to_owned()
}

/// Runs `recipe` with `args` from the workspace root, its output captured
/// (so standard output is not a terminal) and colour settings cleared.
fn recipe<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_recipe"))
        .args(args)
        .current_dir(workspace())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the recipe binary runs")
}

/// Writes `contents` to a file of this test run's scratch directory.
fn scratch_file(name: &str, contents: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("recipe-cli");
    std::fs::create_dir_all(&dir).expect("the scratch directory can be made");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("the scratch file can be written");
    path
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}
