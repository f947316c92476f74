from app.domain.text import code_point, unwanted_characters


def test_control_and_invisible_format_characters_are_found():
    assert unwanted_characters("Amira\u202e Khan\x00\u202e") == ["\u202e", "\x00"]
    assert unwanted_characters("bell\x07 escape\x1b[31m zero\u200bwidth bom\ufeff isolate\u2066") == [
        "\x07", "\x1b", "\u200b", "\ufeff", "\u2066"]
    assert unwanted_characters("soft\u00adhyphen tag\U000e0067") == ["\u00ad", "\U000e0067"]


def test_ordinary_whitespace_and_the_marks_real_writing_needs_are_allowed():
    assert unwanted_characters("Line one\r\nline two\tand a tab") == []
    assert unwanted_characters("می\u200cخواهم ਕ੍\u200dਰ \u200f٪\u200e \u061c") == []
    assert unwanted_characters("") == unwanted_characters(None) == []


def test_code_points_are_shown_in_the_usual_form():
    assert code_point("\u202e") == "U+202E" and code_point("\x00") == "U+0000"
