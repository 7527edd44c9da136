"""Every message the code can show has an Indonesian translation with the same placeholders."""

import string
from importlib import resources

from babel.messages.extract import extract_from_dir

from inklusi.i18n import msg, pick_language, translations

SOURCE = resources.files("inklusi")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def extracted_messages() -> set[str]:
    found = extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords={"msg": None}, comment_tags=()
    )
    return {message for _file, _line, message, _comments, _context in found}


def test_every_message_is_translated_to_indonesian():
    catalogue = translations("id")
    messages = extracted_messages()
    assert len(messages) > 50
    untranslated = sorted(m for m in messages if catalogue.gettext(m) == m)
    assert untranslated == []
    mismatched = sorted(m for m in messages if placeholders(catalogue.gettext(m)) != placeholders(m))
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
