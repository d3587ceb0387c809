//! Writes the benchmark fixtures to `benches/fixtures/`.
//!
//! ```text
//! cargo run -p recipe-benches --bin make-fixtures
//! ```
//!
//! The output is deterministic (see `recipe_benches::generate`), so running
//! it again changes nothing unless the generator changed. Works from any
//! directory: the folder is found from this crate's manifest.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(&folder)?;
    for fixture in recipe_benches::generate::all() {
        for (side, text) in [("original", &fixture.original), ("make", &fixture.make)] {
            let path = folder.join(format!("{}.{side}.json", fixture.name));
            std::fs::write(&path, text)?;
            eprintln!("wrote {} ({} bytes)", path.display(), text.len());
        }
    }
    Ok(())
}
