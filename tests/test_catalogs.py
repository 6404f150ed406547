"""The theme's words as gettext catalogs: complete, valid, and extended by a newsroom without code."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from masthead.errors import MastheadError
from masthead.themes import PACKAGED_THEME, Theme

from conftest import REPO

LOCALE = REPO / "theme" / "locale"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def catalog(path):
    with open(path, "rb") as handle:
        return read_po(handle, abort_invalid=True)


def test_every_word_a_template_asks_for_is_in_the_template_catalog():
    names = {m.context for m in catalog(LOCALE / "messages.pot") if m.id}
    asked = set()
    for template in (REPO / "theme" / "templates").rglob("*"):
        if template.is_file():
            asked |= set(re.findall(r"""\bt\(\s*['"]([a-z_]+)['"]""", template.read_text(encoding="utf-8")))
    asked |= {"confirm_subject", "confirm_lead", "known_subject", "known_lead", "manage_action", "confirm_action",
              "confirm_note", "new_stories", "more_stories"}  # asked for by the service's and digest's code
    assert asked <= names, sorted(asked - names)


@pytest.mark.parametrize("lang", ["fa", "ar", "ur"])
def test_each_translation_is_a_valid_catalog_that_keeps_every_placeholder(lang):
    source = {m.context: m for m in catalog(LOCALE / "messages.pot") if m.id}
    translated = catalog(LOCALE / lang / "LC_MESSAGES" / "messages.po")
    write_mo(BytesIO(), translated)  # compiles, as msgfmt would
    assert translated.num_plurals == {"fa": 2, "ar": 6, "ur": 2}[lang]  # CLDR's plural forms
    for message in translated:
        if not message.id or not message.string:
            continue
        assert message.context in source, message.context
        english = " ".join(source[message.context].id) if message.pluralizable else source[message.context].id
        for form in (message.string if message.pluralizable else [message.string]):
            assert set(PLACEHOLDER.findall(form)) <= set(PLACEHOLDER.findall(english)), (lang, message.context, form)


def test_plural_forms_follow_each_languages_rule():
    theme = Theme(PACKAGED_THEME)
    assert [theme.count("new_stories", n, "en") for n in (1, 2)] == ["1 new story", "2 new stories"]
    assert [theme.count("new_stories", n, "ar") for n in (1, 2, 3, 11, 100)] == [
        "خبر جديد واحد", "خبران جديدان", "3 أخبار جديدة", "11 خبرًا جديدًا", "100 خبر جديد"]  # ar: Latin digits (CLDR)
    assert theme.count("new_stories", 3, "fa") == "۳ خبر تازه"  # Persian digits (CLDR)
    assert theme.count("more_stories", 1, "ur") == "سائٹ پر 1 مزید خبر"


def test_a_newsroom_adds_a_language_and_rewords_english_with_catalogs_alone(tmp_path):
    own = tmp_path / "theme"
    german = own / "locale" / "de" / "LC_MESSAGES"
    german.mkdir(parents=True)
    (german / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgctxt "subscribe_button"\nmsgid "Subscribe"\nmsgstr "Abonnieren"\n\n'
        'msgctxt "new_stories"\nmsgid "{count} new story"\nmsgid_plural "{count} new stories"\n'
        'msgstr[0] "{count} neuer Artikel"\nmsgstr[1] "{count} neue Artikel"\n\n'
        'msgid "Our podcast"\nmsgstr "Unser Podcast"\n', encoding="utf-8")
    english = own / "locale" / "en" / "LC_MESSAGES"
    english.mkdir(parents=True)
    (english / "messages.po").write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgctxt "subscribe"\n'
                                         'msgid "Subscribe for latest updates"\nmsgstr "Get the morning briefing"\n',
                                         encoding="utf-8")
    theme = Theme(PACKAGED_THEME, own)
    assert theme.label("subscribe_button", "de") == "Abonnieren"
    assert theme.label("share", "de") == "Share this article"  # not translated yet: English
    assert theme.count("new_stories", 2, "de-AT") == "2 neue Artikel"  # de-AT finds de
    assert theme.label("subscribe", "en") == "Get the morning briefing"
    assert theme.label("subscribe_button", "fa") == "اشتراک"  # masthead's own Persian still there

    import jinja2

    env = jinja2.Environment()
    theme.install_i18n(env)
    page = env.from_string("{{ _('Our podcast') }} · {{ pgettext('subscribe_button', 'Subscribe') }} · "
                           "{% trans %}Our podcast{% endtrans %}")
    assert page.render(lang="de") == "Unser Podcast · Abonnieren · Unser Podcast"
    assert page.render(lang="en") == "Our podcast · Subscribe · Our podcast"

    (german / "messages.po").write_text('msgid ""\nmsgstr ""\n\nmsgid "broken\n', encoding="utf-8")
    with pytest.raises(MastheadError, match=r"de/LC_MESSAGES/messages.po: not a readable gettext catalog"):
        Theme(PACKAGED_THEME, own).label("share", "de")


def test_a_changed_catalog_renders_the_pages_again(newsroom):
    """A newsroom's catalog is an input of every page: an incremental build after a change to it
    shows the new words."""
    own = newsroom.root / "overrides"
    english = own / "locale" / "en" / "LC_MESSAGES"
    english.mkdir(parents=True)
    settings = newsroom.settings_file.read_text()
    newsroom.settings_file.write_text(settings + "\nTHEME = 'overrides'\n")  # overrides over masthead's theme
    newsroom.article("one", title="A story", slug="one")

    def catalog(words: str) -> None:
        (english / "messages.po").write_text(
            'msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgctxt "subscribe"\nmsgid "Subscribe for latest updates"\n'
            f'msgstr "{words}"\n', encoding="utf-8")

    catalog("Get the morning briefing")
    newsroom.build()
    page = newsroom.output / "2026" / "11" / "one" / "index.html"
    assert "Get the morning briefing" in page.read_text()
    catalog("Get the evening briefing")
    newsroom.build()
    assert "Get the evening briefing" in page.read_text() and "morning" not in page.read_text()
