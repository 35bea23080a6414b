//! XLIFF 2.0 bilingual files, for CAT tools (OmegaT, Okapi, Trados, memoQ): written from an
//! aligned document, one `<unit>` per bead, and read back as pairs or as beads.
//!
//! The writer declares `srcLang`/`trgLang` and gives the `<file>` and every `<unit>` an id.
//! Each bead's sentence indices, type and confidence go into the Metadata module
//! (`<mda:metadata><mda:metaGroup category="passerelle"><mda:meta type="bead">[0]:[0,1]…`),
//! which tools keep but do not show, so that a round trip restores the alignment. The
//! segment's `state` is `translated` when the bead has a target and `initial` when it has
//! none; beads flagged for review also get `subState="passerelle:review"` and a `<note>`.
//! Beads with no source (a target sentence without counterpart) are written with an empty
//! `<source/>` so that the target text is not lost.
//!
//! The reader takes any XLIFF 2.0 file: several `<segment>`s in a unit are joined with the
//! text of `<ignorable>`s between them, inline `<pc>`/`<mrk>` keep their text and
//! placeholders (`<ph>`, `<sc>`, `<ec>`) are dropped. Data in, bytes out; nothing here prints.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::xml::{self, attr, text};
use crate::align::{AlignedDoc, Alignment, Bead};
use crate::error::{Error, Result};
use crate::text::{Lang, LineIndex};

use super::{AlignmentSpec, Files, Written};

/// `--format xliff`: `NAME.xlf`, XLIFF 2.0; `NAME` is the document's `original`.
pub const FORMAT: AlignmentSpec = AlignmentSpec {
    name: "xliff",
    describe: "XLIFF 2.0, a <unit> per bead (indices, type and score in mda:metadata)",
    files: Files::One(".xlf"),
    write: |doc, name| Written::One(write(doc, name)),
};

/// The XLIFF 2.0 core namespace.
pub const NAMESPACE: &str = "urn:oasis:names:tc:xliff:document:2.0";
/// The XLIFF 2.0 Metadata module namespace.
pub const METADATA_NAMESPACE: &str = "urn:oasis:names:tc:xliff:metadata:2.0";

/// Writes an aligned document as XLIFF 2.0; `name` becomes the `<file>`'s `original`.
pub fn write(doc: &AlignedDoc, name: &str) -> Vec<u8> {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<xliff xmlns=\"{NAMESPACE}\" xmlns:mda=\"{METADATA_NAMESPACE}\" version=\"2.0\" \
         srcLang=\"{}\" trgLang=\"{}\">\n",
        attr(doc.src_lang.code()),
        attr(doc.tgt_lang.code())
    ));
    out.push_str(&format!("  <file id=\"f1\" original=\"{}\">\n", attr(name)));
    for (k, bead) in doc.alignment.beads.iter().enumerate() {
        let (src, tgt) = doc.bead_text(bead);
        let review = doc.alignment.needs_review(bead);
        out.push_str(&format!("    <unit id=\"u{}\">\n", k + 1));
        out.push_str("      <mda:metadata>\n        <mda:metaGroup category=\"passerelle\">\n");
        out.push_str(&format!(
            "          <mda:meta type=\"bead\">{}:{}</mda:meta>\n",
            super::beads::list(bead.src.clone()),
            super::beads::list(bead.tgt.clone())
        ));
        out.push_str(&format!(
            "          <mda:meta type=\"type\">{}</mda:meta>\n",
            bead.kind()
        ));
        out.push_str(&format!(
            "          <mda:meta type=\"score\">{:.3}</mda:meta>\n",
            bead.score
        ));
        out.push_str("        </mda:metaGroup>\n      </mda:metadata>\n");
        if review {
            out.push_str(&format!(
                "      <notes>\n        <note category=\"passerelle\">Alignment confidence {:.3} \
                 is below {:.3}: check this pair.</note>\n      </notes>\n",
                bead.score, doc.alignment.review_below
            ));
        }
        let state = if tgt.is_empty() {
            "initial"
        } else {
            "translated"
        };
        let sub_state = if review {
            " subState=\"passerelle:review\""
        } else {
            ""
        };
        out.push_str(&format!(
            "      <segment state=\"{state}\"{sub_state}>\n        <source>{}</source>\n",
            text(&src)
        ));
        if !tgt.is_empty() {
            out.push_str(&format!("        <target>{}</target>\n", text(&tgt)));
        }
        out.push_str("      </segment>\n    </unit>\n");
    }
    out.push_str("  </file>\n</xliff>\n");
    out.into_bytes()
}

/// An XLIFF document as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// `srcLang` as written.
    pub src_lang: String,
    /// `trgLang` as written, when there is one.
    pub tgt_lang: Option<String>,
    pub units: Vec<Unit>,
}

impl Document {
    /// The beads passerelle recorded in the units, in order, with empty sides placed where
    /// their neighbours put them; `None` when a unit has no (or broken) bead metadata.
    pub fn alignment(&self) -> Option<Alignment> {
        let mut beads = Vec::with_capacity(self.units.len());
        let (mut next_src, mut next_tgt) = (0u32, 0u32);
        for u in &self.units {
            let (src, tgt) = u.bead_lists()?;
            let src = match src.is_empty() {
                true => next_src..next_src,
                false => super::beads::contiguous(&src)?,
            };
            let tgt = match tgt.is_empty() {
                true => next_tgt..next_tgt,
                false => super::beads::contiguous(&tgt)?,
            };
            if src.start != next_src || tgt.start != next_tgt {
                return None;
            }
            next_src = src.end;
            next_tgt = tgt.end;
            beads.push(Bead::new(
                src,
                tgt,
                u.score().unwrap_or(1.0).clamp(0.0, 1.0),
            ));
        }
        Some(Alignment {
            beads,
            review_below: 0.0,
        })
    }
}

/// One `<unit>`, its segments joined.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unit {
    pub id: String,
    /// The `original` of the `<file>` holding it.
    pub file: Option<String>,
    pub source: String,
    /// `None` when no segment has a `<target>`.
    pub target: Option<String>,
    /// `state` of the first segment.
    pub state: Option<String>,
    pub sub_state: Option<String>,
    /// Metadata entries (`type`, value) of the unit.
    pub meta: Vec<(String, String)>,
    /// Byte offset of the unit's first `<source>` in the file.
    pub at: usize,
}

impl Unit {
    pub fn meta(&self, kind: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, v)| v.as_str())
    }

    /// The bead's sentence index lists (`[1,2]:[1]`), when passerelle wrote them; an empty
    /// side has an empty list ([`Document::alignment`] places it).
    pub fn bead_lists(&self) -> Option<(Vec<u32>, Vec<u32>)> {
        let value = self.meta("bead")?;
        let beads = super::beads::read_index_beads(Path::new(""), value).ok()?;
        let b = beads.into_iter().next()?;
        Some((b.src, b.tgt))
    }

    /// The bead's confidence, when passerelle wrote it.
    pub fn score(&self) -> Option<f32> {
        self.meta("score")?.trim().parse().ok()
    }

    /// Whether the unit was flagged for review.
    pub fn review(&self) -> bool {
        self.sub_state.as_deref() == Some("passerelle:review")
    }
}

/// Where the reader is in a unit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Nothing,
    Source,
    Target,
    Ignorable,
    Meta,
}

/// Reads an XLIFF 2.0 document.
pub fn read_document(path: &Path, text: &str) -> Result<Document> {
    let index = LineIndex::new(text);
    let err = |at: usize, message: String| Error::Parse {
        path: path.to_path_buf(),
        line: index.line_col(text, at.min(text.len())).0,
        message,
    };
    let mut reader = Reader::from_str(text);
    let mut doc = Document::default();
    let mut saw_root = false;
    let mut file: Option<String> = None;
    let mut unit: Option<Unit> = None;
    let mut target_seen = false;
    let mut first_segment = true;
    let mut place = In::Nothing;
    let mut in_ignorable = false;
    let mut meta: Option<(String, String)> = None;
    let mut skip = 0usize; // depth inside placeholders and <originalData>
    loop {
        let (at, event) = xml::next(&mut reader).map_err(|(at, m)| err(at, m))?;
        match event {
            Event::Start(e) if skip > 0 => {
                let _ = e;
                skip += 1;
            }
            Event::End(_) if skip > 0 => skip -= 1,
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"xliff" => {
                        saw_root = true;
                        root(&e, &mut doc, path, at, &err)?;
                    }
                    b"file" => file = attribute(&e, b"original"),
                    b"unit" => {
                        unit = Some(Unit {
                            id: attribute(&e, b"id").unwrap_or_default(),
                            file: file.clone(),
                            at,
                            ..Unit::default()
                        });
                        target_seen = false;
                        first_segment = true;
                    }
                    b"segment" => {
                        if let Some(u) = unit.as_mut() {
                            if first_segment {
                                u.state = attribute(&e, b"state");
                                u.sub_state = attribute(&e, b"subState");
                            }
                            first_segment = false;
                        }
                    }
                    b"source" => {
                        if let Some(u) = unit.as_mut() {
                            if u.source.is_empty() && place == In::Nothing {
                                u.at = at;
                            }
                        }
                        place = if in_ignorable {
                            In::Ignorable
                        } else {
                            In::Source
                        };
                    }
                    // The source side of an <ignorable> went to both texts already.
                    b"target" if in_ignorable => place = In::Nothing,
                    b"target" => {
                        target_seen = true;
                        if let Some(u) = unit.as_mut() {
                            u.target.get_or_insert_with(String::new);
                        }
                        place = In::Target;
                    }
                    b"ignorable" => in_ignorable = true,
                    b"meta" => {
                        meta = Some((attribute(&e, b"type").unwrap_or_default(), String::new()));
                        place = In::Meta;
                    }
                    b"originalData" => skip = 1,
                    b"ph" | b"sc" | b"ec" | b"sm" | b"em" if place != In::Nothing => skip = 1,
                    _ => {}
                }
            }
            Event::Empty(e) if skip == 0 => match e.local_name().as_ref() {
                b"xliff" => {
                    saw_root = true;
                    root(&e, &mut doc, path, at, &err)?;
                }
                b"source" => {
                    if let Some(u) = unit.as_mut() {
                        if u.source.is_empty() {
                            u.at = at;
                        }
                    }
                }
                b"target" if !in_ignorable => {
                    target_seen = true;
                    if let Some(u) = unit.as_mut() {
                        u.target.get_or_insert_with(String::new);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"source" | b"target" => place = In::Nothing,
                b"ignorable" => {
                    in_ignorable = false;
                    place = In::Nothing;
                }
                b"meta" => {
                    if let (Some(u), Some(m)) = (unit.as_mut(), meta.take()) {
                        u.meta.push(m);
                    }
                    place = In::Nothing;
                }
                b"unit" => {
                    if let Some(mut u) = unit.take() {
                        if !target_seen {
                            u.target = None;
                        }
                        doc.units.push(u);
                    }
                }
                b"file" => file = None,
                _ => {}
            },
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) if skip == 0 => {
                let content = xml::content(&event).map_err(|m| err(at, m))?;
                push(&mut unit, &mut meta, place, &content);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(err(0, "not an XLIFF document (no <xliff> element)".into()));
    }
    Ok(doc)
}

fn push(unit: &mut Option<Unit>, meta: &mut Option<(String, String)>, place: In, s: &str) {
    match place {
        In::Meta => {
            if let Some((_, v)) = meta.as_mut() {
                v.push_str(s);
            }
        }
        In::Source | In::Ignorable => {
            if let Some(u) = unit.as_mut() {
                u.source.push_str(s);
                if place == In::Ignorable {
                    if let Some(t) = u.target.as_mut() {
                        t.push_str(s);
                    }
                }
            }
        }
        In::Target => {
            if let Some(t) = unit.as_mut().and_then(|u| u.target.as_mut()) {
                t.push_str(s);
            }
        }
        In::Nothing => {}
    }
}

fn root<F>(e: &BytesStart, doc: &mut Document, path: &Path, at: usize, err: &F) -> Result<()>
where
    F: Fn(usize, String) -> Error,
{
    let version = attribute(e, b"version").unwrap_or_default();
    if !version.starts_with('2') {
        return Err(err(
            at,
            format!(
                "XLIFF version '{version}' is not supported (passerelle reads XLIFF 2.x); {} \
                 looks like XLIFF 1.2",
                crate::error::show_path(path)
            ),
        ));
    }
    doc.src_lang = attribute(e, b"srcLang")
        .ok_or_else(|| err(at, "<xliff> has no srcLang attribute".into()))?;
    doc.tgt_lang = attribute(e, b"trgLang");
    Ok(())
}

fn attribute(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name || a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Checks that the file's languages are the ones asked for (primary subtags compared).
pub fn check_langs(path: &Path, doc: &Document, src_lang: &Lang, tgt_lang: &Lang) -> Result<()> {
    let same = |code: &str, lang: &Lang| Lang::parse(code).as_ref() == Some(lang);
    let tgt_ok = doc.tgt_lang.as_deref().is_none_or(|t| same(t, tgt_lang));
    if !same(&doc.src_lang, src_lang) || !tgt_ok {
        return Err(Error::Input(format!(
            "{}: the file is {} → {}, not {src_lang} → {tgt_lang} (give --src-lang and \
             --tgt-lang)",
            crate::error::show_path(path),
            doc.src_lang,
            doc.tgt_lang.as_deref().unwrap_or("?")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> AlignedDoc<'static> {
        AlignedDoc {
            src_lang: Lang::Fr,
            tgt_lang: Lang::En,
            src: vec!["Il a dit « non » & <rien>.", "Deux.", "Trois."],
            tgt: vec!["He said “no” & <nothing>.", "Two and three.", "Extra."],
            alignment: Alignment {
                beads: vec![
                    Bead::new(0..1, 0..1, 0.953),
                    Bead::new(1..3, 1..2, 0.41),
                    Bead::new(3..3, 2..3, 0.3),
                ],
                review_below: 0.5,
            },
        }
    }

    #[test]
    fn round_trip_keeps_text_indices_scores_and_flags() {
        let bytes = write(&doc(), "article");
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("srcLang=\"fr\" trgLang=\"en\""), "{text}");
        assert!(text.contains("subState=\"passerelle:review\""), "{text}");
        let back = read_document(Path::new("a.xlf"), &text).unwrap();
        assert_eq!(back.units.len(), 3);
        let u = &back.units[0];
        assert_eq!(u.id, "u1");
        assert_eq!(u.file.as_deref(), Some("article"));
        assert_eq!(u.source, "Il a dit « non » & <rien>.");
        assert_eq!(u.target.as_deref(), Some("He said “no” & <nothing>."));
        assert_eq!(u.bead_lists(), Some((vec![0], vec![0])));
        assert_eq!(u.score(), Some(0.953));
        assert!(!u.review());
        assert_eq!(
            back.alignment().unwrap().beads,
            doc()
                .alignment
                .beads
                .iter()
                .map(|b| Bead::new(
                    b.src.clone(),
                    b.tgt.clone(),
                    (b.score * 1000.0).round() / 1000.0
                ))
                .collect::<Vec<_>>()
        );
        assert_eq!(back.units[1].source, "Deux. Trois.");
        assert!(back.units[1].review());
        assert_eq!(back.units[2].source, "");
        assert_eq!(back.units[2].target.as_deref(), Some("Extra."));
        let read = |path: &Path, text: &str, src: &Lang, tgt: &Lang| {
            super::super::aligned::parse(path, text, src, tgt).map(|f| f.into_bitext(src, tgt))
        };
        let bitext = read(Path::new("a.xlf"), &text, &Lang::Fr, &Lang::En).unwrap();
        assert_eq!(bitext.pairs.len(), 3);
        assert!(bitext.pairs[1].low_confidence);
        assert!(read(
            Path::new("a.xlf"),
            &text,
            &Lang::Other("de".into()),
            &Lang::En
        )
        .is_err());
    }

    #[test]
    fn reads_what_cat_tools_write() {
        let text = r#"<?xml version="1.0"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="fr-FR" trgLang="en-US">
 <file id="f"><unit id="1">
  <originalData><data id="d1">&lt;b&gt;</data></originalData>
  <segment><source>Le <pc id="1">nuage</pc><ph id="2" dataRef="d1"/>.</source><target>The <pc id="1">cloud</pc>.</target></segment>
  <ignorable><source> </source></ignorable>
  <segment><source>Fin.</source><target>End.</target></segment>
 </unit><unit id="2"><segment><source>Seul.</source></segment></unit></file>
</xliff>"#;
        let doc = read_document(Path::new("t.xlf"), text).unwrap();
        assert_eq!(doc.units[0].source, "Le nuage. Fin.");
        assert_eq!(doc.units[0].target.as_deref(), Some("The cloud. End."));
        assert_eq!(doc.units[1].target, None);
        assert_eq!(doc.alignment(), None);
        check_langs(Path::new("t.xlf"), &doc, &Lang::Fr, &Lang::En).unwrap();
    }

    #[test]
    fn errors_name_the_line() {
        let e = read_document(
            Path::new("x.xlf"),
            "<xliff version=\"2.0\" srcLang=\"fr\">\n<file>\n</unit>",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("x.xlf:3: not well-formed"), "{e}");
        let e = read_document(Path::new("x.xlf"), "<tmx/>").unwrap_err();
        assert!(e.to_string().contains("not an XLIFF document"), "{e}");
        let e = read_document(Path::new("x.xlf"), "<xliff version=\"1.2\"/>").unwrap_err();
        assert!(e.to_string().contains("XLIFF 1.2"), "{e}");
    }
}
