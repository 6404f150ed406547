"""Markdown bodies: masthead's quick typographic pass gives exactly python-markdown's `smarty` output."""

from __future__ import annotations

import random
import sys

import markdown
import pytest

from masthead.content.body import EXTENSION_CONFIGS, EXTENSIONS, BodyRenderer

from conftest import REPO

HARD_CASES = [
    """He said, "'Quoted' words in a larger quote." And 'single "double" inside'.""",
    "\"Start with a quote.\" 'And a single.' '80s and the '90s, rock 'n' roll, it's the students' books.",
    "Dashes -- en, --- em, ---- four, - one; range 1990--2000; a--b and \"--quoted--\" text.",
    "Ellipses... and .... four, and . . . spaced; \"Wait...\" she said...",
    "Quotes next to *emphasis*: \"*really*\", '**bold**', \"[a link](https://example.org)\" and \"`code \"inside\"`\".",
    "Escaped \\\"quotes\\\" and \\'singles\\' stay straight; &nbsp;\"after a no-break space\" and &mdash;\"dash\".",
    "Inline <span title=\"attr 'quotes'\">HTML \"text\"</span> and <br> \"after\".",
    "```\ncode \"block\" -- with 'quotes'...\n```\n\nAfter the \"block\".",
    "    indented \"code\" -- block\n\nThen \"prose\".",
    "| \"a\" | 'b' |\n| --- | --- |\n| it's | \"c\" -- d |",
    "A footnote[^1] \"here\".\n\n[^1]: The \"note\" -- with 'quotes'...",
    "## A \"heading\" -- with 'quotes' {#custom-id}\n\n> A \"block quote\" -- 'nested' ...",
    "- \"one\"\n- 'two'\n    - \"nested\" -- three...",
    "وزیر گفت: \"مذاکرات ادامه دارد\" -- 'شاید'... and \"Олена\" 'Коваленко' \"王磊\"",
    "\"\"\"''' \"\" '' \"'\" '\"' \"' '\" -- --- ... \"",
    "'tis the season; the 'Times' said \"no\"; O'Brien's \"O'Neill\" 'quote'.",
    "Mixed\"quotes\"without'spaces'and--dashes...done",
]


def reference_renderer() -> markdown.Markdown:
    """The same renderer with python-markdown's own `smarty` in place of masthead's quick one."""
    extensions = ["smarty" if type(e).__name__ == "QuickSmarty" else e for e in EXTENSIONS]
    return markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS, output_format="html")


def generated_stories(count: int) -> list[str]:
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import _story, story_text

    rnd = random.Random(11)
    from datetime import datetime

    authors, tags = [f"author-{n:02d}" for n in range(40)], [f"Topic {n:03d}" for n in range(200)]
    return [story_text(_story(rnd, n, datetime(2026, 1, 1), authors, tags, 12)).split("\n---\n", 1)[1]
            for n in range(count)]


@pytest.mark.parametrize("text", HARD_CASES)
def test_hard_cases_come_out_exactly_as_smarty_makes_them(text):
    reference = reference_renderer()
    assert BodyRenderer().render(text) == reference.convert(text)


def test_the_sample_newsroom_and_generated_stories_come_out_exactly_as_smarty_makes_them():
    texts = [p.read_text(encoding="utf-8").split("\n---\n", 1)[-1] for p in sorted((REPO / "content").rglob("*.md"))]
    texts += generated_stories(150)
    ours, reference = BodyRenderer(), reference_renderer()
    different = []
    for text in texts:
        reference.reset()
        if ours.render(text) != reference.convert(text):
            different.append(text[:80])
    assert len(texts) > 150 and different == []


def test_typographic_characters_are_there():
    html = BodyRenderer().render("\"Talks\" -- it's 'over'... --- the '90s")
    assert html == "<p>&ldquo;Talks&rdquo; &ndash; it&rsquo;s &lsquo;over&rsquo;&hellip; &mdash; the &rsquo;90s</p>"
