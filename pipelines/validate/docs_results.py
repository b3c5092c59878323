"""One validation result per suite for the Data Docs: the results of a suite's chunks added up.

GX checks a big frame in chunks (expectations.run_suite). Its own `ValidationDefinition.run` would
store every chunk's complete result (all failing values and positions) in the results store:
about half of GX's time per chunk went to serialising them, and the Data Docs showed one page per
chunk with each chunk's counts. Chunks are validated without the store instead, and one result per
suite and run is stored for the Data Docs: the counts summed over all chunks, the first failing
values as samples (GX's SUMMARY shape: no full lists, no chunk positions).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

SAMPLES = 20  # failing values kept as samples per expectation (GX's partial_unexpected_list length)
_SUMMED = ("element_count", "missing_count", "unexpected_count")


def _percent(part: int, whole: int) -> float | None:
    """part of whole in per cent (None of nothing)."""
    return part / whole * 100 if whole else None


class SuiteSummary:
    """The results of one suite's chunks, added up as they come."""

    def __init__(self) -> None:
        self.first = None  # the first chunk's suite result: expectation configs and batch meta
        self.totals: list[dict] = []
        self.samples: list[list] = []
        self.counts: list[Counter] = []
        self.success: list[bool] = []
        self.exceptions: list[dict | None] = []
        self.chunks = 0

    def add(self, suite_result) -> None:
        """Add one chunk's ExpectationSuiteValidationResult."""
        if self.first is None:
            self.first = suite_result
            n = len(suite_result.results)
            self.totals = [dict.fromkeys(_SUMMED, 0) for _ in range(n)]
            self.samples, self.counts = [[] for _ in range(n)], [Counter() for _ in range(n)]
            self.success, self.exceptions = [True] * n, [None] * n
        for i, r in enumerate(suite_result.results):
            res = r.result or {}
            for key in _SUMMED:
                self.totals[i][key] += int(res.get(key) or 0)
            self.samples[i].extend(res.get("partial_unexpected_list", [])[:SAMPLES - len(self.samples[i])])
            for c in res.get("partial_unexpected_counts", []):
                self.counts[i][c["value"]] += c["count"]
            self.success[i] = self.success[i] and bool(r.success)
            if r.exception_info and r.exception_info.get("raised_exception") and not self.exceptions[i]:
                self.exceptions[i] = r.exception_info
        self.chunks += 1

    def result(self):
        """The suite's result over every chunk (None when no chunk was added)."""
        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResult,
            ExpectationValidationResult,
        )

        if self.first is None:
            return None
        results = []
        for i, r in enumerate(self.first.results):
            t = self.totals[i]
            checked = t["element_count"] - t["missing_count"]
            result = {
                **t,
                "missing_percent": _percent(t["missing_count"], t["element_count"]),
                "unexpected_percent": _percent(t["unexpected_count"], checked),
                "unexpected_percent_total": _percent(t["unexpected_count"], t["element_count"]),
                "unexpected_percent_nonmissing": _percent(t["unexpected_count"], checked),
                "partial_unexpected_list": self.samples[i],
                "partial_unexpected_counts": [{"value": v, "count": n}
                                              for v, n in self.counts[i].most_common(SAMPLES)],
            }
            results.append(ExpectationValidationResult(
                success=self.success[i], expectation_config=r.expectation_config, result=result,
                meta=r.meta, exception_info=self.exceptions[i] or r.exception_info))
        evaluated = len(results)
        successful = sum(r.success for r in results)
        return ExpectationSuiteValidationResult(
            results=results, success=successful == evaluated, suite_name=self.first.suite_name,
            statistics={"evaluated_expectations": evaluated, "successful_expectations": successful,
                        "unsuccessful_expectations": evaluated - successful,
                        "success_percent": _percent(successful, evaluated)},
            meta={**self.first.meta, "chunks": self.chunks}, batch_id=self.first.batch_id)


def store(ctx, vd, summary: SuiteSummary) -> None:
    """Put a suite's summed result in the context's results store (what build_data_docs renders)."""
    from great_expectations.constants import DATAFRAME_REPLACEMENT_STR
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    result = summary.result()
    if result is None:
        return
    run_id = RunIdentifier(run_time=dt.datetime.now(dt.UTC))
    result.meta.update({"validation_id": vd.id, "checkpoint_id": None, "run_id": run_id,
                        "validation_time": run_id.run_time,
                        "batch_parameters": {"dataframe": DATAFRAME_REPLACEMENT_STR}})
    suite_id = ExpectationSuiteIdentifier(name=vd.suite.name)
    ctx.validation_results_store.store_validation_results(
        suite_validation_result=result,
        suite_validation_result_identifier=ValidationResultIdentifier(
            expectation_suite_identifier=suite_id, run_id=run_id, batch_identifier=result.batch_id),
        expectation_suite_identifier=suite_id)
