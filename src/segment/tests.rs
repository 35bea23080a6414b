//! Tables of segmentation cases, one per phenomenon, in French, English and German, plus the
//! span invariants on arbitrary text.

use super::*;
use proptest::prelude::*;

fn split(lang: Lang, text: &str) -> Vec<String> {
    Segmenter::new(lang)
        .segment(text)
        .iter()
        .map(|s| s.span.slice(text).to_string())
        .collect()
}

#[track_caller]
fn check(lang: Lang, cases: &[(&str, &[&str])]) {
    let mut failures = Vec::new();
    for (text, expected) in cases {
        let got = split(lang.clone(), text);
        if got != *expected {
            failures.push(format!(
                "{text:?}\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn french_abbreviations() {
    check(
        Lang::Fr,
        &[
            (
                "M. Dupont est arrivé. Il est parti.",
                &["M. Dupont est arrivé.", "Il est parti."],
            ),
            (
                "MM. Dupont et Durand sont là.",
                &["MM. Dupont et Durand sont là."],
            ),
            (
                "Mme Curie et Dr. House parlent.",
                &["Mme Curie et Dr. House parlent."],
            ),
            (
                "Le Dr. Martin et le Pr. Leroy.",
                &["Le Dr. Martin et le Pr. Leroy."],
            ),
            (
                "Il habite St-Denis, près de la gare.",
                &["Il habite St-Denis, près de la gare."],
            ),
            (
                "Voir la p. 12, cf. chap. 3 et art. 5.",
                &["Voir la p. 12, cf. chap. 3 et art. 5."],
            ),
            (
                "Des fruits, p. ex. des pommes.",
                &["Des fruits, p. ex. des pommes."],
            ),
            (
                "C'est simple, c.-à-d. facile.",
                &["C'est simple, c.-à-d. facile."],
            ),
            (
                "Né en 52 av. J.-C. à Rome.",
                &["Né en 52 av. J.-C. à Rome."],
            ),
            (
                "Le n° 5 et le vol. 2 sont là.",
                &["Le n° 5 et le vol. 2 sont là."],
            ),
            ("Il y a env. 30 personnes.", &["Il y a env. 30 personnes."]),
            (
                "Notice de l'éd. Jean Marx.",
                &["Notice de l'éd. Jean Marx."],
            ),
            (
                "Pommes, poires, etc. et le reste.",
                &["Pommes, poires, etc. et le reste."],
            ),
            // An abbreviation that really ends the sentence.
            (
                "Il a des pommes, des poires, etc. Il les mange.",
                &["Il a des pommes, des poires, etc.", "Il les mange."],
            ),
            (
                "Ils achètent du pain, du lait, etc. Microsoft vend.",
                &["Ils achètent du pain, du lait, etc.", "Microsoft vend."],
            ),
            (
                "Il travaille chez Dupont et Cie. Il y est bien.",
                &["Il travaille chez Dupont et Cie.", "Il y est bien."],
            ),
            (
                "Il travaille pour Tiffany & Co. à Paris.",
                &["Il travaille pour Tiffany & Co. à Paris."],
            ),
        ],
    );
}

#[test]
fn french_initials_against_a_final_capital() {
    check(
        Lang::Fr,
        &[
            (
                "Il a lu J.-P. Sartre hier.",
                &["Il a lu J.-P. Sartre hier."],
            ),
            (
                "Je suis E. Macron de France.",
                &["Je suis E. Macron de France."],
            ),
            ("Il a cité M. J. Dupont.", &["Il a cité M. J. Dupont."]),
            (
                "Il prend de la vitamine C. Elle est bonne pour la santé.",
                &[
                    "Il prend de la vitamine C.",
                    "Elle est bonne pour la santé.",
                ],
            ),
            (
                "Le groupe est classé en catégorie B. Les autres suivent.",
                &[
                    "Le groupe est classé en catégorie B.",
                    "Les autres suivent.",
                ],
            ),
        ],
    );
}

#[test]
fn french_numbers_dates_and_ordinals() {
    check(
        Lang::Fr,
        &[
            (
                "Le 50e anniversaire et le 1er mai.",
                &["Le 50e anniversaire et le 1er mai."],
            ),
            (
                "Au XIXe s. la ville grandit.",
                &["Au XIXe s. la ville grandit."],
            ),
            (
                "La ville a grandi au XIXe s. Les usines sont arrivées.",
                &["La ville a grandi au XIXe s.", "Les usines sont arrivées."],
            ),
            (
                "Louis XIV. Le roi est mort.",
                &["Louis XIV.", "Le roi est mort."],
            ),
            (
                "Il a 3,5 % de plus. Il a gagné.",
                &["Il a 3,5 % de plus.", "Il a gagné."],
            ),
            (
                "Soit 1\u{202f}000\u{202f}000 d'euros. Le total.",
                &["Soit 1\u{202f}000\u{202f}000 d'euros.", "Le total."],
            ),
            (
                "Il y a 1.000 personnes et 12.5 litres.",
                &["Il y a 1.000 personnes et 12.5 litres."],
            ),
            (
                "Le 12.07.2010 à 14 h 30. Puis rien.",
                &["Le 12.07.2010 à 14 h 30.", "Puis rien."],
            ),
            (
                "Il est né en 2015. 2016 fut pire.",
                &["Il est né en 2015.", "2016 fut pire."],
            ),
        ],
    );
}

#[test]
fn french_ellipses_and_double_punctuation() {
    check(
        Lang::Fr,
        &[
            (
                "Je suis Chris... Comment allez-vous ?",
                &["Je suis Chris...", "Comment allez-vous ?"],
            ),
            (
                "Je suis Chris… Comment allez-vous ?",
                &["Je suis Chris…", "Comment allez-vous ?"],
            ),
            (
                "Arrête... ça ne donnera rien.",
                &["Arrête... ça ne donnera rien."],
            ),
            (
                "Vraiment ?! Oui !? Bon.",
                &["Vraiment ?!", "Oui !?", "Bon."],
            ),
            ("Comment ça va … ? Bien.", &["Comment ça va … ?", "Bien."]),
            (
                "Des amis (Tom, Lisa, ...) et moi.",
                &["Des amis (Tom, Lisa, ...) et moi."],
            ),
            ("Je suis Chris ??? Oui.", &["Je suis Chris ???", "Oui."]),
        ],
    );
}

#[test]
fn french_guillemets_and_dialogue() {
    check(
        Lang::Fr,
        &[
            (
                "Il a dit « bonjour ». Elle a répondu.",
                &["Il a dit « bonjour ».", "Elle a répondu."],
            ),
            (
                "« Le film était bien ? » « Il était énorme ! »",
                &["« Le film était bien ? »", "« Il était énorme ! »"],
            ),
            (
                "« Madame est dans sa chambre. » dit le serviteur.",
                &["« Madame est dans sa chambre. » dit le serviteur."],
            ),
            (
                "« L'État, c'est moi ! » dit le roi.",
                &["« L'État, c'est moi ! » dit le roi."],
            ),
            (
                "Qu'en dites-vous ? demanda-t-il.",
                &["Qu'en dites-vous ? demanda-t-il."],
            ),
            (
                "Qu'en dites-vous ?, demanda-t-il.",
                &["Qu'en dites-vous ?, demanda-t-il."],
            ),
            // No-break and narrow no-break spaces before ? ! and inside the guillemets.
            (
                "«\u{a0}Vraiment\u{a0}?\u{a0}» Il rit\u{202f}! Puis il part.",
                &[
                    "«\u{a0}Vraiment\u{a0}?\u{a0}»",
                    "Il rit\u{202f}!",
                    "Puis il part.",
                ],
            ),
            (
                "Il a crié : « Partez ! » Puis il est sorti.",
                &["Il a crié : « Partez ! »", "Puis il est sorti."],
            ),
            (
                "Il a dit « c'est fini ». Ensuite, rien.",
                &["Il a dit « c'est fini ».", "Ensuite, rien."],
            ),
            (
                "— Bonjour, dit-il. — Salut.",
                &["— Bonjour, dit-il.", "— Salut."],
            ),
            (
                "« Pourquoi ? » Lopez a crié en partant.",
                &["« Pourquoi ? » Lopez a crié en partant."],
            ),
        ],
    );
}

#[test]
fn french_parentheses() {
    check(
        Lang::Fr,
        &[
            (
                "Je suis Chris (Christopher ?). Et toi ?",
                &["Je suis Chris (Christopher ?).", "Et toi ?"],
            ),
            (
                "Il est parti (il était tard. vraiment) puis revenu.",
                &["Il est parti (il était tard. vraiment) puis revenu."],
            ),
            (
                "Je suis Chris (...). comment allez vous",
                &["Je suis Chris (...).", "comment allez vous"],
            ),
            (
                "Des pays (Italie, Espagne, etc.) C'est à Dakhla que tout a commencé.",
                &[
                    "Des pays (Italie, Espagne, etc.)",
                    "C'est à Dakhla que tout a commencé.",
                ],
            ),
            // An unbalanced bracket does not swallow the rest of the paragraph.
            (
                "Un ( ouvert. Il continue. Et finit.",
                &["Un ( ouvert.", "Il continue.", "Et finit."],
            ),
        ],
    );
}

#[test]
fn urls_emails_files_and_versions() {
    check(
        Lang::Fr,
        &[
            (
                "Voir https://example.com/a.b?c=D. Merci.",
                &["Voir https://example.com/a.b?c=D.", "Merci."],
            ),
            (
                "Écrivez à jean.Dupont@example.fr. Merci.",
                &["Écrivez à jean.Dupont@example.fr.", "Merci."],
            ),
            (
                "Le site www.Example.org est en ligne.",
                &["Le site www.Example.org est en ligne."],
            ),
            (
                "Ouvrez config.json et lancez v1.2.3 maintenant.",
                &["Ouvrez config.json et lancez v1.2.3 maintenant."],
            ),
            (
                "Le fichier .bashrc est lu. Puis le reste.",
                &["Le fichier .bashrc est lu.", "Puis le reste."],
            ),
            (
                "Appelez Console.WriteLine ici.",
                &["Appelez Console.WriteLine ici."],
            ),
            (
                "Il utilise .NET depuis 2010.",
                &["Il utilise .NET depuis 2010."],
            ),
        ],
    );
}

#[test]
fn glued_sentences_from_scraped_html() {
    check(
        Lang::Fr,
        &[
            (
                "Il a parlé lundi.Joe Lopez est ingénieur.",
                &["Il a parlé lundi.", "Joe Lopez est ingénieur."],
            ),
            (
                "Par Azure ?»Chers collègues, bonjour.",
                &["Par Azure ?»", "Chers collègues, bonjour."],
            ),
            (
                "Par Azure ? »Chers collègues, bonjour.",
                &["Par Azure ? »", "Chers collègues, bonjour."],
            ),
            (
                "De la marque ?Jusqu'où aller ?",
                &["De la marque ?", "Jusqu'où aller ?"],
            ),
            (
                "Chez Microsoft.C'est alors que.",
                &["Chez Microsoft.", "C'est alors que."],
            ),
            (
                "Face à Satya Nadella.« Satya, non », a-t-il crié.",
                &["Face à Satya Nadella.", "« Satya, non », a-t-il crié."],
            ),
            (
                "Une relation standard ».Cette protestation suit.",
                &["Une relation standard ».", "Cette protestation suit."],
            ),
            (
                "Chers collègues,Vous avez vu la keynote.",
                &["Chers collègues,", "Vous avez vu la keynote."],
            ),
            ("Paris,Lyon et Marseille.", &["Paris,Lyon et Marseille."]),
            (
                "Il a acheté 1,000.That is all.",
                &["Il a acheté 1,000.", "That is all."],
            ),
        ],
    );
}

#[test]
fn headings_and_lists_without_punctuation() {
    check(
        Lang::Fr,
        &[
            (
                "Introduction\nLe texte commence ici et continue longtemps.",
                &[
                    "Introduction",
                    "Le texte commence ici et continue longtemps.",
                ],
            ),
            (
                "Courses\n- pain\n- lait\n- beurre",
                &["Courses", "- pain", "- lait", "- beurre"],
            ),
            (
                "fruits\nlégumes frais\nviandes, poissons\n",
                &["fruits", "légumes frais", "viandes, poissons"],
            ),
            (
                "1. Le premier point 2. Le second point",
                &["1. Le premier point", "2. Le second point"],
            ),
            (
                "a) Le premier b) Le second c) Le dernier",
                &["a) Le premier", "b) Le second", "c) Le dernier"],
            ),
            (
                "• Un point • Un autre point",
                &["• Un point", "• Un autre point"],
            ),
            (
                "Ceci est une phrase coupée\nen plein milieu par un retour.",
                &["Ceci est une phrase coupée\nen plein milieu par un retour."],
            ),
            (
                "Une ligne assez longue qui a été coupée par le\nPrésident lui-même, dit-on.",
                &["Une ligne assez longue qui a été coupée par le\nPrésident lui-même, dit-on."],
            ),
        ],
    );
}

#[test]
fn paragraphs_are_hard_boundaries() {
    let text = "Titre sans point\n\n\n  Premier paragraphe.\r\n\r\nSecond, sur\ndeux lignes.";
    let segs = Segmenter::new(Lang::Fr).segment(text);
    let got: Vec<(u32, &str)> = segs
        .iter()
        .map(|s| (s.paragraph, s.span.slice(text)))
        .collect();
    assert_eq!(
        got,
        [
            (0, "Titre sans point"),
            (1, "Premier paragraphe."),
            (2, "Second, sur\ndeux lignes.")
        ]
    );
    assert_eq!(segs.iter().map(|s| s.id).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn lost_punctuation_before_a_capitalised_pronoun() {
    check(
        Lang::Fr,
        &[
            (
                "Ils ont fait un excellent travail Ils sont à Cherbourg.",
                &["Ils ont fait un excellent travail", "Ils sont à Cherbourg."],
            ),
            (
                "C'est l'adresse de la mairie C'est rare.",
                &["C'est l'adresse de la mairie", "C'est rare."],
            ),
            // Not a pronoun, or not mid-sentence: nothing to do.
            (
                "Il lit Le Monde tous les jours.",
                &["Il lit Le Monde tous les jours."],
            ),
            (
                "Il dit « Je viens » souvent.",
                &["Il dit « Je viens » souvent."],
            ),
        ],
    );
    // English has no such rule ("you and I went").
    check(
        Lang::En,
        &[(
            "Between you and I went there.",
            &["Between you and I went there."],
        )],
    );
}

#[test]
fn semicolon_before_a_sentence_start() {
    check(
        Lang::Fr,
        &[
            (
                "On n'en revenait pas ; Selon ce discours, tout change.",
                &["On n'en revenait pas ;", "Selon ce discours, tout change."],
            ),
            (
                "On n'en revenait pas ; selon ce discours, tout change.",
                &["On n'en revenait pas ; selon ce discours, tout change."],
            ),
            ("Il y a Paris ; Lyon suit.", &["Il y a Paris ; Lyon suit."]),
        ],
    );
}

#[test]
fn english() {
    check(
        Lang::En,
        &[
            (
                "Mr. Smith met Dr. Jones. They talked.",
                &["Mr. Smith met Dr. Jones.", "They talked."],
            ),
            (
                "I live in the U.S. How about you?",
                &["I live in the U.S.", "How about you?"],
            ),
            (
                "I work for the U.S. Government in Virginia.",
                &["I work for the U.S. Government in Virginia."],
            ),
            (
                "Fruit, e.g. apples, i.e. food.",
                &["Fruit, e.g. apples, i.e. food."],
            ),
            (
                "At 5 a.m. Mr. Smith went to the bank. He left at 6 P.M. Mr. Smith then went home.",
                &[
                    "At 5 a.m. Mr. Smith went to the bank.",
                    "He left at 6 P.M.",
                    "Mr. Smith then went home.",
                ],
            ),
            (
                "My name is Jonas E. Smith.",
                &["My name is Jonas E. Smith."],
            ),
            (
                "She has $100.00. It is in her bag.",
                &["She has $100.00.", "It is in her bag."],
            ),
            (
                "It costs 3.5 dollars. Cheap.",
                &["It costs 3.5 dollars.", "Cheap."],
            ),
            (
                "She said, \"This is great.\" she smiled.",
                &["She said, \"This is great.\" she smiled."],
            ),
            (
                "She said, \"This is great.\" She left.",
                &["She said, \"This is great.\"", "She left."],
            ),
            (
                "Hello!! Long time no see.",
                &["Hello!!", "Long time no see."],
            ),
            (
                "“Why aren't they reacting?” I asked myself.",
                &["“Why aren't they reacting?” I asked myself."],
            ),
            (
                "“Why?” She held the book out.",
                &["“Why?”", "She held the book out."],
            ),
            (
                "She works at Yahoo! in accounting.",
                &["She works at Yahoo! in accounting."],
            ),
            (
                "We make a good team, you and I. Did you see Albert I. Jones?",
                &[
                    "We make a good team, you and I.",
                    "Did you see Albert I. Jones?",
                ],
            ),
            (
                "Hello world.Today is Tuesday.",
                &["Hello world.", "Today is Tuesday."],
            ),
        ],
    );
}

#[test]
fn other_languages_use_generic_rules() {
    // Dutch has no profile: Unicode boundaries with the language-independent guards.
    check(
        Lang::Other("nl".into()),
        &[
            ("Dat is goed. Wij gaan.", &["Dat is goed.", "Wij gaan."]),
            (
                "Is het goed? Ja! Zeker.",
                &["Is het goed?", "Ja!", "Zeker."],
            ),
            ("Hij kent J. Jansen goed.", &["Hij kent J. Jansen goed."]),
            ("Hij zegt o.a. niets.", &["Hij zegt o.a. niets."]),
            // Without German's profile, "3." before a capital ends a sentence.
            ("Het was 3. Mei kwam.", &["Het was 3.", "Mei kwam."]),
        ],
    );
}

#[test]
fn german_ordinals_and_dates() {
    check(
        Lang::parse("de").unwrap(),
        &[
            (
                "Er kam am 3. Mai nach Berlin.",
                &["Er kam am 3. Mai nach Berlin."],
            ),
            (
                "Der 2. Weltkrieg endete 1945. Danach begann der Wiederaufbau.",
                &[
                    "Der 2. Weltkrieg endete 1945.",
                    "Danach begann der Wiederaufbau.",
                ],
            ),
            (
                "Im 19. Jahrhundert wuchs die Stadt. Sie hat heute 3,5 Millionen Einwohner.",
                &[
                    "Im 19. Jahrhundert wuchs die Stadt.",
                    "Sie hat heute 3,5 Millionen Einwohner.",
                ],
            ),
            (
                "Das Gesetz gilt ab dem 1. Januar 2024. Es ersetzt die alte Regel.",
                &[
                    "Das Gesetz gilt ab dem 1. Januar 2024.",
                    "Es ersetzt die alte Regel.",
                ],
            ),
            (
                "Heute ist der 3. Oktober. Wir feiern.",
                &["Heute ist der 3. Oktober.", "Wir feiern."],
            ),
            (
                "Die Messe läuft vom 3. bis 5. Mai in Köln.",
                &["Die Messe läuft vom 3. bis 5. Mai in Köln."],
            ),
            (
                "Zum 100. Geburtstag kamen alle.",
                &["Zum 100. Geburtstag kamen alle."],
            ),
            // Without a space, as in quick writing.
            ("Er kam am 3.Mai an.", &["Er kam am 3.Mai an."]),
            // A sentence ending in a number breaks before a word that typically opens one.
            (
                "Es waren 3. Dann ging er.",
                &["Es waren 3.", "Dann ging er."],
            ),
            (
                "Die Antwort ist 42. Sie stimmt.",
                &["Die Antwort ist 42.", "Sie stimmt."],
            ),
            (
                "Das kostet 20 Euro. Wir zahlen.",
                &["Das kostet 20 Euro.", "Wir zahlen."],
            ),
            // Ambiguous: a number, a period, a capitalised noun. Read as an ordinal.
            (
                "Es waren 12. Mitglieder kamen später.",
                &["Es waren 12. Mitglieder kamen später."],
            ),
            // Roman numerals after a ruler's name are ordinals too.
            (
                "Wilhelm II. dankte 1918 ab. Ludwig XIV. regierte lange.",
                &["Wilhelm II. dankte 1918 ab.", "Ludwig XIV. regierte lange."],
            ),
            // A closing quote after the number ends the sentence.
            (
                "Er rief: „Wir sind 3.“ Dann lachte er.",
                &["Er rief: „Wir sind 3.“", "Dann lachte er."],
            ),
            // At the start of a paragraph "1." is a list marker, as in every language.
            (
                "1. Einleitung 2. Methoden",
                &["1. Einleitung", "2. Methoden"],
            ),
        ],
    );
}

#[test]
fn german_abbreviations() {
    check(
        Lang::parse("de").unwrap(),
        &[
            (
                "Das ist z. B. gut. Er geht.",
                &["Das ist z. B. gut.", "Er geht."],
            ),
            ("Das ist z.B. gut. Er geht.", &["Das ist z.B. gut.", "Er geht."]),
            ("Dr. Müller kommt.", &["Dr. Müller kommt."]),
            (
                "Prof. Dr. Schmidt und Hr. Meier kamen. Fr. Weber fehlte.",
                &["Prof. Dr. Schmidt und Hr. Meier kamen.", "Fr. Weber fehlte."],
            ),
            (
                "Das heißt, d. h. wir gehen. Vgl. S. 12 und Abs. 3, Art. 5 GG.",
                &["Das heißt, d. h. wir gehen.", "Vgl. S. 12 und Abs. 3, Art. 5 GG."],
            ),
            (
                "Er kaufte ca. 20 Äpfel, Birnen usw. und ging.",
                &["Er kaufte ca. 20 Äpfel, Birnen usw. und ging."],
            ),
            (
                "Wir kauften Äpfel, Birnen usw. Dann gingen wir.",
                &["Wir kauften Äpfel, Birnen usw.", "Dann gingen wir."],
            ),
            (
                "Die Stadt hat 2 Mio. Einwohner. Sie wächst.",
                &["Die Stadt hat 2 Mio. Einwohner.", "Sie wächst."],
            ),
            (
                "Er wohnt in der Berliner Str. 5 bzw. ggf. inkl. Keller, evtl. u. a. mit Garten.",
                &["Er wohnt in der Berliner Str. 5 bzw. ggf. inkl. Keller, evtl. u. a. mit Garten."],
            ),
            (
                "Nr. 5 ist bzgl. der Kosten gut. Das war im 3. Jh. v. Chr. so.",
                &["Nr. 5 ist bzgl. der Kosten gut.", "Das war im 3. Jh. v. Chr. so."],
            ),
        ],
    );
}

#[test]
fn german_quotes_questions_and_numbers() {
    check(
        Lang::parse("de").unwrap(),
        &[
            (
                "„Kommst du mit?“ Er nickte.",
                &["„Kommst du mit?“", "Er nickte."],
            ),
            (
                "„Kommst du mit?“, fragte sie. Er nickte.",
                &["„Kommst du mit?“, fragte sie.", "Er nickte."],
            ),
            (
                "Er sagte: „Ich komme.“ Dann ging er.",
                &["Er sagte: „Ich komme.“", "Dann ging er."],
            ),
            (
                "»Warum?« fragte sie. »Darum!« Er lachte.",
                &["»Warum?« fragte sie.", "»Darum!«", "Er lachte."],
            ),
            (
                "Er ging. »Warum?«, fragte sie.",
                &["Er ging.", "»Warum?«, fragte sie."],
            ),
            (
                "Er sagte: ‚Nein.‘ Sie schwieg.",
                &["Er sagte: ‚Nein.‘", "Sie schwieg."],
            ),
            // Swiss German uses the French guillemets, without spaces.
            ("«Kommst du?» Er nickte.", &["«Kommst du?»", "Er nickte."]),
            (
                "»Dr. Müller kommt.« Sie wartet.",
                &["»Dr. Müller kommt.«", "Sie wartet."],
            ),
            (
                "Die Inflation lag bei 3,5 Prozent. Das ist viel!",
                &["Die Inflation lag bei 3,5 Prozent.", "Das ist viel!"],
            ),
            (
                "Wie geht es dir? Gut! Und dir?",
                &["Wie geht es dir?", "Gut!", "Und dir?"],
            ),
            ("Wirklich?! Ja… Na gut.", &["Wirklich?!", "Ja…", "Na gut."]),
            (
                "Der Preis stieg um 1.000 Euro. Die Kunden klagten.",
                &["Der Preis stieg um 1.000 Euro.", "Die Kunden klagten."],
            ),
        ],
    );
}

#[test]
fn edge_inputs() {
    check(
        Lang::Fr,
        &[
            ("", &[]),
            ("   \n\n \u{a0}\n", &[]),
            ("\u{feff}Bonjour. Salut.", &["Bonjour.", "Salut."]),
        ],
    );
    check(
        Lang::Fr,
        &[
            ("...", &["..."]),
            ("?!", &["?!"]),
            ("a", &["a"]),
            (". . .", &[". . ."]),
        ],
    );
}

#[test]
fn spans_count_bytes_of_non_ascii_input() {
    let text = "\u{feff}« Été ? » Oui. Ça coûte 4,20 €. Fin.";
    let segs = Segmenter::new(Lang::Fr).segment(text);
    let spans: Vec<(usize, usize)> = segs.iter().map(|s| (s.span.start, s.span.end)).collect();
    assert_eq!(
        spans[0].0, 3,
        "the BOM is 3 bytes and belongs to no sentence"
    );
    let texts: Vec<&str> = segs.iter().map(|s| &text[s.span.range()]).collect();
    assert_eq!(texts, ["« Été ? »", "Oui.", "Ça coûte 4,20 €.", "Fin."]);
}

#[test]
fn presegmented_lines_are_segments_and_blank_lines_paragraphs() {
    let text = "\u{feff}un\r\n  deux  \n\n\ntrois\n";
    let segs = lines(text);
    let got: Vec<(u32, &str)> = segs
        .iter()
        .map(|s| (s.paragraph, s.span.slice(text)))
        .collect();
    assert_eq!(got, [(0, "un"), (0, "deux"), (1, "trois")]);
    assert!(lines("").is_empty());
    assert!(lines("\n \n").is_empty());
}

#[test]
fn one_line_replaces_line_breaks_only() {
    assert_eq!(one_line("a cold \nnight"), "a cold night");
    assert_eq!(one_line("deux\r\nlignes"), "deux lignes");
    assert_eq!(one_line("Je suis      Chris ?"), "Je suis      Chris ?");
    assert_eq!(one_line("nbsp\u{a0}kept"), "nbsp\u{a0}kept");
}

/// Checks the invariants on one text: spans are in order, non-empty, trimmed, on char
/// boundaries, and what lies between them is whitespace (or the BOM) only.
fn assert_spans_cover(lang: Lang, text: &str) {
    let segs = Segmenter::new(lang).segment(text);
    let mut pos = 0;
    let mut last_paragraph = 0;
    for (k, seg) in segs.iter().enumerate() {
        let span = seg.span;
        assert_eq!(seg.id as usize, k);
        assert!(seg.paragraph >= last_paragraph, "paragraphs go forward");
        last_paragraph = seg.paragraph;
        assert!(
            span.start >= pos && span.start < span.end,
            "span {span} after {pos} in {text:?}"
        );
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        let gap = &text[pos..span.start];
        assert!(
            gap.chars().all(is_space_or_bom),
            "gap {gap:?} is not whitespace in {text:?}"
        );
        let sentence = span.slice(text);
        assert_eq!(
            sentence,
            sentence.trim_matches(is_space_or_bom),
            "untrimmed {sentence:?}"
        );
        pos = span.end;
    }
    assert!(
        text[pos..].chars().all(is_space_or_bom),
        "text lost after {pos} in {text:?}"
    );
}

/// Text made of the characters the rules care about, so that rules actually fire.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "M.",
        "Mme",
        "etc.",
        "J.-P.",
        "C.",
        "U.S.",
        "a.m.",
        "e.g.",
        "3,5",
        "1.000",
        "12.07.2010",
        "…",
        "...",
        ". . .",
        "?!",
        "!?",
        "?",
        "!",
        ".",
        ",",
        ";",
        ":",
        "«",
        "»",
        "\u{a0}",
        "\u{202f}",
        "\"",
        "'",
        "’",
        "(",
        ")",
        "[4]",
        "[",
        "]",
        "—",
        "- ",
        "• ",
        "1.",
        "2.",
        "19.",
        "II.",
        "Mai",
        "Dann",
        "„",
        "“",
        "‚",
        "‘",
        "›",
        "‹",
        "a)",
        "b)",
        "http://x.y/z?Q=1",
        "a@b.fr",
        "lundi",
        "Joe",
        "Il",
        "il",
        "C'est",
        "Vous",
        "The",
        "\n",
        "\n\n",
        "\r\n",
        " ",
        "  ",
        "\t",
        "\u{feff}",
        "é",
        "É",
        "ß",
        "😀",
        "x",
        "X",
        "42",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn spans_cover_arbitrary_text(text in "\\PC{0,200}") {
        assert_spans_cover(Lang::Fr, &text);
        assert_spans_cover(Lang::En, &text);
    }

    #[test]
    fn spans_cover_tricky_text(text in tricky_text()) {
        assert_spans_cover(Lang::Fr, &text);
        assert_spans_cover(Lang::En, &text);
        assert_spans_cover(Lang::Other("de".into()), &text);
        assert_spans_cover(Lang::Other("nl".into()), &text);
    }
}

#[test]
fn unicode_terminals_are_known_and_other_characters_are_not() {
    for c in ['。', '؟', '।', '។', '።', '᠃', '꓿'] {
        assert!(super::is_full_stop(c), "{c} (U+{:04X})", u32::from(c));
    }
    for c in [
        'a', 'é', 'ж', 'ש', '中', '한', '、', '，', '：', '·', '-', '״',
    ] {
        assert!(!super::is_full_stop(c), "{c} (U+{:04X})", u32::from(c));
    }
}

/// The quotes and dashes `is_full_stop` answers without asking unicode-segmentation are
/// indeed no sentence terminals by its table.
#[test]
fn quotes_and_dashes_skipped_by_the_lookup_are_not_terminals() {
    use unicode_segmentation::UnicodeSegmentation;
    for code in super::QUOTES_AND_DASHES {
        let c = char::from_u32(code).unwrap();
        let probe = format!("a{c} b");
        assert_eq!(probe.split_sentence_bounds().count(), 1, "U+{code:04X}");
    }
}

#[test]
fn scripts_without_the_latin_full_stop_or_without_capitals() {
    let lang = |code: &str| code.parse::<Lang>().unwrap();
    check(
        lang("zh"),
        &[
            (
                "今天天气很好。我们去公园吧！你觉得怎么样？",
                &["今天天气很好。", "我们去公园吧！", "你觉得怎么样？"],
            ),
            // A closing corner bracket stays with its sentence; brackets suppress inner stops.
            (
                "他说：「我们走吧。」然后就走了。",
                &["他说：「我们走吧。」", "然后就走了。"],
            ),
            (
                "价格（约100元。含税）很合理。",
                &["价格（约100元。含税）很合理。"],
            ),
            // Several stops in a row end one sentence.
            ("真的吗？！好的。", &["真的吗？！", "好的。"]),
        ],
    );
    check(
        lang("ja"),
        &[(
            "今日はいい天気です。公園に行きましょう！",
            &["今日はいい天気です。", "公園に行きましょう！"],
        )],
    );
    check(
        lang("ar"),
        &[(
            "هل أنت بخير؟ أنا بخير. شكرا لك.",
            &["هل أنت بخير؟", "أنا بخير.", "شكرا لك."],
        )],
    );
    check(
        lang("hi"),
        &[(
            "मैं घर जा रहा हूँ। तुम कहाँ हो? मैं ठीक हूँ।",
            &["मैं घर जा रहा हूँ।", "तुम कहाँ हो?", "मैं ठीक हूँ।"],
        )],
    );
    check(
        lang("ko"),
        &[(
            "오늘 날씨가 좋다. 공원에 가자! 어떻게 생각해?",
            &["오늘 날씨가 좋다.", "공원에 가자!", "어떻게 생각해?"],
        )],
    );
    // Terminals outside the common list come from Unicode's sentence-break data (UAX #29):
    // the Khmer khan, the Myanmar section mark, the Ethiopic full stop.
    check(lang("km"), &[("ខ្ញុំសុខសប្បាយ។ អ្នកវិញ?", &["ខ្ញុំសុខសប្បាយ។", "អ្នកវិញ?"])]);
    check(
        lang("am"),
        &[("ሰላም ነው። እንዴት ነህ?", &["ሰላም ነው።", "እንዴት ነህ?"])],
    );
    // Thai marks no sentence end at all: one sentence.
    check(
        lang("th"),
        &[(
            "วันนี้อากาศดี เราไปสวนสาธารณะกันเถอะ",
            &["วันนี้อากาศดี เราไปสวนสาธารณะกันเถอะ"],
        )],
    );
    // A Latin-script language without a profile, for contrast.
    check(
        lang("nl"),
        &[(
            "Het weer is mooi. We gaan o.a. naar het park. Ga je mee?",
            &[
                "Het weer is mooi.",
                "We gaan o.a. naar het park.",
                "Ga je mee?",
            ],
        )],
    );
}
