"""The parse cache: articles parsed once, in parallel when there are many, and never served stale."""

from __future__ import annotations

import hashlib
import logging
import uuid

import pytest

import masthead.content.newsroom as newsroom_module
from masthead.build import load_settings
from masthead.config import site_config
from masthead.content import build_newsroom
from masthead.errors import ContentError
from masthead.parsecache import SHARDS, read_newsroom, shard_file
from masthead.sources import read_sources
from masthead.workers import Workers

from conftest import NOW


@pytest.fixture
def parses(monkeypatch):
    """Every article the main process parses, by file."""
    seen = []
    original = newsroom_module.parse_article
    monkeypatch.setattr(newsroom_module, "parse_article", lambda source, ctx: seen.append(source.rel)
                        or original(source, ctx))
    return seen


def read(room, cache):
    config = site_config(load_settings(room.settings_file))
    with Workers() as workers:
        return read_newsroom(room.content, config, NOW, cache, workers=workers)


def test_an_article_is_checked_again_when_what_it_names_goes_away(newsroom, tmp_path):
    newsroom.author("omar-said", "Omar Said")
    newsroom.article("one", title="One", slug="one", authors=["omar-said"])
    read(newsroom, tmp_path / "cache")
    (newsroom.content / "authors" / "omar-said.md").unlink()
    with pytest.raises(ContentError) as caught:
        read(newsroom, tmp_path / "cache")
    assert "authors: expected an author file content/authors/omar-said.md" in str(caught.value)


def test_a_damaged_cache_is_only_slower(newsroom, tmp_path, caplog):
    newsroom.article("one", title="One", slug="one")
    cache = tmp_path / "cache"
    cache.mkdir()
    for shard in range(SHARDS):
        shard_file(cache, shard).write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING):
        room = read(newsroom, cache)
    assert [a.title for a in room.articles] == ["One"]
    assert "unreadable" in caplog.text
    assert all(shard_file(cache, shard).read_bytes() != b"not a pickle" for shard in range(SHARDS))


def test_many_new_articles_are_parsed_in_worker_processes_with_the_same_result(newsroom, tmp_path, parses):
    for n in range(240):
        newsroom.article(f"s{n:03d}", title=f"Story {n}", slug=f"story-{n}", id=str(uuid.UUID(int=n + 1)), date=f"2026-11-{1 + n % 20:02d}T{n % 24:02d}:"
                         f"{n % 60:02d}+01:00", body=f"Paragraph *{n}*.\n\n## A heading\n\n> A quote.")
    newsroom.article("broken", title="Broken", slug="broken", category="Nowhere", authors=["nobody"])
    with pytest.raises(ContentError) as caught:
        read(newsroom, tmp_path / "cache")
    assert parses == ["articles/broken.md"]  # the rest came from the workers; the bad one is reported here
    assert "content/articles/broken.md" in str(caught.value)
    (newsroom.content / "articles" / "broken.md").unlink()
    cached = read(newsroom, tmp_path / "cache")
    config = site_config(load_settings(newsroom.settings_file))
    assert cached == build_newsroom(read_sources(newsroom.content), config, NOW)


@pytest.fixture
def reads(monkeypatch):
    """Every article file read from disk, by its path under the content folder."""
    seen = []
    original = read_sources

    def counting(*args, **kwargs):
        found = original(*args, **kwargs)
        seen.extend(s.rel for s in found.articles if s.data is not None)
        return found

    import masthead.parsecache as parsecache
    import masthead.sources as sources

    monkeypatch.setattr(parsecache, "read_sources", counting)
    original_one = sources.read_source
    monkeypatch.setattr(parsecache, "read_source", lambda root, source: seen.append(source.rel)
                        or original_one(root, source))
    return seen


def test_an_unchanged_article_is_neither_read_nor_parsed_again(newsroom, tmp_path, reads, parses):
    """Its record comes from the parse cache, and its digest from the stamps of the last read
    (size, mtime, inode), as git's index: the file is not even opened."""
    import os
    import time

    newsroom.article("one", title="One", slug="one")
    newsroom.article("two", title="Two", slug="two", date="2026-11-21T09:00+01:00")
    past = time.time() - 3600  # saved a moment ago, a file is always read (its clock tick may hide a second save)
    for path in (newsroom.content / "articles").iterdir():
        os.utime(path, (past, past))
    first = read(newsroom, tmp_path / "cache")
    assert sorted(reads) == sorted(parses) == ["articles/one.md", "articles/two.md"]
    reads.clear(), parses.clear()
    assert read(newsroom, tmp_path / "cache") == first and reads == parses == []
    newsroom.article("two", title="Two, retitled", slug="two", date="2026-11-21T09:00+01:00")
    assert [a.title for a in read(newsroom, tmp_path / "cache").articles] == ["Two, retitled", "One"]
    assert reads == parses == ["articles/two.md"]
    # the cache holds no record for these settings: the unread files are read after all
    os.utime(newsroom.content / "articles" / "two.md", (past, past))
    read(newsroom, tmp_path / "cache")
    reads.clear(), parses.clear()
    newsroom.settings_file.write_text(newsroom.settings_file.read_text().replace("'Opinion'", "'Opinion', 'Economy'"))
    assert [a.title for a in read(newsroom, tmp_path / "cache").articles] == ["Two, retitled", "One"]
    assert sorted(reads) == sorted(parses) == ["articles/one.md", "articles/two.md"]


def test_a_cache_made_under_other_code_or_settings_is_not_loaded_and_is_written_afresh(newsroom, tmp_path,
                                                                                       monkeypatch, parses):
    """After an upgrade or a new setting no record of the cache can be used: its shards are not
    read past their first line (a 50,000-article newsroom would hold the old records beside the
    new ones), and are written again under the new context."""
    import pickle

    import masthead.parsecache as parsecache

    newsroom.article("one", title="One", slug="one")
    newsroom.article("two", title="Two", slug="two", date="2026-11-21T09:00+01:00")
    cache = tmp_path / "cache"
    read(newsroom, cache)
    headers = {pickle.load(shard_file(cache, s).open("rb"))["context"]
               for s in range(SHARDS) if shard_file(cache, s).exists()}
    assert len(headers) == 1
    loaded = []
    original = pickle.load
    monkeypatch.setattr(parsecache.pickle, "load", lambda handle: loaded.append(handle.name) or original(handle))
    monkeypatch.setattr(parsecache, "code_salt", lambda: "masthead, one version later")
    parses.clear()
    old = [str(shard_file(cache, s)) for s in range(SHARDS) if shard_file(cache, s).exists()]
    read(newsroom, cache)
    assert sorted(name for name in loaded if "articles" in name) == sorted(old)  # each header only
    assert sorted(parses) == ["articles/one.md", "articles/two.md"]
    assert {pickle.load(shard_file(cache, s).open("rb"))["context"]
            for s in range(SHARDS) if shard_file(cache, s).exists()} != headers
    loaded.clear(), parses.clear()
    read(newsroom, cache)  # the same context again: every record is used, none parsed
    shards = [s for s in range(SHARDS) if shard_file(cache, s).exists()]  # the old ones written empty
    assert parses == [] and len([name for name in loaded if "articles" in name]) == 2 * len(shards)


def test_a_picture_size_remembered_before_upright_sizes_is_read_again(newsroom, tmp_path):
    """Stamps written before 0.3.0 remembered a picture's stored size; a photo stored on its side
    would keep it forever, so such an entry is read again."""
    import os

    from PIL import Image

    from masthead.sources import FileStamps

    sideways = Image.new("RGB", (1600, 1200))
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways.save(newsroom.content / "images" / "phone.jpg", exif=exif)
    stat = os.stat(newsroom.content / "images" / "phone.jpg")
    old = FileStamps({"images/phone.jpg": (stat.st_size, stat.st_mtime_ns, stat.st_ino, (1600, 1200))},
                     taken_ns=stat.st_mtime_ns + 10**10)
    picture = read_sources(newsroom.content, stamps=old).images["images/phone.jpg"]
    assert (picture.width, picture.height) == (1200, 1600)
    digest = hashlib.sha256((newsroom.content / "images" / "phone.jpg").read_bytes()).hexdigest()
    assert old.current["images/phone.jpg"][3] == ("upright", 1200, 1600, digest) and picture.digest == digest


def test_a_picture_is_known_by_its_bytes_and_read_again_only_when_its_stamp_changes(newsroom, tmp_path):
    """Cards and crops are keyed by a picture's digest, not its file's date: a fresh checkout dates
    every file anew, and a photo whose bytes are the same must not look changed. The digest is
    remembered with the file's stamp, so an unchanged file is not read to find it."""
    import os

    from PIL import Image

    from masthead.sources import FileStamps

    photo = newsroom.content / "images" / "wire.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1600, 900), "navy").save(photo)
    first = FileStamps(taken_ns=2 * 10**18)
    before = read_sources(newsroom.content, stamps=first).images["images/wire.jpg"]
    assert before.digest == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (before.width, before.height) == (1600, 900)
    os.utime(photo, ns=(10**18, 10**18))  # checked out again: same bytes, another date
    again = FileStamps(first.current, taken_ns=2 * 10**18)
    assert read_sources(newsroom.content, stamps=again).images["images/wire.jpg"] == before
    # a stamp as the last build saw it gives the remembered digest: the file is not read for it
    stat = os.stat(photo)
    remembered = FileStamps({"images/wire.jpg": (stat.st_size, stat.st_mtime_ns, stat.st_ino,
                                                 ("upright", 1600, 900, "remembered"))}, taken_ns=2 * 10**18)
    assert read_sources(newsroom.content, stamps=remembered).images["images/wire.jpg"].digest == "remembered"


def test_a_new_photo_for_one_story_parses_no_other_story_again(newsroom, tmp_path, parses):
    """A breaking story often comes with its own photo: adding it must not make every record of the
    cache stale (at 50,000 articles that was a minute of parsing). A record depends only on the
    picture it names: resized, only its stories are parsed again; removed, they say so."""
    newsroom.image("shared.jpg")
    newsroom.article("one", title="One", slug="one", image="shared.jpg", image_alt="A photo")
    newsroom.article("two", title="Two", slug="two", date="2026-11-21T09:00+01:00")
    cache = tmp_path / "cache"
    read(newsroom, cache)
    parses.clear()
    newsroom.image("breaking.jpg", 1200, 800)
    newsroom.article("three", title="Three", slug="three", date="2026-11-22T09:00+01:00",
                     image="breaking.jpg", image_alt="Another photo")
    room = read(newsroom, cache)
    assert parses == ["articles/three.md"]
    assert {a.slug: (a.image.picture.width if a.image else None) for a in room.articles} == {
        "one": 1600, "two": None, "three": 1200}

    parses.clear()
    newsroom.image("shared.jpg", 2000, 1000)  # the same name, another size
    room = read(newsroom, cache)
    assert parses == ["articles/one.md"]
    assert next(a for a in room.articles if a.slug == "one").image.picture.width == 2000

    parses.clear()
    (newsroom.content / "images" / "shared.jpg").unlink()
    with pytest.raises(ContentError) as caught:
        read(newsroom, cache)
    assert "image: expected an image file under content/images or an http(s) URL, found no file " \
           "content/images/shared.jpg" in str(caught.value)


def test_a_build_reads_the_content_as_the_check_before_it_saw_it_and_the_next_one_sees_what_changed_since(
        newsroom, tmp_path, monkeypatch):
    """The check before a build walks the content (freshness.Snapshot); the build takes each
    article's stat from that walk rather than asking again. An article saved between the two is
    read as the walk saw it, and stamped as of the walk: the next build reads it anew."""
    import os
    import time

    import masthead.sources as sources_module
    from masthead.freshness import Reads

    newsroom.article("one", title="One", slug="one", id=str(uuid.uuid4()))
    newsroom.article("two", title="Two", slug="two", id=str(uuid.uuid4()))
    config = site_config(load_settings(newsroom.settings_file))
    cache = tmp_path / "cache"
    past = time.time_ns() - 10 * 10**9  # saved well before: trusted by their stamps
    for path in (newsroom.content / "articles").iterdir():
        os.utime(path, ns=(past, past))
    read(newsroom, cache)
    reads = Reads()
    reads.inputs(newsroom.content, [], "settings")
    snapshot = reads.snapshot()
    assert snapshot and str(newsroom.content / "articles" / "one.md") in snapshot.stats
    first = (newsroom.content / "articles" / "one.md").read_text()
    edited = newsroom.content / "articles" / "one.md"
    edited.write_text(first.replace("title: One", "title: One, edited"))  # after the walk
    os.utime(edited, ns=(past + 10**9, past + 10**9))
    asked = []
    original = sources_module.os.stat
    monkeypatch.setattr(sources_module.os, "stat", lambda path, *a, **k: asked.append(str(path))
                        or original(path, *a, **k))
    with Workers() as workers:
        seen = read_newsroom(newsroom.content, config, NOW, cache, workers=workers, snapshot=snapshot)
    monkeypatch.undo()
    assert not [p for p in asked if p.endswith(".md")]  # every article's stat came from the walk
    assert sorted(a.title for a in seen.articles) == ["One", "Two"]  # as the walk saw it: one build, one state
    assert sorted(a.title for a in read(newsroom, cache).articles) == ["One, edited", "Two"]
