"""Every message the code can show has an Indonesian translation with the same placeholders."""

import string
from datetime import date
from importlib import resources

from babel.messages.extract import extract_from_dir

from inklusi.i18n import format_day, msg, pick_language
from tests.conftest import catalogue

SOURCE = resources.files("inklusi")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def extracted_messages() -> set[str]:
    """Every message in the code (``msg``) and in the templates (``_``), as ``make messages`` finds them."""
    found = extract_from_dir(
        str(SOURCE),
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={"msg": None, "_": None},
        comment_tags=(),
    )
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def test_every_message_is_translated_to_indonesian():
    indonesian = catalogue()
    messages = extracted_messages()
    assert len(messages) > 150
    assert {"Log in", "Skip to content", "Wrong username or password"} <= messages
    untranslated = sorted(m for m in messages if not indonesian.get(m))
    assert untranslated == []
    mismatched = sorted(m for m in messages if placeholders(indonesian[m]) != placeholders(m))
    assert mismatched == []


def test_rendering_picks_the_language():
    text = msg("Area {code} does not exist", code="99")
    assert text.render("en") == "Area 99 does not exist"
    assert text.render("id") == "Wilayah 99 tidak ada"
    assert text.both() == {"id": "Wilayah 99 tidak ada", "en": "Area 99 does not exist"}


def test_accept_language_header():
    assert pick_language(None) == "id"
    assert pick_language("en-US,en;q=0.9") == "en"
    assert pick_language("fr, en;q=0.5, id;q=0.8") == "id"
    assert pick_language("de") == "id"


def test_a_date_in_a_message_reads_like_every_other_date_in_that_language():
    """Issue 11 #10: dates inside messages were ISO ("1993-04-09") beside "9 Apr 1993" on the same page."""
    text = msg(
        "The NIK says born {nik_date}, the record says {date}",
        nik_date=date(1993, 4, 9),
        date=date(1984, 2, 19),
    )
    assert (
        text.render("en")
        == f"The NIK says born {format_day(date(1993, 4, 9), 'en')}, the record says 19 Feb 1984"
    )
    assert "9 Apr 1993" in text.render("id") and "19 Feb 1984" in text.render("id")
    assert "1993-04-09" not in text.render("id")


def test_a_message_among_the_parameters_is_shown_in_the_same_language() -> None:
    refusal = msg(
        "No valid consent of the person for this {purpose} to {organisation}: record one, or "
        "override it with a reason",
        purpose=msg("transfer"),
        organisation="LKS Harapan",
    )
    assert "untuk pengalihan ini ke LKS Harapan" in refusal.render("id")
    assert "for this transfer to LKS Harapan" in refusal.render("en")
