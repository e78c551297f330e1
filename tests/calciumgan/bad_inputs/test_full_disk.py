"""Every command-line tool that writes files, run with its output on a disk that fills part-way (issue 23).

A file-size limit (``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored) stands in for a full disk without
root: every write(2) beyond the limit fails with EFBIG ("File too large"). Each tool first runs
normally, in this process, in a workspace holding its inputs and, where it may replace one, an
older output. The largest file it writes sets up to three limits: 0 bytes (its first write fails),
half that size, and that size less one byte. Under each limit it runs again as ``python -m``, in a
process of its own (forked with Keras imported: ``forked.py``), in the same workspace restored, and
must exit with code 2, end stderr with one ``error:`` line naming a path in its output folder and
the system's reason, print no traceback, and leave every file that was there byte for byte, no
temporary, and no file cut off: a tool that writes several files may keep those it finished before
the failure, each identical to the normal run's.
"""

import dataclasses
import pathlib
import shutil

import pytest
import yaml
from catalogue import WINDOW, Workspace, good_signals
from commands import run_module
from config_files import TINY_LATENT, TINY_LFP, TINY_MEI, write_config
from forked import run_forked

pytest.importorskip("resource")  # RLIMIT_FSIZE: POSIX only

pytestmark = pytest.mark.slow

OUT = "out"  # every tool's output folder, inside its workspace
LIMITS = {"first-write": lambda largest: 0, "half-largest": lambda largest: largest // 2,
          "largest-less-one": lambda largest: largest - 1}  # fmt: skip


def _older(workspace: Workspace, name: str) -> str:
    """The path of an older output ``name`` in the output folder, which a failed run must keep."""
    (workspace.root / OUT / name).parent.mkdir(parents=True, exist_ok=True)
    return workspace.text(f"{OUT}/{name}", f"an older {name}\n")


def prepare(name: str):
    def argv(workspace, request) -> list:
        return ["calciumgan.prepare", "--signals", workspace.npy("F.npy", good_signals()), "--sampling-rate", "24",
                "--out", _older(workspace, name), "--overwrite"]  # fmt: skip

    return argv


def train(workspace, request) -> list:
    return ["calciumgan.train", "--config", workspace.config(), "--out", workspace / f"{OUT}/run"]


def generate(name: str, count: int):
    def argv(workspace, request) -> list:
        return ["calciumgan.generate", "--run", str(workspace.run), "--num-samples", str(count),
                "--out", _older(workspace, name), "--overwrite"]  # fmt: skip

    return argv


def evaluate(workspace, request) -> list:
    synthetic = good_signals(8 * WINDOW)[::-1].reshape(8, WINDOW, -1)
    for name in ("report.json", "report.md"):  # an older evaluation, which the new one replaces
        _older(workspace, f"report/{name}")
    return ["calciumgan.evaluate", "--real", workspace.samples_h5("real.h5"), "--synthetic",
            workspace.samples_h5("synthetic.h5", synthetic), "--out", workspace / f"{OUT}/report"]  # fmt: skip


def lfp_generate(workspace, request) -> list:
    experiment = shutil.copytree(request.getfixturevalue("untrained_lfp_experiment"), workspace.root / "experiment")
    return ["lfp.generate", "--run", str(experiment), "--init", "scratch", "--out", _older(workspace, "windows.h5"),
            "--overwrite"]  # fmt: skip


def mei_simulate(workspace, request) -> list:
    config = write_config(workspace.root / "mei.yaml", TINY_MEI, {})
    return ["exciting_inputs.simulate", "--config", str(config), "--out", workspace / f"{OUT}/experiment"]


def staged(module: str, tiny: dict, earlier: tuple = (), overrides: dict | None = None):
    """``module`` on a tiny experiment (``tiny`` with ``overrides``), after the ``earlier`` stages ran normally in
    this process."""

    def argv(workspace, request) -> list:
        arguments = ["--config", str(write_config(workspace.root / "tiny.yaml", tiny, overrides or {})), "--out",
                     str(workspace / f"{OUT}/experiment")]  # fmt: skip
        for stage in earlier:
            assert run_module(stage, *arguments).returncode == 0
        return [module, *arguments]

    return argv


def lfp_pretrain(workspace, request) -> list:
    config = write_config(workspace.root / "lfp.yaml", TINY_LFP, {})
    return ["lfp.pretrain", "--config", str(config), "--out", workspace / f"{OUT}/experiment"]


def lfp_train(workspace, request) -> list:
    config = write_config(workspace.root / "lfp.yaml", TINY_LFP, {"train.init": "scratch"})
    return ["lfp.train", "--config", str(config), "--out", workspace / f"{OUT}/experiment"]


def lfp_evaluate(workspace, request) -> list:
    experiment = workspace / f"{OUT}/experiment"
    shutil.copytree(request.getfixturevalue("untrained_lfp_experiment"), experiment)
    config = write_config(workspace.root / "lfp.yaml", TINY_LFP, {"train.init": "scratch"})  # the fixture's config
    assert run_module("lfp.pretrain", "--config", str(config), "--out", str(experiment)).returncode == 0
    return ["lfp.evaluate", "--run", experiment]


SURROGATE = {"source": "surrogate", "preset": "day4", "num_frames": 1600, "num_neurons": 5, "validation_fraction": 0.25}


def autoencoder(module: str, sections: dict):
    def argv(workspace, request) -> list:
        return [module, "--config", workspace.text("tiny.yaml", yaml.safe_dump(sections)), "--out",
                workspace / f"{OUT}/model"]  # fmt: skip

    return argv


DENOISE = {"data": {**SURROGATE, "window": 64, "stride": 8}, "train": {"epochs": 1, "batch_size": 32},
           "model": {"poolings": 2, "filters": 4, "code_channels": 4, "kernel_size": 5},
           "evaluate": {"spike_inference_modes": ["fixed"]}}  # fmt: skip
VAE = {"data": {**SURROGATE, "window": 48, "stride": 4}, "model": {"hidden_units": 16, "latent_dim": 4},
       "train": {"epochs": 1, "batch_size": 32}, "evaluate": {"num_samples": 24, "workers": 1}}  # fmt: skip
ACGAN = {"data": {"presets": ["day1", "dff_day4"], "num_frames": 1200, "num_neurons": 4, "window": 32, "stride": 4},
         "model": {"noise_dim": 8, "embedding_dim": 4, "filters": 4, "kernel_size": 4, "num_blocks": 3},
         "train": {"epochs": 1, "steps_per_epoch": 2, "batch_size": 16, "n_critic": 1, "validation_batches": 1},
         "generate": {"samples_per_label": 3}}  # fmt: skip


def search(workspace, request) -> list:
    base = workspace.config(evaluate__num_samples=16, evaluate__heatmap_samples=2, evaluate__workers=1)
    settings = {"base": base, "trials": 1, "seed": 3, "budget": {"epochs": 1},
                "space": {"train.learning_rate": {"choice": [0.001, 0.002]}}}  # fmt: skip
    return ["tuning.search", "--config", workspace.text("search.yaml", yaml.safe_dump(settings)), "--out",
            workspace / f"{OUT}/search"]  # fmt: skip


MEI_OPTIMISE = staged("exciting_inputs.optimise", TINY_MEI, ("exciting_inputs.simulate", "exciting_inputs.fit"),
                      {"mei.steps": 20, "mei.max_neurons": 1})  # fmt: skip
LATENT_TRAIN = "exciting_inputs.latent.train"

# tool -> (its argv's builder, the limits it runs under): the tools that start TensorFlow (some 10 s a run) skip
# limits that would fail in the same writer, at the same point, as another tool's case
TOOLS = {
    "prepare-hdf5": (prepare("recording.h5"), tuple(LIMITS)),
    "prepare-npz": (prepare("recording.npz"), tuple(LIMITS)),
    "train": (train, tuple(LIMITS)),  # fails in config.yaml, recording.h5, untrained_generator.keras
    "generate-hdf5": (generate("samples.h5", 64), ("half-largest", "largest-less-one")),  # first write: as prepare's
    "generate-nwb": (generate("samples.nwb", 8), ("half-largest", "largest-less-one")),
    "evaluate": (evaluate, tuple(LIMITS)),
    "lfp-generate": (lfp_generate, ("largest-less-one",)),
    "mei-simulate": (mei_simulate, tuple(LIMITS)),
    "mei-fit": (staged("exciting_inputs.fit", TINY_MEI, ("exciting_inputs.simulate",)), ("half-largest",)),
    "mei-optimise": (MEI_OPTIMISE, ("half-largest",)),
    "latent-train": (staged(LATENT_TRAIN, TINY_LATENT), ("half-largest",)),
    "latent-decode": (staged("exciting_inputs.latent.decode", TINY_LATENT, (LATENT_TRAIN,)), ("half-largest",)),
    "latent-evolve": (staged("exciting_inputs.latent.evolve", TINY_LATENT, (LATENT_TRAIN,)), ("half-largest",)),
    "lfp-pretrain": (lfp_pretrain, ("half-largest",)),
    "lfp-train": (lfp_train, ("half-largest",)),  # fails in the checkpoint, after untrained_generator.keras
    "lfp-evaluate": (lfp_evaluate, ("half-largest",)),
    "denoise": (autoencoder("calciumgan.autoencoders.denoise", DENOISE), ("half-largest",)),
    "vae": (autoencoder("calciumgan.autoencoders.vae", VAE), ("half-largest",)),
    "acgan": (autoencoder("calciumgan.conditional.train", ACGAN), ("half-largest",)),
    "search": (search, ("first-write",)),  # later failures are trials the search records as failed
}
CASES = [(tool, limit) for tool, (_, limits) in TOOLS.items() for limit in limits]


def _is_log(name: str) -> bool:
    """TensorBoard's event files: logs appended while training and named by the time and host, not outputs."""
    return "events.out.tfevents." in pathlib.Path(name).name


@dataclasses.dataclass
class NormalRun:
    """A tool's workspace (with a pristine copy to restore it from) and its snapshots around a normal run."""

    workspace: Workspace
    pristine: pathlib.Path
    argv: list
    before: dict
    after: dict
    largest: int  # bytes of the largest file the normal run wrote or replaced

    @classmethod
    def make(cls, folder: pathlib.Path, finished_run: pathlib.Path, build, request) -> "NormalRun":
        import keras

        workspace = Workspace(folder / "workspace", finished_run)
        workspace.root.mkdir(parents=True)
        argv = [str(argument) for argument in build(workspace, request)]
        pristine = shutil.copytree(workspace.root, folder / "pristine")
        before = workspace.snapshot()
        keras.utils.clear_session()  # layer names as in a new process, or Keras files come out a few bytes longer
        result = run_module(*argv)
        assert result.returncode == 0, result.stderr[-3000:]
        after = workspace.snapshot()
        largest = max((workspace.root / name).stat().st_size for name, digest in after.items()
                      if digest is not None and before.get(name) != digest)  # fmt: skip
        return cls(workspace, pristine, argv, before, after, largest)

    def restore(self) -> None:
        shutil.rmtree(self.workspace.root)
        shutil.copytree(self.pristine, self.workspace.root)


@pytest.fixture(scope="module")
def normal_runs(tmp_path_factory, trained_tiny_run):
    """``normal_runs(tool, request)``: the tool's NormalRun, made on first use."""
    made = {}

    def normal_run(tool: str, test_request) -> NormalRun:
        if tool not in made:
            made[tool] = NormalRun.make(tmp_path_factory.mktemp(tool), trained_tiny_run, TOOLS[tool][0], test_request)
        return made[tool]

    return normal_run


@pytest.mark.parametrize("tool, limit", CASES, ids=[f"{tool}-{limit}" for tool, limit in CASES])
def test_a_full_disk_stops_the_tool_with_one_line_and_nothing_cut_off(normal_runs, request, tool, limit):
    normal = normal_runs(tool, request)
    normal.restore()
    root = normal.workspace.root
    result = run_forked(*normal.argv, cwd=root, file_size_limit=LIMITS[limit](normal.largest))
    last_line = (result.stderr.splitlines() or [""])[-1]
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert last_line.startswith(f"error: {root / OUT}/") and "(File too large)" in last_line, result.stderr[-3000:]
    assert [line for line in result.stderr.splitlines() if "error:" in line] == [last_line], result.stderr[-3000:]
    after = normal.workspace.snapshot()
    assert {name: after.get(name) for name in normal.before} == normal.before, "a file that was there changed"
    left = {name: digest for name, digest in after.items() if name not in normal.before and not _is_log(name)}
    assert left.items() <= normal.after.items(), f"files a normal run does not write, or cut off: {left}"
