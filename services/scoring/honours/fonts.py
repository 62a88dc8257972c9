"""The CJK fonts a letter is set in, found on the machine: MICROWISH_CJK_FONT if set, else a
common path, else fontconfig (`fc-list :lang=zh`); and fallbacks for rare characters (CJK
Extension B, such as 𠈁 in a name) from MICROWISH_CJK_FALLBACK_FONTS or `fc-list :charset=20201`.
`find` is the local adapter; tests pass their own paths and lister."""
from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from services.scoring.honours.rules import refused
from shared.settings import environ

# Simplified Chinese first (the letters are in it), then what Debian's packages install.
MAIN_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)
FALLBACK_CANDIDATES = (
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/opentype/hanazono/HanaMinB.ttf",
    "C:/Windows/Fonts/simsunb.ttf",
)
_SUFFIXES = (".ttf", ".otf", ".ttc")


@dataclass(frozen=True)
class Font:
    path: str
    index: int = 0  # the face in a collection (.ttc)


@dataclass(frozen=True)
class Fonts:
    main: Font
    fallbacks: tuple[Font, ...] = ()


def fc_list(pattern: str) -> list[str]:
    """The font files fontconfig knows for `pattern` (none without fontconfig)."""
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", pattern, "file"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":", 1)[0].strip() for line in out.splitlines() if line.strip()})


def find(env: dict[str, str] | None = None, main_candidates=MAIN_CANDIDATES,
         fallback_candidates=FALLBACK_CANDIDATES, lister=fc_list) -> Fonts:
    """The fonts to embed; `cjk_font_missing` (503) when the machine has no CJK font, or the one
    MICROWISH_CJK_FONT names is not there."""
    env = environ(env)
    chosen = env.get("MICROWISH_CJK_FONT", "").strip()
    if chosen:
        if not _usable(chosen):
            raise refused(503, "cjk_font_missing", "MICROWISH_CJK_FONT",
                          f"MICROWISH_CJK_FONT 指定的字体文件不存在或不是 TTF/OTF/TTC：{chosen}")
        main = chosen
    else:
        main = next((p for p in (*main_candidates, *lister(":lang=zh")) if _usable(p)), None)
        if main is None:
            raise refused(503, "cjk_font_missing", "font")
    extra = [p.strip() for p in env.get("MICROWISH_CJK_FALLBACK_FONTS", "").split(",")]
    fallbacks = [p for p in (*extra, *fallback_candidates, *lister(":charset=20201"))
                 if p and _usable(p) and p != main]
    return Fonts(Font(main, _simplified_face(main)),
                 tuple(Font(p, _simplified_face(p)) for p in dict.fromkeys(fallbacks)))


def _usable(path: str) -> bool:
    return path.lower().endswith(_SUFFIXES) and Path(path).is_file()


@functools.lru_cache(maxsize=32)
def _simplified_face(path: str) -> int:
    """In a collection, the Simplified Chinese face (Noto's "… CJK SC"), else the first."""
    if not path.lower().endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection
    try:
        faces = TTCollection(path, lazy=True).fonts
        names = [f["name"].getDebugName(1) or "" for f in faces]
    except Exception:  # an unreadable collection: fpdf2 says what is wrong with it later
        return 0
    return next((i for i, n in enumerate(names) if n.endswith(" SC") or "SC" in n.split()), 0)
