//! XML escaping for the writers (TMX, XLIFF, JUnit): text and attribute values made safe
//! with the one escaper (`text::escape_markup`). Reading XML is quick-xml's work; this module
//! only writes.

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
