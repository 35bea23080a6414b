//! TMX 1.4b translation memories: written from an aligned document (one `<tu>` per bead with
//! text on both sides, carrying the bead's indices and score as `<prop>`s), and read back as
//! pairs for checking or as a memory.
//!
//! Reading accepts what CAT tools write: any number of `<tuv>` per `<tu>`, the language in
//! `xml:lang` (or `lang` in TMX 1.1), region subtags (`fr-FR` matches `fr`), and inline
//! markup inside `<seg>` (the text of `<hi>`/`<sub>` is kept, native codes in
//! `<bpt>`/`<ept>`/`<ph>`/`<it>` are dropped).

use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::beads::list;
use super::xml::{self, text};
use crate::align::AlignedDoc;
use crate::error::{Error, Result};
use crate::text::{Lang, LineIndex};

use super::{AlignmentSpec, Files, Written};

/// `--format tmx`: `NAME.tmx`, TMX 1.4b.
pub const FORMAT: AlignmentSpec = AlignmentSpec {
    name: "tmx",
    describe: "TMX 1.4b, a <tu> per bead with text on both sides",
    files: Files::One(".tmx"),
    write: |doc, _| Written::One(write(doc)),
};

/// Writes an aligned document as TMX 1.4b.
pub fn write(doc: &AlignedDoc) -> Vec<u8> {
    let (src_lang, tgt_lang) = (doc.src_lang.code(), doc.tgt_lang.code());
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n");
    out.push_str(&format!(
        "  <header creationtool=\"passerelle\" creationtoolversion=\"{}\" segtype=\"sentence\" \
         o-tmf=\"passerelle\" adminlang=\"en\" srclang=\"{src_lang}\" datatype=\"plaintext\"/>\n  <body>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for bead in &doc.alignment.beads {
        if bead.src.is_empty() || bead.tgt.is_empty() {
            continue;
        }
        let (src, tgt) = doc.bead_text(bead);
        out.push_str("    <tu>\n");
        out.push_str(&format!(
            "      <prop type=\"x-passerelle-bead\">{}</prop>\n      <prop type=\"x-passerelle-score\">{:.3}</prop>\n",
            text(&format!("{}:{}", list(bead.src.clone()), list(bead.tgt.clone()))),
            bead.score
        ));
        if doc.alignment.needs_review(bead) {
            out.push_str("      <prop type=\"x-passerelle-review\">yes</prop>\n");
        }
        out.push_str(&format!(
            "      <tuv xml:lang=\"{src_lang}\"><seg>{}</seg></tuv>\n",
            text(&src)
        ));
        out.push_str(&format!(
            "      <tuv xml:lang=\"{tgt_lang}\"><seg>{}</seg></tuv>\n",
            text(&tgt)
        ));
        out.push_str("    </tu>\n");
    }
    out.push_str("  </body>\n</tmx>\n");
    out.into_bytes()
}

/// One translation unit as read: its variants by language, and its properties.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unit {
    /// (language code as written, segment text, byte offset of the `<seg>` in the file)
    pub variants: Vec<(String, String, usize)>,
    pub props: Vec<(String, String)>,
}

impl Unit {
    /// The text of the first variant in `lang` (primary subtag compared).
    pub fn text(&self, lang: &Lang) -> Option<(&str, usize)> {
        self.variants
            .iter()
            .find(|(code, _, _)| Lang::parse(code).as_ref() == Some(lang))
            .map(|(_, text, at)| (text.as_str(), *at))
    }

    pub fn prop(&self, kind: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads all translation units of a TMX document.
pub fn read_units(path: &Path, text: &str) -> Result<Vec<Unit>> {
    let index = LineIndex::new(text);
    let err = |at: usize, message: String| Error::Parse {
        path: path.to_path_buf(),
        line: index.line_col(text, at).0,
        message,
    };
    let mut reader = Reader::from_str(text);
    let mut units = Vec::new();
    let mut unit: Option<Unit> = None;
    let mut lang: Option<String> = None;
    let mut seg: Option<(String, usize)> = None;
    let mut prop: Option<(String, String)> = None;
    let mut skip_depth = 0usize; // inside native-code elements whose text is not content
    let mut saw_tmx = false;
    loop {
        let (at, event) = xml::next(&mut reader).map_err(|(at, m)| err(at, m))?;
        match event {
            Event::Start(e) if skip_depth > 0 && is_native_code(e.local_name().as_ref()) => {
                skip_depth += 1
            }
            Event::Start(_) if skip_depth > 0 => {}
            Event::Start(e) => match e.local_name().as_ref() {
                b"tmx" => saw_tmx = true,
                b"tu" => unit = Some(Unit::default()),
                b"tuv" => {
                    lang = attribute(&e, &[b"xml:lang", b"lang"]);
                }
                b"seg" => seg = Some((String::new(), at)),
                b"prop" => {
                    prop = Some((attribute(&e, &[b"type"]).unwrap_or_default(), String::new()))
                }
                name if seg.is_some() && is_native_code(name) => skip_depth = 1,
                _ => {}
            },
            Event::End(e) if skip_depth > 0 && is_native_code(e.local_name().as_ref()) => {
                skip_depth -= 1
            }
            Event::End(_) if skip_depth > 0 => {}
            Event::End(e) => match e.local_name().as_ref() {
                b"tu" => {
                    if let Some(u) = unit.take() {
                        units.push(u);
                    }
                }
                b"seg" => {
                    if let (Some(u), Some((text, at))) = (unit.as_mut(), seg.take()) {
                        let code = lang
                            .clone()
                            .ok_or_else(|| err(at, "<tuv> without xml:lang".into()))?;
                        u.variants.push((code, text, at));
                    }
                }
                b"prop" => {
                    if let (Some(u), Some(p)) = (unit.as_mut(), prop.take()) {
                        u.props.push(p);
                    }
                }
                _ => {}
            },
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) if skip_depth == 0 => {
                let content = xml::content(&event).map_err(|m| err(at, m))?;
                if let Some((s, _)) = seg.as_mut() {
                    s.push_str(&content);
                } else if let Some((_, v)) = prop.as_mut() {
                    v.push_str(&content);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_tmx {
        return Err(err(0, "not a TMX document (no <tmx> element)".into()));
    }
    Ok(units)
}

/// Inline elements whose content is the original format's code, not translatable text.
fn is_native_code(name: &[u8]) -> bool {
    matches!(name, b"bpt" | b"ept" | b"ph" | b"it" | b"ut")
}

fn attribute(e: &quick_xml::events::BytesStart, names: &[&[u8]]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| names.contains(&a.key.as_ref()))
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}
