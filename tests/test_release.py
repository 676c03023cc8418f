"""The release step: staged files promoted whole with their manifest, and the record that says
whether publish/ still holds that release."""

from __future__ import annotations

import json

from evalkit.steps.release import release, release_is_current


def staged_files(tmp_path):
    staged = tmp_path / "staged"
    (staged / "en").mkdir(parents=True)
    (staged / "en" / "report.html").write_text("<p>report</p>", encoding="utf-8")
    (staged / "dataset").mkdir()
    (staged / "dataset" / "survey.csv").write_text("id\n1\n", encoding="utf-8")
    return staged, sorted(p for p in staged.rglob("*") if p.is_file())


def test_release_promotes_every_staged_file_with_its_manifest(ctx, tmp_path):
    staged, files = staged_files(tmp_path)
    publish, record = tmp_path / "publish", tmp_path / "release.json"
    (publish / "old").mkdir(parents=True)
    (publish / "old" / "stale.html").write_text("previous release", encoding="utf-8")
    release(ctx, files, staged, publish, record)
    assert sorted(p.relative_to(publish).as_posix() for p in publish.rglob("*") if p.is_file()) == \
        ["dataset/survey.csv", "en/report.html", "manifest.json"]
    manifest = json.loads((publish / "manifest.json").read_text())
    assert [f["path"] for f in manifest["files"]] == ["dataset/survey.csv", "en/report.html"]
    assert not (tmp_path / "publish.new").exists() and not (tmp_path / "publish.old").exists()
    assert release_is_current(record, publish)


def test_a_release_edited_added_to_or_removed_by_hand_is_not_current(ctx, tmp_path):
    staged, files = staged_files(tmp_path)
    publish, record = tmp_path / "publish", tmp_path / "release.json"
    release(ctx, files, staged, publish, record)
    (publish / "en" / "report.html").write_text("<p>edited</p>", encoding="utf-8")
    assert not release_is_current(record, publish)
    release(ctx, files, staged, publish, record)
    (publish / "extra.txt").write_text("x", encoding="utf-8")
    assert not release_is_current(record, publish)
    release(ctx, files, staged, publish, record)
    (publish / "manifest.json").unlink()
    assert not release_is_current(record, publish)


def test_a_swap_interrupted_between_its_renames_puts_the_previous_release_back(ctx, tmp_path):
    staged, files = staged_files(tmp_path)
    publish, record = tmp_path / "publish", tmp_path / "release.json"
    old = tmp_path / "publish.old"
    old.mkdir()
    (old / "manifest.json").write_text("{}", encoding="utf-8")  # publish/ was renamed away, then the build died
    (tmp_path / "publish.new").mkdir()
    (tmp_path / "publish.new" / "half.html").write_text("half", encoding="utf-8")
    release(ctx, files, staged, publish, record)
    assert not (publish / "half.html").exists() and (publish / "en" / "report.html").is_file()
    assert release_is_current(record, publish)
