//! Rendered HTML kept compressed in memory.
//!
//! A page's body is rendered once and shown several times: on its own page, in the print
//! documents that include it, in the search index. Between rendering and the last of those,
//! every body of the site is held at once; packed with LZ4 (a few hundred MB/s to pack, over
//! a GB/s to unpack) they take a fraction of the room, which keeps the peak memory of a large
//! build low at little cost in time.

/// HTML packed with LZ4.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PackedHtml(Box<[u8]>);

impl PackedHtml {
    /// Packs `html`.
    pub fn pack(html: &str) -> PackedHtml {
        if html.is_empty() {
            return PackedHtml::default();
        }
        PackedHtml(lz4_flex::compress_prepend_size(html.as_bytes()).into_boxed_slice())
    }

    /// The HTML.
    pub fn unpack(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        // Packed by `pack` from a `&str`: both steps cannot fail short of memory corruption.
        let bytes = lz4_flex::decompress_size_prepended(&self.0).expect("packed HTML unpacks");
        String::from_utf8(bytes).expect("packed HTML is UTF-8")
    }

    /// The HTML, with its links to the site's root made from `root`
    /// ([`super::urls::with_root`]).
    pub fn rooted(&self, root: &str) -> String {
        super::urls::with_root(self.unpack(), root)
    }

    /// How many bytes the packed form takes.
    pub fn packed_len(&self) -> usize {
        self.0.len()
    }
}

impl std::fmt::Debug for PackedHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackedHtml({:?})", self.unpack())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_round_trips() {
        for html in ["", "<p>x</p>", &"<td class=\"num\">1,234</td>".repeat(500)] {
            let packed = PackedHtml::pack(html);
            assert_eq!(packed.unpack(), html);
        }
        let long = "<td class=\"num\">1,234</td>".repeat(500);
        assert!(PackedHtml::pack(&long).packed_len() < long.len() / 10);
    }
}
