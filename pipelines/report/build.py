"""Build the monthly report in the formats asked for, from the published snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines.report import data, pdf, slides, xlsx

WRITERS = {"pdf": pdf.write, "xlsx": xlsx.write, "pptx": slides.write}


def build(snapshot: Path, month: dt.date, lang: str, formats: list[str], out: Path,
          as_of: dt.date | None = None, org: str | None = None) -> list[Path]:
    """Write report-YYYY-MM-lang.{pdf,xlsx,pptx}; return the files written."""
    unknown = set(formats) - set(WRITERS)
    if unknown:
        raise ValueError(f"unknown format: {', '.join(sorted(unknown))} (pdf, xlsx, pptx)")
    r = data.load(snapshot, month, lang, as_of, org)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"report-{month:%Y-%m}-{lang}"
    return [WRITERS[f](r, out / f"{stem}.{f}") for f in formats]
