"""Issue 11 #13: `linkage run` shows progress like `import`: the service reports its steps through a
callback (it knows nothing of Rich), the command shows them."""

from __future__ import annotations

from inklusi.linkage import service as linkage
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, registry_data
from tests.factories import SYSTEM


def test_a_linkage_run_reports_its_steps(ctx):
    registry.load_households(ctx, SYSTEM, registry_data(SynthConfig(households=400, seed=3)), source="tests")
    heard: list[str] = []
    linkage.link_registry(
        ctx, SYSTEM, progress=lambda text, done=0, total=None: heard.append(text.render("en"))
    )
    assert heard == [
        "Reading the registry's persons",
        "Training the linkage model, scoring and clustering pairs",
        "Linking households and writing the entities",
    ]
