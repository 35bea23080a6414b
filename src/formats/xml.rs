//! XML helpers shared by the TMX, XLIFF and JUnit code: escaping text and attribute values
//! for the writers (with the one escaper, `text::escape_markup`), and decoding the character
//! content of a quick-xml event for the readers. Parsing itself is quick-xml's work.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;

/// Escapes text content.
pub(crate) fn text(s: &str) -> String {
    crate::text::escape_markup(s, false)
}

/// Escapes an attribute value (quoted with `"`); line breaks and tabs are kept as character
/// references, which attribute normalisation would otherwise turn into spaces.
pub(crate) fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\t', "&#9;")
        .replace('\r', "&#13;")
}

/// The next event of a document read from memory, and the byte offset where it starts (or
/// that offset and why the XML is not well-formed there).
pub(crate) fn next<'a>(
    reader: &mut Reader<&'a [u8]>,
) -> Result<(usize, Event<'a>), (usize, String)> {
    let at = reader.buffer_position() as usize;
    match reader.read_event() {
        Ok(event) => Ok((at, event)),
        Err(e) => Err((at, format!("not well-formed XML: {e}"))),
    }
}

/// The characters a text, entity reference or CDATA event stands for; empty for any other
/// event. The error is a message without a place: the reader knows where it is.
pub(crate) fn content<'a>(event: &'a Event) -> Result<Cow<'a, str>, String> {
    match event {
        Event::Text(t) => t.xml_content().map_err(|e| format!("bad text: {e}")),
        Event::GeneralRef(r) => {
            let name = r.decode().map_err(|e| format!("bad entity: {e}"))?;
            crate::files::xml_reference(r)
                .map(|ch| Cow::Owned(ch.to_string()))
                .ok_or_else(|| format!("unknown entity &{name};"))
        }
        Event::CData(c) => Ok(String::from_utf8_lossy(c)),
        _ => Ok(Cow::Borrowed("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(text("a < b & c > d"), "a &lt; b &amp; c &gt; d");
        assert_eq!(text("bell\u{7}\u{fffe}"), "bell\u{fffd}\u{fffd}");
        assert_eq!(text("l'« été »\n"), "l'« été »\n");
        assert_eq!(attr("say \"hi\"\n\tok"), "say &quot;hi&quot;&#10;&#9;ok");
    }
}
