"""Catalogue checks: what makes an uploaded .po safe to use (the msgfmt --check equivalent, plus no HTML)."""

import io

from babel.messages.pofile import read_po

from app.domain.catalogue import (
    Coverage,
    Problem,
    catalogue_coverage,
    check_upload,
    coverage,
    merge_upload,
    message_problems,
)

HEADER = '''msgid ""
msgstr ""
"Language: {lang}\\n"
"Plural-Forms: {plural}\\n"
"Content-Type: text/plain; charset=utf-8\\n"

'''
WELSH = "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;"


def po(body, lang="cy", plural=WELSH):
    return (HEADER.format(lang=lang, plural=plural) + body).encode()


def codes(checked):
    return [(p.code, p.values.get("msgid", "")) for p in checked.problems]


def test_translations_keep_named_placeholders_and_their_types():
    assert message_problems("Run by %(council)s.", "Rhedir gan %(council)s.") == []
    assert message_problems("Run by %(council)s.", "Rhedir gan y cyngor.") == ["placeholders"]
    assert message_problems("Run by %(council)s.", "Rhedir gan %(cyngor)s.") == ["placeholders"]
    assert message_problems("%(n)d votes", "%(n)s pleidlais") == ["placeholders"]
    assert message_problems("%(a)s and %(b)s", "%(b)s a %(a)s") == []  # order may change


def test_positional_placeholders_must_keep_their_number():
    assert message_problems("%s of %s", "%s o %s") == []
    assert message_problems("%s of %s", "%s") == ["placeholders"]


def test_a_stray_percent_sign_is_refused_where_the_original_is_formatted():
    assert message_problems("Zoom in up to 400%% now.", "Chwyddo hyd at 400%% nawr.") == []
    assert message_problems("Zoom in up to 400%% now.", "Chwyddo hyd at 400 % nawr.") == ["percent"]
    assert message_problems("Turnout", "Nifer %") == []  # nothing formats a string without placeholders


def test_a_plural_form_may_leave_out_the_number_but_never_add_a_name():
    assert message_problems("Choose up to %(num)d projects.", "Dewiswch un prosiect.", plural_form=True) == []
    assert message_problems("Choose up to %(num)d projects.", "Dewiswch %(count)d.", plural_form=True) == [
        "placeholders"]


def test_translations_may_only_repeat_the_tags_of_the_original():
    assert message_problems("Read <a href=\"%(url)s\">the notice</a>.", "Darllenwch <a href=\"%(url)s\">yr hysbysiad</a>.") == []
    assert message_problems("Skip", "Neidio<script>alert(1)</script>") == ["html"]
    assert message_problems("Skip", "<img src=x onerror=alert(1)>") == ["html"]
    assert message_problems("Read <a href=\"%(url)s\">it</a>.", "<a href=\"%(url)s\" onclick=\"x()\">Darllen</a>") == [
        "html"]
    assert message_problems("Skip", "<scr<script>ipt>") == ["html"]
    assert message_problems("A < B", "A < B") == ["html"]  # a lone "<" could open a tag in markup


def test_a_good_upload_passes():
    checked = check_upload(po('msgid "Vote"\nmsgstr "Pleidleisio"\n'), "cy", 6)
    assert checked.ok and checked.catalogue.get("Vote").string == "Pleidleisio"


def test_syntax_errors_and_binary_files_are_refused():
    assert codes(check_upload(b"not a catalogue at all", "cy", 6)) == [("syntax", "")]
    assert codes(check_upload(b"\xff\xfe\x00\x01", "cy", 6)) == [("syntax", "")]
    assert codes(check_upload(po('msgid "Vote"\n'), "cy", 6)) == [("syntax", "")]
    assert check_upload(b"x" * (3 * 1024 * 1024), "cy", 6).problems == [Problem("catalogue_too_large")]


def test_the_same_msgid_twice_is_refused():
    checked = check_upload(po('msgid "Vote"\nmsgstr "A"\n\nmsgid "Vote"\nmsgstr "B"\n'), "cy", 6)
    assert codes(checked) == [("duplicate_msgid", "")]


def test_the_language_header_must_name_the_language():
    assert codes(check_upload(po('msgid "Vote"\nmsgstr "Głosuj"\n', lang="pl"), "cy", 6)) == [("language", "")]
    assert codes(check_upload(po('msgid "Vote"\nmsgstr "Pleidleisio"\n', lang="cy_GB"), "cy", 6)) == []


def test_plural_forms_must_match_the_language():
    two = "nplurals=2; plural=(n != 1);"
    assert codes(check_upload(po('msgid "Vote"\nmsgstr "x"\n', plural=two), "cy", 6)) == [("plural_header", "")]
    partial = 'msgid "%(num)d vote"\nmsgid_plural "%(num)d votes"\nmsgstr[0] "%(num)d pleidlais"\nmsgstr[1] ""\n'
    assert codes(check_upload(po(partial, lang="ur", plural=two), "ur", 2)) == [("plural_incomplete", "%(num)d vote")]


def test_each_bad_string_is_named():
    body = ('msgid "Run by %(council)s."\nmsgstr "Rhedir gan y cyngor."\n\n'
            'msgid "Skip"\nmsgstr "<b>Neidio</b>"\n\n'
            'msgid "Vote"\nmsgstr "Pleidleisio"\n')
    assert codes(check_upload(po(body), "cy", 6)) == [("placeholders", "Run by %(council)s."), ("html", "Skip")]


def test_fuzzy_and_empty_count_as_untranslated():
    assert coverage([("Pleidleisio", False), ("Cartref", True), ("", False), (("a", ""), False),
                     (("a", "b"), False)]) == Coverage(translated=2, fuzzy=1, missing=2)
    assert Coverage(199, 0, 1).percent == 99 and Coverage(0, 0, 0).percent == 100


def test_in_english_an_empty_msgstr_means_the_msgid():
    catalogue = read_po(io.BytesIO(po('msgid "Vote"\nmsgstr ""\n\n#, fuzzy\nmsgid "Home"\nmsgstr ""\n', lang="en",
                                      plural="nplurals=2; plural=(n != 1);")))
    assert catalogue_coverage(catalogue, source_language=True) == Coverage(1, 1, 0)
    assert catalogue_coverage(catalogue) == Coverage(0, 1, 1)


def test_merge_takes_known_strings_keeps_new_ones_and_ignores_unused():
    current = read_po(io.BytesIO(po('msgid "Vote"\nmsgstr "Pleidleisio"\n\nmsgid "New string"\nmsgstr ""\n\n'
                                    'msgid "Home"\nmsgstr "Cartref"\n')))
    uploaded = read_po(io.BytesIO(po('msgid "Vote"\nmsgstr "Bwrw pleidlais"\n\n#, fuzzy\nmsgid "Home"\n'
                                     'msgstr "Hafan"\n\nmsgid "Gone"\nmsgstr "Wedi mynd"\n')))
    merged = merge_upload(current, uploaded)
    assert (merged.changed, merged.ignored) == (2, 1)
    catalogue = merged.catalogue
    assert catalogue.get("Vote").string == "Bwrw pleidlais"
    assert catalogue.get("Home").fuzzy and catalogue.get("Home").string == "Hafan"
    assert catalogue.get("New string").string == "" and catalogue.get("Gone") is None
