"""Spike recovery of each inference mode on the realistic ΔF/F surrogate's ground truth.

    python benchmarks/spike_inference.py                 # dff_day4, last 20% held out, 256-frame windows
    python benchmarks/spike_inference.py --window 2048

The calibration is fitted on the first 80% of the recording; every mode then infers the spikes
of the held-out windows, which are matched to the true spikes within one frame
(``evaluation.recovery``). A frame holds at most one inferred spike, so bursts that put several
true spikes into one frame cap the recall of every mode.
"""

import argparse

from calciumgan.data.dff_surrogate import dff_recording
from calciumgan.evaluation.inference import SpikeInferenceSettings, calibrate, infer_spikes
from calciumgan.evaluation.recovery import spike_recovery


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="dff_day4")
    parser.add_argument("--window", type=int, default=256, help="frames per held-out window")
    args = parser.parse_args()
    recording = dff_recording(args.preset)
    cut = int(0.8 * recording.num_frames)
    usable = (recording.num_frames - cut) // args.window * args.window
    shape = (-1, args.window, recording.num_neurons)
    windows = recording.signals[cut : cut + usable].reshape(shape)
    true = recording.spikes[cut : cut + usable].reshape(shape)
    calibration = calibrate(recording.signals[:cut])
    modes = {"fixed": SpikeInferenceSettings(), "estimated": SpikeInferenceSettings(mode="estimated"),
             "calibrated": SpikeInferenceSettings(mode="calibrated", calibration=calibration)}  # fmt: skip
    print(f"{args.preset}: {len(windows)} held-out windows of {args.window} frames x {recording.num_neurons} neurons")
    print("| mode | recall | precision | F1 | true spikes | inferred |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, settings in modes.items():
        recovery = spike_recovery(true, infer_spikes(windows, settings))
        total = recovery.recall + recovery.precision
        f1 = 2 * recovery.recall * recovery.precision / total if total else 0.0
        print(f"| {name} | {recovery.recall:.3f} | {recovery.precision:.3f} | {f1:.3f} | {recovery.true_count} | "
              f"{recovery.inferred_count} |")


if __name__ == "__main__":
    main()
