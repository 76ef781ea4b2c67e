//! Everything orgscan prints goes through here: text is neutralised for a terminal
//! ([`crate::safe_text`]) and a closed standard output (`orgscan policy list | head -1`) ends
//! the printing quietly, as ripgrep does: the command keeps its normal exit code and prints
//! no "Broken pipe" message. Other write errors on standard output are reported.
//!
//! `println!`, `print!` and `eprintln!` are redefined here for the whole crate (lib.rs declares
//! this module first, with `#[macro_use]`), so no print anywhere can panic on a closed pipe or
//! pass a raw ESC from org data to the terminal, including prints added later. Serialized
//! JSON goes through [`print_json`] instead (the terminal escape would not be valid JSON).

use crate::safe_text;
use std::io::{ErrorKind, Write};

/// `println!` through [`print`]: terminal-safe, quiet on a closed pipe.
macro_rules! println {
    () => { $crate::terminal::print_ignoring_errors("\n") };
    ($($arg:tt)*) => {
        $crate::terminal::print_ignoring_errors(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` through [`print`].
macro_rules! print {
    ($($arg:tt)*) => { $crate::terminal::print_ignoring_errors(&format!($($arg)*)) };
}

/// `eprintln!` through [`eprint`].
macro_rules! eprintln {
    () => { $crate::terminal::eprint("\n") };
    ($($arg:tt)*) => { $crate::terminal::eprint(&format!("{}\n", format_args!($($arg)*))) };
}

fn write_quietly(mut stream: impl Write, text: &str) -> std::io::Result<()> {
    match stream
        .write_all(text.as_bytes())
        .and_then(|()| stream.flush())
    {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Text to standard output, terminal-safe; a closed pipe is not an error.
pub fn print(text: &str) -> std::io::Result<()> {
    write_quietly(std::io::stdout().lock(), &safe_text::terminal(text))
}

/// Serialized JSON to standard output (hazards as JSON escapes, so the value is unchanged).
pub fn print_json(serialized: &str) -> std::io::Result<()> {
    write_quietly(std::io::stdout().lock(), &safe_text::json(serialized))
}

/// [`print`] for the `print!` macros, which have no way to return an error: a failed write
/// other than a closed pipe (a full disk behind a redirect) is reported on stderr once.
pub fn print_ignoring_errors(text: &str) {
    if let Err(e) = print(text) {
        eprint(&format!("error: writing to standard output: {e}\n"));
    }
}

/// Text to standard error, terminal-safe. Errors are ignored: there is nowhere left to
/// report them.
pub fn eprint(text: &str) {
    let _ = write_quietly(std::io::stderr().lock(), &safe_text::terminal(text));
}
