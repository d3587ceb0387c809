//! Standard output for the subcommands that print text: whether to colour
//! it, and writing it so that a reader who stops early is no error.

use std::io::{self, Write};

use anstream::{AutoStream, ColorChoice};
use clap::ValueEnum;
use recipe_diff::render::TextStyle;

/// When text output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Only when standard output is a terminal (and NO_COLOR is not set).
    Auto,
    /// Always, for pagers such as `less -R`.
    Always,
    /// Never.
    Never,
}

/// Standard output, locked, and the text style `color` calls for on it.
///
/// With [`ColorWhen::Auto`], text is coloured only when standard output is
/// a terminal that takes colour (anstream checks `NO_COLOR` and
/// `CLICOLOR_FORCE` too). We decide before rendering rather than strip
/// escapes afterwards, because the plain style marks changed words with
/// brackets that the colour style leaves out.
pub fn styled_stdout(color: ColorWhen) -> (AutoStream<io::StdoutLock<'static>>, TextStyle) {
    let stdout = io::stdout();
    let choice = match color {
        ColorWhen::Auto => AutoStream::choice(&stdout),
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    };
    let style = if choice == ColorChoice::Never {
        TextStyle::Plain
    } else {
        TextStyle::Color
    };
    (AutoStream::new(stdout, choice).lock(), style)
}

/// Writes `text` whole and flushes it. A reader that stopped early
/// (`recipe … | head`) wanted no more, so a broken pipe is no error.
///
/// ```
/// let mut out = Vec::new();
/// recipe_bins::cli::terminal::write_whole(&mut out, "no differences\n")?;
/// assert_eq!(out, b"no differences\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_whole(out: &mut dyn Write, text: &str) -> io::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        written => written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that has gone away.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_no_error() {
        assert!(write_whole(&mut ClosedPipe, "text\n").is_ok());
    }

    #[test]
    fn never_is_plain() {
        assert_eq!(styled_stdout(ColorWhen::Never).1, TextStyle::Plain);
        assert_eq!(styled_stdout(ColorWhen::Always).1, TextStyle::Color);
    }
}
