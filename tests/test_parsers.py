"""Tables for the small parsers every kind relies on: globs, JSON positions, YAML lines."""

from __future__ import annotations

import pytest

from hflint.globs import check_glob, compile_glob, matches
from hflint.jsonfile import locate, pointer
from hflint.yamlfile import YamlError, load_yaml


@pytest.mark.parametrize(
    ("glob", "path", "hit"),
    [
        ("*.bin", "pytorch_model.bin", True),
        ("*.bin", "unet/diffusion_pytorch_model.bin", True),  # no '/': any depth
        ("/*.bin", "unet/x.bin", False),  # leading '/': root only
        ("/*.bin", "x.bin", True),
        ("unet/*.json", "unet/config.json", True),
        ("unet/*.json", "a/unet/config.json", False),
        ("**/unet/*.json", "a/unet/config.json", True),
        ("**/unet/*.json", "unet/config.json", True),
        ("legacy/", "legacy/a/b.bin", True),
        ("legacy/**", "legacy/a/b.bin", True),
        ("legacy/**", "legacy", False),
        ("model-?????-of-?????.safetensors", "model-00001-of-00002.safetensors", True),
        ("[!a]*.py", "b.py", True),
        ("[!a]*.py", "a.py", False),
        ("*.json", "a.json/x", False),
        ("a.b", "aXb", False),  # '.' is literal
    ],
)
def test_glob_semantics(glob: str, path: str, hit: bool) -> None:
    assert bool(compile_glob(glob).match(path)) is hit


_GLOBS = ["*.bin", "/*.bin", "unet/*.json", "**/unet/*.json", "legacy/", "legacy/**", "[!a]*.py", "a.b",
          "model-?????-of-?????.safetensors", "*.json"]
_PATHS = ["pytorch_model.bin", "unet/x.bin", "x.bin", "unet/config.json", "a/unet/config.json", "legacy/a/b.bin",
          "legacy", "b.py", "a.py", "aXb", "a.b", "a.json/x", "model-00001-of-00002.safetensors"]


@pytest.mark.parametrize("count", [0, 1, 2, 3, 10])
def test_a_list_of_globs_matches_as_any_of_them(count: int) -> None:
    """matches() compiles a list into one alternation; it is any() over the globs alone."""
    for start in range(len(_GLOBS)):
        globs = (_GLOBS * 2)[start : start + count]
        for path in _PATHS:
            assert matches(path, globs) is any(compile_glob(g).match(path) for g in globs), (globs, path)
            assert matches(path, iter(globs)) is matches(path, tuple(globs))


@pytest.mark.parametrize("glob", ["", "a**", "**b/c", "[abc", "../x", "a//b", "./a", "a\\\\b"])
def test_bad_globs(glob: str) -> None:
    assert check_glob(glob) is not None


TEXT = '{\n  "a": 1,\n  "b/c": [10,\n   {"x": "y"}],\n  "a": 2\n}'


@pytest.mark.parametrize(
    ("ptr", "where"),
    [
        ("", (1, 1)),
        ("/b~1c", (3, 3)),
        ("/b~1c/0", (3, 11)),
        ("/b~1c/1/x", (4, 5)),
        ("/a", (5, 3)),
        ("/nope", None),
        ("/b~1c/7", None),
        ("/a/x", None),
    ],
)
def test_locate(ptr: str, where: tuple[int, int] | None) -> None:
    assert locate(TEXT, ptr) == where


def test_pointer_escapes() -> None:
    assert pointer("a/b", "m~n", 3) == "/a~1b/m~0n/3"


def test_yaml_lines_and_limits() -> None:
    doc = load_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert doc.value == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.line_of(("b", 1, "c")) == 4
    assert doc.line_of(("b", 5)) == 2  # nearest ancestor
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    with pytest.raises(YamlError, match="alias expansion"):
        load_yaml(bomb)
    with pytest.raises(YamlError, match="unsupported"):
        load_yaml("x: !!python/name:os.system ''\n")
