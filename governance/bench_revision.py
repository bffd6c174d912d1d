"""The revision benchmark: what the pipeline adds to a model's own time."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from governance.bench import _load_release
from governance.config import Settings
from governance.storage import open_database

#: How many times ``bench_revision`` measures each side of the overhead.
OVERHEAD_REPEATS = 3


def bench_revision(
    *,
    prompts: int = 256,
    rounds: int = 2,
    concurrency: int = 16,
    latency_ms: int = 200,
    principles: int = 8,
    seed: int = 7,
) -> dict[str, object]:
    """Measure what the revision pipeline adds to the model's own time.

    * ``step_overhead_ms``: a run of ``prompts`` prompts on the scripted stand-in with no
      latency, one prompt at a time, through everything a run does (job, items, cache,
      storage), minus the same loop calling the model directly, per critique -> revision
      step.
    * ``throughput_ratio``: model calls per second with the stand-in answering in
      ``latency_ms`` at ``concurrency``, over the ideal ``concurrency / latency``.
    * ``rerun_model_calls``: model calls made by running the finished run again.
    """
    import tempfile

    from governance.jobs.runner import JobRunner
    from governance.llm.adapter import ModelClient
    from governance.llm.scripted import ScriptedChatModel
    from governance.llm.specs import BUILTIN_MODELS, ModelSpec
    from governance.revision.pipeline import RevisionPrinciple, Sampling, choose_principles
    from governance.revision.pipeline import revise as revise_directly
    from governance.revision.prompts import PromptSet, RevisionPrompt
    from governance.services import Charter

    rng = np.random.default_rng(seed)
    words = "when does the assistant say it is unsure about a medical legal fact".split()
    texts = [" ".join(rng.choice(words, size=24)) for _ in range(prompts)]

    def prompt_set(tag: str) -> PromptSet:
        """The prompts, made distinct per measurement, so none finds another's replies."""
        return PromptSet(
            f"bench-{tag}",
            tuple(RevisionPrompt(f"b{i}", f"{text} #{tag}{i}") for i, text in enumerate(texts)),
        )

    # Overhead is measured one call at a time, as the direct loop runs: threads sharing the
    # interpreter would charge their own contention to the pipeline.
    quick = ModelSpec(name="quick", model="charter:scripted", concurrency=1)
    slow = ModelSpec(
        name="slow", model="charter:scripted", concurrency=concurrency, latency_ms=latency_ms
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        settings = Settings(db=path, models=(*BUILTIN_MODELS.values(), quick, slow))
        db = open_database(path)
        charter = Charter(db, settings)
        steward = _load_release(db, principles=principles, after=0, rng=rng)
        charter.constitution.release_draft(steward, "bench release")
        runner = JobRunner(charter, scheduled=())

        def run(model: str, run_seed: str, prompts_of: PromptSet) -> tuple[int, float, int]:
            client = charter.models.client(model)
            calls = client.calls
            started = time.perf_counter()
            made = charter.revisions.start(
                steward,
                release="latest",
                model=model,
                prompts=prompts_of,
                rounds=rounds,
                seed=run_seed,
            )
            runner.run_until_idle()
            elapsed = time.perf_counter() - started
            detail = charter.revisions.run(made.id)
            assert detail.run.finished == prompts, detail.run
            steps = sum(len(r.steps) for r in detail.results)
            return client.calls - calls, elapsed, steps

        # The loop alone, calling the same model with no Charter around it.
        release = charter.constitution.release("latest").constitution
        chosen_from = [
            RevisionPrinciple(p.id, p.title, p.critique_request, p.revision_request)
            for p in release.principles
        ]
        direct = ModelClient(quick, ScriptedChatModel(), None)

        def directly(prompts_of: PromptSet) -> float:
            started = time.perf_counter()
            for prompt in prompts_of.prompts:
                chosen = choose_principles(chosen_from, rounds, Sampling.RANDOM, prompt.id)
                revise_directly(direct, prompt.text, chosen)
            return time.perf_counter() - started

        # Each side measured three times, the fastest kept: what remains is the pipeline's
        # own cost, not whatever else the machine was doing at that moment.
        direct_s = min(directly(prompt_set(f"d{n}")) for n in range(OVERHEAD_REPEATS))
        overhead_runs = [
            run("quick", "overhead", prompt_set(f"p{n}")) for n in range(OVERHEAD_REPEATS)
        ]
        pipeline_s = min(elapsed for _, elapsed, _ in overhead_runs)
        steps = overhead_runs[0][2]
        slow_calls, slow_s, _ = run("slow", "throughput", prompt_set("t"))
        rerun_calls, rerun_s, _ = run("slow", "throughput", prompt_set("t"))
        db.close()
    ideal = concurrency / (latency_ms / 1000)
    return {
        "prompts": prompts,
        "rounds": rounds,
        "concurrency": concurrency,
        "latency_ms": latency_ms,
        "steps": steps,
        "direct_s": round(direct_s, 3),
        "pipeline_s": round(pipeline_s, 3),
        "step_overhead_ms": round((pipeline_s - direct_s) * 1000 / steps, 3),
        "calls": slow_calls,
        "calls_per_s": round(slow_calls / slow_s, 2),
        "ideal_calls_per_s": round(ideal, 2),
        "throughput_ratio": round(slow_calls / slow_s / ideal, 3),
        "rerun_model_calls": rerun_calls,
        "rerun_s": round(rerun_s, 3),
    }
