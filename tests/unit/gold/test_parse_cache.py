"""spark_jobs.gold.parse_cache: a lake's dbt parse comes from the shared copy of its vars and
goes back to it when dbt wrote a new one (no dbt here: the invocation writes the file)."""

from pathlib import Path

from spark_jobs.gold.parse_cache import KEY_FILE, PARSE_FILE, shared_parse, vars_key


def _dbt_parses(target: Path, content: bytes) -> None:
    """What dbt does when it (re)parses: rewrite partial_parse.msgpack in place."""
    target.mkdir(parents=True, exist_ok=True)
    (target / PARSE_FILE).write_bytes(content)


def test_a_new_lake_gets_the_stored_parse_of_its_vars(tmp_path):
    cache, first, second = tmp_path / "cache", tmp_path / "a" / "target", tmp_path / "b" / "target"
    with shared_parse(cache, first, "{}"):
        _dbt_parses(first, b"parse of {}")
    assert (cache / f"{vars_key('{}')}.msgpack").read_bytes() == b"parse of {}"
    assert (first / KEY_FILE).read_text() == vars_key("{}")
    seen = []
    with shared_parse(cache, second, "{}"):
        seen.append((second / PARSE_FILE).read_bytes())  # what dbt finds when it starts
    assert seen == [b"parse of {}"]
    assert (second / KEY_FILE).read_text() == vars_key("{}")
    # Nothing written by dbt: the cache is left as it was, no temporary file is left behind.
    assert sorted(p.name for p in cache.iterdir()) == [f"{vars_key('{}')}.msgpack"]


def test_other_vars_get_their_own_copy_and_a_reparse_is_stored_back(tmp_path):
    cache, lake = tmp_path / "cache", tmp_path / "lake" / "target"
    held = '{"unbuilt_sources": ["knowledge"]}'
    with shared_parse(cache, lake, "{}"):
        _dbt_parses(lake, b"v1 of {}")
    with shared_parse(cache, lake, held):  # no copy for these vars yet: dbt parses
        assert (lake / PARSE_FILE).read_bytes() == b"v1 of {}"
        _dbt_parses(lake, b"v1 of held")
    with shared_parse(cache, lake, "{}"):  # back to {}: the lake gets that copy again
        assert (lake / PARSE_FILE).read_bytes() == b"v1 of {}"
        _dbt_parses(lake, b"v2 of {}")  # a project file changed: dbt re-parsed
    assert (cache / f"{vars_key('{}')}.msgpack").read_bytes() == b"v2 of {}"
    assert (cache / f"{vars_key(held)}.msgpack").read_bytes() == b"v1 of held"
    with shared_parse(cache, lake, "{}"):  # its own parse is of these vars: kept as it is
        assert (lake / PARSE_FILE).read_bytes() == b"v2 of {}"
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


def test_a_command_without_vars_is_left_alone(tmp_path):
    cache, lake = tmp_path / "cache", tmp_path / "lake" / "target"
    with shared_parse(cache, lake, None):
        _dbt_parses(lake, b"debug")
    assert not cache.exists() and not (lake / KEY_FILE).exists()
