"""Bad arguments and damaged run folders given to ``calciumgan.generate``."""

import json
import zipfile

import keras
import pytest
from catalogue import Case, cases

from calciumgan.generate import main

pytestmark = pytest.mark.slow


def generate(workspace, *extra: str, run=None, out=None) -> list:
    run = str(workspace.run) if run is None else run
    return ["--run", run, "--num-samples", "4", "--out", out or workspace / "samples.h5", *extra]


def damaged(name: str, damage) -> callable:
    """argv for a copy of the finished run whose file ``name`` was passed through ``damage(path)``."""

    def argv(workspace):
        damage(workspace.run / name)
        return generate(workspace)

    return argv


def truncate(path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def edit_json(change) -> callable:
    def damage(path):
        payload = json.loads(path.read_text())
        change(payload)
        path.write_text(json.dumps(payload))

    return damage


def unsafe_model(path) -> None:
    """A generator with a Lambda layer: loading it would run arbitrary code, which safe mode refuses."""
    noise = keras.Input((4,))
    traces = keras.layers.Reshape((32, 6))(keras.layers.Dense(192)(noise))
    keras.Model(noise, keras.layers.Lambda(lambda x: x * 2.0)(traces)).save(path.with_name("unsafe.keras"))
    path.with_name("unsafe.keras").replace(path)


def rewrite_archive(path) -> None:
    """A .keras archive whose config names a layer class that does not exist."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["config.json"] = members["config.json"].replace(b'"Dense"', b'"NoSuchLayer"')
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


GENERATE = (
    Case("batch-size-minus-one", lambda w: generate(w, "--batch-size", "-1"), "--batch-size", "positive"),
    Case("batch-size-zero", lambda w: generate(w, "--batch-size", "0"), "--batch-size", "positive"),
    Case("seed-minus-one", lambda w: generate(w, "--seed", "-1"), "--seed", "non-negative"),
    Case("seed-text", lambda w: generate(w, "--seed", "abc"), "--seed"),
    Case("truncation-zero", lambda w: generate(w, "--truncation", "0"), "--truncation", "positive"),
    Case("truncation-negative", lambda w: generate(w, "--truncation", "-1"), "--truncation", "positive"),
    Case("num-samples-zero", lambda w: generate(w)[:3] + ["0", "--out", w / "s.h5"], "--num-samples", "positive"),
    Case("num-samples-negative", lambda w: generate(w)[:3] + ["-3", "--out", w / "s.h5"], "--num-samples"),
    Case("num-samples-text", lambda w: generate(w)[:3] + ["ten", "--out", w / "s.h5"], "--num-samples", "'ten'"),
    Case("no-run", lambda w: ["--num-samples", "4", "--out", w / "s.h5"], "--run"),
    Case("out-is-a-folder", lambda w: generate(w, out=w.folder("samples.h5")), "samples.h5", "folder"),
    Case("out-exists", lambda w: generate(w, out=w.text("samples.h5", "keep me")), "samples.h5", "--overwrite"),
    Case("out-not-hdf5", lambda w: generate(w, out=w / "samples.npz"), "samples.npz", ".h5"),
    Case("out-without-suffix", lambda w: generate(w, out=w / "samples"), "samples", ".h5"),
    Case("out-inside-a-file", lambda w: generate(w, out=w.text("notes.txt", "x") + "/samples.h5"),
         "notes.txt", "not a folder"),
    Case("missing-run", lambda w: generate(w, run=w / "nowhere"), "nowhere", "no such run folder"),
    Case("run-is-a-file", lambda w: generate(w, run=w.text("run.txt", "x")), "run.txt", "no such run folder"),
    Case("empty-run-folder", lambda w: generate(w, run=w.folder("empty")), "empty", "not a finished training run"),
    Case("corrupt-recording-json", damaged("recording.json", lambda p: p.write_text("{not json")),
         "recording.json", "damaged, not JSON"),
    Case("recording-json-without-ids", damaged("recording.json", edit_json(lambda d: d.pop("neuron_ids"))),
         "recording.json", "'neuron_ids'"),
    Case("recording-json-extra-id", damaged("recording.json", edit_json(lambda d: d["neuron_ids"].append(99))),
         "recording.json", "neuron_ids", "generator.keras"),
    Case("recording-json-bad-rate", damaged("recording.json", edit_json(lambda d: d.update(sampling_rate=-1))),
         "recording.json", "'sampling_rate'"),
    Case("recording-json-is-a-list", damaged("recording.json", lambda p: p.write_text("[1, 2]")),
         "recording.json", "mapping"),
    Case("truncated-generator", damaged("generator.keras", truncate), "generator.keras", "damaged"),
    Case("empty-generator", damaged("generator.keras", lambda p: p.write_bytes(b"")), "generator.keras", "damaged"),
    Case("generator-refused-by-safe-mode", damaged("generator.keras", unsafe_model), "generator.keras", "safe"),
    Case("generator-with-unknown-layer", damaged("generator.keras", rewrite_archive), "generator.keras"),
    Case("missing-generator", damaged("generator.keras", lambda p: p.unlink()), "generator.keras", "missing"),
    Case("corrupt-scaler", damaged("scaler.json", lambda p: p.write_text("[]")), "scaler.json"),
    Case("scaler-without-maximum", damaged("scaler.json", edit_json(lambda d: d.pop("maximum"))), "scaler.json"),
    Case("corrupt-config", damaged("config.yaml", lambda p: p.write_text("train: [")), "config.yaml", "YAML"),
    Case("lfp-experiment", lambda w: generate(w, run=w.tool_folder("lfp")),
         "lfp is an LFP experiment made by lfp.pretrain", "lfp.generate"),
    Case("mei-experiment", lambda w: generate(w, run=w.tool_folder("exciting_inputs")),
         "exciting_inputs is an MEI experiment made by exciting_inputs.simulate", "exciting_inputs.fit"),
)


@cases(*GENERATE)
def test_bad_generate_inputs(refused, case):
    refused(main, case)
